/**
 * The one source of "now". Tests and the local runtime's time-scale replace it; production code
 * never calls Date.now() directly so that boundaries (3-month lock, due dates) are testable.
 */
let nowFn: () => Date = () => new Date();

export const clock = {
  now(): Date {
    return nowFn();
  },
  set(fn: () => Date): void {
    nowFn = fn;
  },
  reset(): void {
    nowFn = () => new Date();
  },
};

/** Asia/Shanghai has no daylight saving: always UTC+8. */
export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
export const DAY_MS = 86_400_000;

/** ISO 8601 with the +08:00 offset: business times are shown in Asia/Shanghai. */
export function isoShanghai(d: Date = clock.now()): string {
  const local = new Date(d.getTime() + SHANGHAI_OFFSET_MS);
  return local.toISOString().replace('Z', '+08:00');
}

/** The calendar date (YYYY-MM-DD) in Asia/Shanghai. */
export function dateShanghai(d: Date = clock.now()): string {
  return isoShanghai(d).slice(0, 10);
}

/** Month key (YYYY-MM) in Asia/Shanghai. */
export function monthShanghai(d: Date = clock.now()): string {
  return isoShanghai(d).slice(0, 7);
}

/**
 * ISO week key (`2024-W23`) in Asia/Shanghai: weeks start on Monday and belong to the year of
 * their Thursday (so 2024-12-30 is in 2025-W01).
 */
/** A calendar date (YYYY-MM-DD) moved by `n` days. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** ISO week (Monday start) of a calendar date: 2024-06-03 → 2024-W23. The one definition counters and reports share. */
export function isoWeekOf(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  const dow = (day.getUTCDay() + 6) % 7; // 0 = Monday
  const thursday = new Date(day.getTime() + (3 - dow) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** ISO week key in Asia/Shanghai. */
export function weekShanghai(d: Date = clock.now()): string {
  return isoWeekOf(dateShanghai(d));
}

export function epochSeconds(d: Date = clock.now()): number {
  return Math.floor(d.getTime() / 1000);
}
