/**
 * Report periods in the business calendar (Asia/Shanghai): ISO weeks ("2024-W23", Monday to
 * Sunday), months ("2024-06") and quarters ("2024-Q2"). Pure functions, no I/O.
 */
import { DAY_MS, SHANGHAI_OFFSET_MS, addDays, dateShanghai, isoWeekOf } from '../../shared/clock';

export const REPORT_TYPES = ['weekly', 'monthly', 'quarterly'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const PERIOD_PATTERNS: Record<ReportType, RegExp> = {
  weekly: /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/,
  monthly: /^(\d{4})-(0[1-9]|1[0-2])$/,
  quarterly: /^(\d{4})-Q([1-4])$/,
};

export interface Period {
  type: ReportType;
  key: string;
  /** First and last calendar day (YYYY-MM-DD), inclusive. */
  start: string;
  end: string;
  /** Month keys (YYYY-MM) the period touches, for per-month counters. */
  months: string[];
  /** Every day of the period (YYYY-MM-DD). */
  days: string[];
}

const ymd = (d: Date): string => d.toISOString().slice(0, 10);
const utcDate = (s: string): Date => new Date(`${s}T00:00:00Z`);

/** Monday of ISO week 1 of `year`: the week holding 4 January. */
function isoWeekOneMonday(year: number): Date {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const dow = (jan4.getUTCDay() + 6) % 7; // 0 = Monday
  return new Date(jan4.getTime() - dow * DAY_MS);
}

function daysBetween(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Parses a period key of the given type; undefined if it is not one (e.g. 2021-W53). */
export function parsePeriod(type: ReportType, key: string): Period | undefined {
  const m = PERIOD_PATTERNS[type].exec(key);
  if (!m) return undefined;
  const year = Number(m[1]);
  const n = Number(m[2]);
  let start: string;
  let end: string;
  if (type === 'weekly') {
    start = ymd(new Date(isoWeekOneMonday(year).getTime() + (n - 1) * 7 * DAY_MS));
    end = addDays(start, 6);
    if (isoWeekOf(start) !== key) return undefined; // week 53 in a 52-week year
  } else if (type === 'monthly') {
    start = `${year}-${String(n).padStart(2, '0')}-01`;
    end = ymd(new Date(Date.UTC(year, n, 0)));
  } else {
    start = `${year}-${String((n - 1) * 3 + 1).padStart(2, '0')}-01`;
    end = ymd(new Date(Date.UTC(year, n * 3, 0)));
  }
  const days = daysBetween(start, end);
  const months = [...new Set(days.map((d) => d.slice(0, 7)))];
  return { type, key, start, end, months, days };
}

/** The period of `type` that ended before the one holding `at` (what a schedule reports on). */
export function previousPeriod(type: ReportType, at: Date): Period {
  const today = dateShanghai(at);
  const [y, mo] = today.split('-').map(Number) as [number, number];
  let key: string;
  if (type === 'weekly') {
    key = isoWeekOf(addDays(today, -7));
  } else if (type === 'monthly') {
    const d = new Date(Date.UTC(y, mo - 2, 1));
    key = ymd(d).slice(0, 7);
  } else {
    const q = Math.floor((mo - 1) / 3); // 0-based quarter of today
    key = q === 0 ? `${y - 1}-Q4` : `${y}-Q${q}`;
  }
  return parsePeriod(type, key)!;
}

/** Start of a Shanghai calendar day as an instant (for op-log and login time ranges). */
export function shanghaiDayStart(date: string): Date {
  return new Date(utcDate(date).getTime() - SHANGHAI_OFFSET_MS);
}
