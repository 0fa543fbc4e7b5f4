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

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

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
export function weekShanghai(d: Date = clock.now()): string {
  const day = new Date(`${dateShanghai(d)}T00:00:00Z`);
  const dow = (day.getUTCDay() + 6) % 7; // 0 = Monday
  const thursday = new Date(day.getTime() + (3 - dow) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function epochSeconds(d: Date = clock.now()): number {
  return Math.floor(d.getTime() / 1000);
}
