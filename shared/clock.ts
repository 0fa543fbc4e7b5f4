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

export function epochSeconds(d: Date = clock.now()): number {
  return Math.floor(d.getTime() / 1000);
}
