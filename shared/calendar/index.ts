import chineseDays from 'chinese-days';
import { getItem } from '../db/store';
import { CalendarYear, type CalendarYearAttrs } from '../db/entities/calendar';
import { DAY_MS, addDays } from '../clock';

/**
 * China's official working calendar (C4), Asia/Shanghai dates as 'YYYY-MM-DD'.
 *
 * A year's days come from, in order: the year as loaded by the province business admin (the
 * State Council's notice, stored as data) → the chinese-days package (it knows the years up to
 * its release, 2026 for 1.5.7) → plain weekdays, flagged provisional until the year is loaded.
 * Each year is read from the table once per process and kept for CACHE_MS, so a due-date
 * computation is in-memory work after the first request of a process.
 */
export type YearSource = 'loaded' | 'builtin' | 'provisional';

export interface YearCalendar {
  year: number;
  source: YearSource;
  /** Weekdays that are days off (holiday weekend days may be listed too; they change nothing). */
  holidays: ReadonlySet<string>;
  /** Weekend days that are working days (调休). */
  workdays: ReadonlySet<string>;
  version?: number;
  sourceText?: string;
  loadedAt?: string;
}

/** Another process's load shows up here within this time; the loading process sees it at once. */
const CACHE_MS = 5 * 60_000;
const cache = new Map<number, { cal: YearCalendar; at: number }>();
const builtin = new Map<number, YearCalendar | null>();

const toUtc = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const fromUtc = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const nextDay = (date: string): string => addDays(date, 1);
export const yearOf = (date: string): number => Number(date.slice(0, 4));
/** 0 = Sunday … 6 = Saturday */
export const weekdayOf = (date: string): number => new Date(toUtc(date)).getUTCDay();
export const isWeekend = (date: string): boolean => {
  const d = weekdayOf(date);
  return d === 0 || d === 6;
};

/** Every date of a year, in order. */
export function datesOfYear(year: number): string[] {
  const out: string[] = [];
  for (let ms = Date.UTC(year, 0, 1); new Date(ms).getUTCFullYear() === year; ms += DAY_MS) out.push(fromUtc(ms));
  return out;
}

/**
 * The chinese-days package's view of a year, or null when it does not know the year (it then
 * answers plain weekdays, which is exactly what we must not trust silently).
 */
export function builtinYear(year: number): YearCalendar | null {
  if (builtin.has(year)) return builtin.get(year)!;
  let cal: YearCalendar | null = null;
  const knows = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
  if (knows) {
    const holidays = new Set<string>();
    const workdays = new Set<string>();
    for (const d of datesOfYear(year)) {
      const work = chineseDays.isWorkday(d);
      if (!isWeekend(d) && !work) holidays.add(d);
      if (isWeekend(d) && work) workdays.add(d);
    }
    cal = { year, source: 'builtin', holidays, workdays };
  }
  builtin.set(year, cal);
  return cal;
}

function fromLoaded(a: CalendarYearAttrs): YearCalendar {
  return {
    year: a.year,
    source: 'loaded',
    holidays: new Set(a.holidays),
    workdays: new Set(a.workdays),
    version: a.version,
    sourceText: a.source,
    loadedAt: a.loadedAt,
  };
}

const provisionalYear = (year: number): YearCalendar => ({ year, source: 'provisional', holidays: new Set(), workdays: new Set() });

/** The calendar of one year (GetItem at most once per process per CACHE_MS for a known year; every time for a guessed one). */
export async function yearCalendar(year: number, nowMs = Date.now()): Promise<YearCalendar> {
  const hit = cache.get(year);
  if (hit && nowMs - hit.at < CACHE_MS && nowMs >= hit.at) return hit.cal;
  const loaded = await getItem<CalendarYearAttrs>(CalendarYear.key({ year }));
  const cal = loaded ? fromLoaded(loaded) : (builtinYear(year) ?? provisionalYear(year));
  // A guess is not kept: once the province loads the year, every process must see it at once,
  // or cases accepted elsewhere would keep a weekday-only due date after the recomputation ran.
  if (cal.source !== 'provisional') cache.set(year, { cal, at: nowMs });
  return cal;
}

/** The loading process knows the new year at once (and recomputes with it). */
export function rememberLoadedYear(a: CalendarYearAttrs, nowMs = Date.now()): void {
  cache.set(a.year, { cal: fromLoaded(a), at: nowMs });
}
export function forgetCalendarCache(): void {
  cache.clear();
}

export function isWorkingDayIn(cal: YearCalendar, date: string): boolean {
  if (cal.workdays.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  return !isWeekend(date);
}

/** Reads the years a computation touches, lazily and once each. */
class Reader {
  readonly provisionalYears = new Set<number>();
  private readonly years = new Map<number, YearCalendar>();
  constructor(private readonly nowMs: number) {}
  async isWorkingDay(date: string): Promise<boolean> {
    const y = yearOf(date);
    let cal = this.years.get(y);
    if (!cal) {
      cal = await yearCalendar(y, this.nowMs);
      this.years.set(y, cal);
      if (cal.source === 'provisional') this.provisionalYears.add(y);
    }
    return isWorkingDayIn(cal, date);
  }
  result(): { provisional: boolean; provisionalYears: number[] } {
    const ys = [...this.provisionalYears].sort();
    return { provisional: ys.length > 0, provisionalYears: ys };
  }
}

const MAX_WORKING_DAYS = 1000;

export interface CalendarAnswer<T> {
  value: T;
  /** True when an unloaded, unknown year was computed on plain weekdays. */
  provisional: boolean;
  provisionalYears: number[];
}

export async function isWorkingDay(date: string, nowMs = Date.now()): Promise<CalendarAnswer<boolean>> {
  const r = new Reader(nowMs);
  const value = await r.isWorkingDay(date);
  return { value, ...r.result() };
}

/** The n-th working day after `start` (start itself is not counted); n = 0 gives `start`. */
export async function addWorkingDays(start: string, n: number, nowMs = Date.now()): Promise<CalendarAnswer<string>> {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) throw new Error(`addWorkingDays: n out of range (${n})`);
  const r = new Reader(nowMs);
  let d = start;
  let left = n;
  while (left > 0) {
    d = nextDay(d);
    if (await r.isWorkingDay(d)) left -= 1;
  }
  return { value: d, ...r.result() };
}

/** Working days in (from, to]: how many working days pass from `from` to `to`; 0 if to ≤ from. */
export async function workingDaysBetween(from: string, to: string, nowMs = Date.now()): Promise<CalendarAnswer<number>> {
  const r = new Reader(nowMs);
  let count = 0;
  if (to > from) {
    if (toUtc(to) - toUtc(from) > 3660 * DAY_MS) throw new Error('workingDaysBetween: range over ten years');
    for (let d = nextDay(from); d <= to; d = nextDay(d)) if (await r.isWorkingDay(d)) count += 1;
  }
  return { value: count, ...r.result() };
}

/** The working day before `date` (for the warning one working day ahead of the due date). */
export async function previousWorkingDay(date: string, nowMs = Date.now()): Promise<CalendarAnswer<string>> {
  const r = new Reader(nowMs);
  let d = fromUtc(toUtc(date) - DAY_MS);
  for (let i = 0; i < 60 && !(await r.isWorkingDay(d)); i++) d = fromUtc(toUtc(d) - DAY_MS);
  return { value: d, ...r.result() };
}

/** A pause of the clock: returned for supplement on one date, supplemented on another. */
export interface Pause {
  returnedOn: string;
  supplementedOn?: string;
}

/**
 * The due date of a case: `limit` working days after acceptance, extended by the working days
 * each completed pause (return → supplement) took. Pure given the calendar, so a loaded year
 * recomputes it exactly.
 */
export async function dueDateOf(
  acceptDate: string,
  limit: number,
  pauses: Pause[],
  nowMs = Date.now(),
): Promise<{ dueDate: string; pausedWorkingDays: number; provisional: boolean; provisionalYears: number[] }> {
  const years = new Set<number>();
  const base = await addWorkingDays(acceptDate, limit, nowMs);
  base.provisionalYears.forEach((y) => years.add(y));
  let paused = 0;
  for (const p of pauses) {
    if (!p.supplementedOn) continue;
    const w = await workingDaysBetween(p.returnedOn, p.supplementedOn, nowMs);
    w.provisionalYears.forEach((y) => years.add(y));
    paused += w.value;
  }
  const due = await addWorkingDays(base.value, paused, nowMs);
  due.provisionalYears.forEach((y) => years.add(y));
  const ys = [...years].sort();
  return { dueDate: due.value, pausedWorkingDays: paused, provisional: ys.length > 0, provisionalYears: ys };
}
