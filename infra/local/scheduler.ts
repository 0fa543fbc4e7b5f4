/**
 * The laptop's EventBridge Scheduler: fires every entry of shared/schedules.ts on the same cron
 * expressions, in Asia/Shanghai, by calling the same jobs.ts export the deployed schedule
 * invokes. The clock is injectable so that tests can move time instead of waiting for Monday.
 */
import { randomUUID } from 'node:crypto';
import { SCHEDULES, type ScheduleDef } from '../../shared/schedules';
import { SHANGHAI_OFFSET_MS, clock } from '../../shared/clock';

const MINUTE_MS = 60_000;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** EventBridge numbers days of the week 1 (SUN) … 7 (SAT). */
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function value(token: string, names?: string[], base = 0): number {
  const i = names ? names.indexOf(token.toUpperCase()) : -1;
  if (i >= 0) return i + base;
  if (!/^\d+$/.test(token)) throw new Error(`bad cron token "${token}"`);
  return Number(token);
}

/** Does one cron field (`*`, `?`, `5`, `1,15`, `MON-FRI`, `0/15`, `L`) accept `v`? */
export function fieldMatches(field: string, v: number, opts: { min: number; max: number; names?: string[]; base?: number; lastDay?: number }): boolean {
  for (const part of field.split(',')) {
    if (part === '*' || part === '?') return true;
    if (part === 'L' && opts.lastDay !== undefined) {
      if (v === opts.lastDay) return true;
      continue;
    }
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText ? value(stepText) : 1;
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [opts.min, opts.max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      [lo, hi] = [value(a, opts.names, opts.base), value(b, opts.names, opts.base)];
    } else {
      lo = value(range, opts.names, opts.base);
      hi = stepText ? opts.max : lo;
    }
    if (v >= lo && v <= hi && (v - lo) % step === 0) return true;
  }
  return false;
}

/** Does the schedule's cron fire at the minute holding `at` (read in Asia/Shanghai)? */
export function cronMatches(cron: ScheduleDef['cron'], at: Date): boolean {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const [minute, hour, day, month, weekDay, year] = [
    local.getUTCMinutes(),
    local.getUTCHours(),
    local.getUTCDate(),
    local.getUTCMonth() + 1,
    local.getUTCDay() + 1,
    local.getUTCFullYear(),
  ];
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const dayField = cron.day ?? (cron.weekDay ? '?' : '*');
  const weekField = cron.weekDay ?? '?';
  return (
    fieldMatches(cron.minute, minute, { min: 0, max: 59 }) &&
    fieldMatches(cron.hour, hour, { min: 0, max: 23 }) &&
    fieldMatches(dayField, day, { min: 1, max: 31, lastDay }) &&
    fieldMatches(cron.month ?? '*', month, { min: 1, max: 12, names: MONTHS, base: 1 }) &&
    fieldMatches(weekField, weekDay, { min: 1, max: 7, names: WEEKDAYS, base: 1 }) &&
    fieldMatches(cron.year ?? '*', year, { min: 1970, max: 2199 })
  );
}

/** Every (schedule, minute) due in (from, to]: minute by minute, at most a day's worth. */
export function dueBetween(schedules: ScheduleDef[], from: Date, to: Date): { schedule: ScheduleDef; at: Date }[] {
  const out: { schedule: ScheduleDef; at: Date }[] = [];
  let m = Math.floor(from.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  // After a long sleep (or a jump of the clock) only the last day is caught up.
  const earliest = Math.floor((to.getTime() - 24 * 3600 * 1000) / MINUTE_MS) * MINUTE_MS;
  if (m < earliest) m = earliest;
  for (; m <= to.getTime(); m += MINUTE_MS) {
    const at = new Date(m);
    for (const schedule of schedules) if (cronMatches(schedule.cron, at)) out.push({ schedule, at });
  }
  return out;
}

/** The schedule's input with EventBridge Scheduler's context placeholders filled in. */
export function resolveInput(schedule: ScheduleDef, at: Date): Record<string, unknown> {
  const text = JSON.stringify(schedule.input)
    .replaceAll('<aws.scheduler.scheduled-time>', at.toISOString().replace(/\.\d{3}Z$/, 'Z'))
    .replaceAll('<aws.scheduler.execution-id>', randomUUID())
    .replaceAll('<aws.scheduler.schedule-arn>', `arn:aws:scheduler:local:000000000000:schedule/default/${schedule.name}`)
    .replaceAll('<aws.scheduler.attempt-number>', '1');
  return JSON.parse(text) as Record<string, unknown>;
}

export type JobInvoker = (schedule: ScheduleDef, input: Record<string, unknown>) => Promise<unknown>;

/** The deployed target: functions/<domain>/jobs.ts, the named export. */
export const invokeJob: JobInvoker = async (schedule, input) => {
  const mod = (await import(`../../functions/${schedule.domain}/jobs.ts`)) as Record<string, unknown>;
  const fn = mod[schedule.exportName];
  if (typeof fn !== 'function') throw new Error(`functions/${schedule.domain}/jobs.ts has no export ${schedule.exportName}`);
  return (fn as (e: unknown) => Promise<unknown>)(input);
};

export interface FiredJob {
  name: string;
  at: Date;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export interface LocalScheduler {
  /** Fires what became due since the last tick (called by the timer; tests call it directly). */
  tick(): Promise<FiredJob[]>;
  /** Failed runs: the local stand-in for the dead-letter queue. */
  deadLetters: FiredJob[];
  stop(): void;
}

export function startLocalScheduler(opts: {
  schedules?: ScheduleDef[];
  now?: () => Date;
  invoke?: JobInvoker;
  tickMs?: number;
  log?: (line: string) => void;
} = {}): LocalScheduler {
  const schedules = opts.schedules ?? SCHEDULES;
  const now = opts.now ?? (() => clock.now());
  const invoke = opts.invoke ?? invokeJob;
  const log = opts.log ?? ((line: string) => console.log(line));
  let last = now();
  let running: Promise<FiredJob[]> | undefined;
  const deadLetters: FiredJob[] = [];

  const fire = async (): Promise<FiredJob[]> => {
    const to = now();
    const due = dueBetween(schedules, last, to);
    last = to;
    const fired: FiredJob[] = [];
    for (const { schedule, at } of due) {
      try {
        const result = await invoke(schedule, resolveInput(schedule, at));
        fired.push({ name: schedule.name, at, ok: true, result });
        log(`[scheduler] ${schedule.name} @ ${at.toISOString()} ok`);
      } catch (err) {
        const job = { name: schedule.name, at, ok: false, error: err instanceof Error ? err.message : String(err) };
        fired.push(job);
        deadLetters.push(job);
        log(`[scheduler] ${schedule.name} @ ${at.toISOString()} FAILED: ${job.error}`);
      }
    }
    return fired;
  };
  // One tick at a time: a slow job never overlaps the next check.
  const tick = async (): Promise<FiredJob[]> => {
    while (running) await running;
    running = fire();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };
  const timer = opts.tickMs === 0 ? undefined : setInterval(() => void tick(), opts.tickMs ?? 15_000);
  timer?.unref();
  return { tick, deadLetters, stop: () => timer && clearInterval(timer) };
}

/**
 * The first minute after `after` at which the schedule fires (Asia/Shanghai), looked for within
 * `days` days; undefined if none (e.g. a year field in the past). Walks only the minutes the
 * minute and hour fields accept, day by day.
 */
export function nextRun(cron: ScheduleDef['cron'], after: Date, days = 800): Date | undefined {
  const minutes = Array.from({ length: 60 }, (_, m) => m).filter((m) => fieldMatches(cron.minute, m, { min: 0, max: 59 }));
  const hours = Array.from({ length: 24 }, (_, h) => h).filter((h) => fieldMatches(cron.hour, h, { min: 0, max: 23 }));
  const local = new Date(after.getTime() + SHANGHAI_OFFSET_MS);
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - SHANGHAI_OFFSET_MS;
  for (let d = 0; d <= days; d++) {
    const day = midnight + d * 24 * 3600 * 1000;
    for (const h of hours) {
      for (const m of minutes) {
        const at = new Date(day + (h * 60 + m) * MINUTE_MS);
        if (at.getTime() > after.getTime() && cronMatches(cron, at)) return at;
      }
    }
  }
  return undefined;
}
