import { DAY_MS, clock, isoShanghai, monthShanghai } from '../../shared/clock';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { Conflict } from '../../shared/http/errors';
import { logger } from '../../shared/log';
import { PROVINCE_CODE, bucketsUnder, requireRegion } from '../../shared/regions';
import { depthOf } from '../../shared/security/scope';
import { inactiveTooLong, MIN_LOCK_SPAN_DAYS } from './rules';
import { activeAccountsIdleSince, lockInactiveAccount } from './store';
import { storedAudit } from './service';

const LOCK_CONCURRENCY = 8;

/**
 * Daily 01:00 (Asia/Shanghai): lock every active account with no login for more than 3
 * calendar months (A8). Candidates come from the status index per partition (active accounts
 * of a county, a city, the province) with a coarse time filter — no Scan; the exact calendar
 * rule (rules.ts, the same one the login path applies) decides. Each lock is one Tx with its
 * log entry and bumps sessionEpoch, so a live session dies too. Logging in does not unlock.
 */
export async function lockInactiveAccounts(event: { requestId?: string } = {}): Promise<{ checked: number; locked: number; skipped: number }> {
  const now = clock.now();
  const ctx = systemCtx(event.requestId ?? `schedule:lock-inactive:${isoShanghai(now)}`, now);
  const before = isoShanghai(new Date(now.getTime() - MIN_LOCK_SPAN_DAYS * DAY_MS));
  const province = await requireRegion(PROVINCE_CODE);
  let checked = 0;
  let locked = 0;
  let skipped = 0;
  for (const bucket of await bucketsUnder(province)) {
    const candidates = await activeAccountsIdleSince(bucket, before);
    checked += candidates.length;
    const due = candidates.filter((a) => inactiveTooLong(a, now));
    // A few locks at a time: each is its own small transaction.
    for (let i = 0; i < due.length; i += LOCK_CONCURRENCY) {
      const outcomes = await Promise.allSettled(due.slice(i, i + LOCK_CONCURRENCY).map((a) => lockInactiveAccount(ctx, a)));
      for (const o of outcomes) {
        if (o.status === 'fulfilled') locked += 1;
        // A login or an admin got there first: tomorrow's run looks again.
        else if (o.reason instanceof Conflict) skipped += 1;
        else throw o.reason;
      }
    }
  }
  logger.info('inactive accounts locked', { checked, locked, skipped });
  return { checked, locked, skipped };
}


/**
 * The 1st of each month at 07:30: keep last month's account audit for the province and every
 * county (A7). A report already kept is left as it is.
 */
export async function buildMonthlyAccountAudits(event: { requestId?: string; month?: string } = {}): Promise<{ month: string; regions: number }> {
  const now = clock.now();
  const month = event.month ?? monthShanghai(new Date(Date.parse(`${monthShanghai(now)}-01T00:00:00+08:00`) - 1));
  const ctx = systemCtx(event.requestId ?? `schedule:account-audit:${month}`, now);
  const province = await requireRegion(PROVINCE_CODE);
  const regions = [province];
  for (const bucket of await bucketsUnder(province)) {
    const r = await requireRegion(bucket);
    if (depthOf(r.path) === 2) regions.push(r);
  }
  for (const r of regions) await storedAudit(ctx, r, month);
  return { month, regions: regions.length };
}
