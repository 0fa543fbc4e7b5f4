import type { AccountAttrs } from '../../shared/db/entities';

/**
 * A8: an account with no login for more than 3 calendar months is locked. "More than 3 months"
 * means strictly after the same clock time three calendar months later (Jan 31 → Apr 30 when
 * the month is shorter).
 */
export function lockDeadline(lastActivityIso: string): Date {
  const last = new Date(lastActivityIso);
  const y = last.getUTCFullYear();
  const m = last.getUTCMonth() + 3;
  const target = new Date(Date.UTC(y, m, 1, last.getUTCHours(), last.getUTCMinutes(), last.getUTCSeconds(), last.getUTCMilliseconds()));
  const daysInTarget = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(last.getUTCDate(), daysInTarget));
  return target;
}

type ActivityFields = Pick<AccountAttrs, 'lastLoginAt' | 'createdAt'> & Partial<Pick<AccountAttrs, 'unlockedAt'>>;

/**
 * The last sign of life: the last login, else creation; an admin's unlock also counts, or an
 * account unlocked after a long absence would be locked again at its very next login.
 */
export function lastActivity(a: ActivityFields): string {
  let last = a.lastLoginAt ?? a.createdAt;
  if (a.unlockedAt && Date.parse(a.unlockedAt) > Date.parse(last)) last = a.unlockedAt;
  return last;
}

/**
 * Shortest span "3 calendar months" can be (e.g. Feb 28 → May 28 is 89 days): anything active
 * more recently than this margin cannot be due, so the daily job pre-filters with it.
 */
export const MIN_LOCK_SPAN_DAYS = 88;

export function inactiveTooLong(a: ActivityFields, now: Date): boolean {
  return now.getTime() > lockDeadline(lastActivity(a)).getTime();
}
