import { countUpTo, getItems, queryAll } from '../../shared/db/store';
import { CaseWeekCounter, casesOfCounty, pointsInBucket, type CaseAttrs, type PointAttrs } from '../../shared/db/entities';
import { addDays, dateShanghai, isoWeekOf } from '../../shared/clock';
import { addWorkingDays, workingDaysBetween } from '../../shared/calendar';

/**
 * Overdue risk (C4 made proactive): when will the county decide this case, and does that fall
 * before its due date?
 *
 * - The queue: submitted cases of the county ahead of this one in the reviewers' order (due date,
 *   then id) — a Select COUNT on the county's review index, at most QUEUE_CAP counted.
 * - The pace: the county's review decisions (approve + reject + return) in the last four complete
 *   ISO weeks, from the points' weekly counters (one Query for the county's points, one BatchGet
 *   per 25 points), divided by the working days of those weeks. Past weeks no longer change, so
 *   the figure is kept per county and week in the process.
 * - Expected decision date: today plus ceil(position ÷ decisions per working day) working days.
 *
 * Levels (decided with the county's business office in mind: they act on "high" today, watch
 * "medium"):
 * - high: the expected decision date is after the due date (or the queue is longer than counted);
 * - medium: it falls on or before the due date with fewer than MEDIUM_SLACK working days to
 *   spare, or the county has no decisions in the four weeks (no pace to judge by: the expected
 *   date is then the due date itself);
 * - low: otherwise.
 */
export const RISK_WEEKS = 4;
export const MEDIUM_SLACK = 2;
export const QUEUE_CAP = 1000;

export type RiskLevel = 'low' | 'medium' | 'high';
export interface Risk {
  level: RiskLevel;
  expectedDecisionDate: string;
  basis: {
    /** Submitted cases of the county decided before this one (by due date). */
    ahead: number;
    /** The count stopped at QUEUE_CAP: the queue is at least that long. */
    aheadCapped: boolean;
    weeks: string[];
    decisions: number;
    workingDays: number;
    /** Decisions per working day over the weeks (2 decimals). */
    perWorkingDay: number;
    /** Working days from today to the expected decision. */
    workingDaysNeeded: number;
    /** Working days from the expected decision to the due date (0 when after it). */
    slackWorkingDays: number;
    dueDate: string;
    text: string;
  };
}

interface Pace {
  weeks: string[];
  decisions: number;
  workingDays: number;
}

const PACE_TTL_MS = 15 * 60_000;
const paceCache = new Map<string, { pace: Pace; at: number }>();
export function forgetRiskCache(): void {
  paceCache.clear();
}

/** The four complete ISO weeks before the week of `today`, and their first and last day. */
export function paceWindow(today: string): { weeks: string[]; from: string; to: string } {
  const dow = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  const monday = addDays(today, -dow);
  const weeks = Array.from({ length: RISK_WEEKS }, (_, k) => isoWeekOf(addDays(monday, -7 * (RISK_WEEKS - k))));
  return { weeks, from: addDays(monday, -7 * RISK_WEEKS), to: addDays(monday, -1) };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The county's review decisions per working day over the last four complete ISO weeks. */
export async function countyPace(county: string, now: Date): Promise<Pace> {
  const today = dateShanghai(now);
  const win = paceWindow(today);
  const key = `${county}#${win.weeks[win.weeks.length - 1]}`;
  const kept = paceCache.get(key);
  if (kept && now.getTime() - kept.at < PACE_TTL_MS) return kept.pace;
  const points = await queryAll<Pick<PointAttrs, 'id'>>(pointsInBucket(county));
  const keys = points.flatMap((p) => win.weeks.map((week) => CaseWeekCounter.key({ pointId: p.id, week })));
  let decisions = 0;
  for (let i = 0; i < keys.length; i += 100) {
    for (const c of await getItems<Record<string, unknown>>(keys.slice(i, i + 100))) {
      if (c) decisions += num(c.approved) + num(c.rejected) + num(c.returned);
    }
  }
  // The window's first day is counted: workingDaysBetween counts (from, to].
  const workingDays = (await workingDaysBetween(addDays(win.from, -1), win.to, now.getTime())).value;
  const pace = { weeks: win.weeks, decisions, workingDays };
  if (paceCache.size > 500) paceCache.clear();
  paceCache.set(key, { pace, at: now.getTime() });
  return pace;
}

/** The risk from a queue position and a pace (pure but for the calendar). */
export async function riskFrom(args: { ahead: number; aheadCapped: boolean; pace: Pace; dueDate: string; today: string; nowMs: number }): Promise<Risk> {
  const { ahead, aheadCapped, pace, dueDate, today, nowMs } = args;
  const perDay = pace.workingDays > 0 ? pace.decisions / pace.workingDays : 0;
  const position = ahead + 1;
  let expected: string;
  let needed: number;
  if (perDay > 0) {
    needed = Math.min(Math.ceil(position / perDay), 1000);
    expected = (await addWorkingDays(today, needed, nowMs)).value;
  } else {
    expected = dueDate < today ? today : dueDate;
    needed = (await workingDaysBetween(today, expected, nowMs)).value;
  }
  const slack = (await workingDaysBetween(expected, dueDate, nowMs)).value;
  const level: RiskLevel = aheadCapped || expected > dueDate ? 'high' : perDay === 0 || slack < MEDIUM_SLACK ? 'medium' : 'low';
  const rate = Math.round(perDay * 100) / 100;
  const text =
    perDay > 0
      ? `县级审核队列中排在此件之前 ${aheadCapped ? `至少 ${ahead}` : ahead} 件；近四周（${pace.weeks[0]}–${pace.weeks[pace.weeks.length - 1]}）审结 ${pace.decisions} 件，${pace.workingDays} 个工作日，每个工作日 ${rate} 件；预计 ${needed} 个工作日内审核完成（${expected}），办理时限至 ${dueDate}`
      : `县级审核队列中排在此件之前 ${ahead} 件；近四周无审核记录，无法估算进度，按办理时限 ${dueDate} 计`;
  return {
    level,
    expectedDecisionDate: expected,
    basis: { ahead, aheadCapped, weeks: pace.weeks, decisions: pace.decisions, workingDays: pace.workingDays, perWorkingDay: rate, workingDaysNeeded: needed, slackWorkingDays: slack, dueDate, text },
  };
}

/**
 * Submitted cases of the county at or before (due date, id) in the review order. For a case in
 * the queue that count includes the case itself.
 */
async function queueUpTo(county: string, dueDate: string, id: string) {
  return countUpTo({ ...casesOfCounty(county, 'submitted'), skTo: `${dueDate}#${id}` }, QUEUE_CAP);
}

/** Whether a case has a risk to show: an item with county review that is not decided yet. */
export const hasLiveRisk = (c: Pick<CaseAttrs, 'item' | 'status'>) => c.item.review === 'county' && (c.status === 'accepted' || c.status === 'submitted');

/** The risk of one case now: one COUNT query (plus the pace, once per county and week). */
export async function caseRisk(c: Pick<CaseAttrs, 'id' | 'scopeBucket' | 'dueDate' | 'status'>, now: Date): Promise<Risk> {
  const [queue, pace] = await Promise.all([queueUpTo(c.scopeBucket, c.dueDate, c.id), countyPace(c.scopeBucket, now)]);
  const inQueue = c.status === 'submitted';
  const ahead = Math.max(0, queue.count - (inQueue ? 1 : 0));
  return riskFrom({ ahead, aheadCapped: queue.capped, pace, dueDate: c.dueDate, today: dateShanghai(now), nowMs: now.getTime() });
}

/**
 * Risks of a page of cases. `contiguous`: the page is a run of the county's submitted queue in
 * its own order (the county list with no subtree filter), so one COUNT for the first case gives
 * every position; otherwise one COUNT per case (bounded by the page size).
 */
export async function risksOf(cases: CaseAttrs[], now: Date, contiguous: boolean): Promise<Map<string, Risk>> {
  const out = new Map<string, Risk>();
  const live = cases.filter(hasLiveRisk);
  if (live.length === 0) return out;
  if (contiguous && live.length === cases.length && cases.every((c) => c.status === 'submitted' && c.scopeBucket === cases[0]!.scopeBucket)) {
    const first = cases[0]!;
    const [queue, pace] = await Promise.all([queueUpTo(first.scopeBucket, first.dueDate, first.id), countyPace(first.scopeBucket, now)]);
    const base = Math.max(0, queue.count - 1);
    const today = dateShanghai(now);
    for (const [i, c] of cases.entries()) {
      const capped = queue.capped || base + i >= QUEUE_CAP;
      out.set(c.id, await riskFrom({ ahead: base + i, aheadCapped: capped, pace, dueDate: c.dueDate, today, nowMs: now.getTime() }));
    }
    return out;
  }
  for (const c of live) out.set(c.id, await caseRisk(c, now));
  return out;
}
