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

export function lastActivity(a: Pick<AccountAttrs, 'lastLoginAt' | 'createdAt'>): string {
  return a.lastLoginAt ?? a.createdAt;
}

export function inactiveTooLong(a: Pick<AccountAttrs, 'lastLoginAt' | 'createdAt'>, now: Date): boolean {
  return now.getTime() > lockDeadline(lastActivity(a)).getTime();
}
