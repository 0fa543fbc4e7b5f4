import { getItem } from '../db/store';
import { Account, ConflictAttempt, type AccountAttrs } from '../db/entities';
import { Tx } from '../db/tx';
import { Forbidden } from '../http/errors';
import { isoShanghai, monthShanghai } from '../clock';
import { newId } from '../ids';
import { countyOf } from './scope';
import { logger } from '../log';
import type { RequestCtx, StaffPrincipal } from '../http/context';

/**
 * Conflict of interest: a person never handles or reviews their own case. "Own" is decided by
 * the ID number's blind index (the applicant's against the staff account's), so a second
 * account or a changed name does not hide it. A refusal is 403 CONFLICT_OF_INTEREST and the
 * attempt is kept (with its op-log entry) for the county's monthly account audit.
 */
export async function refuseOwnCase(
  ctx: RequestCtx,
  p: StaffPrincipal,
  c: { applicantIndex: string; id?: string; regionPath: string },
  action: 'accept' | 'handle' | 'review',
): Promise<void> {
  const me = await getItem<AccountAttrs>(Account.key({ id: p.accountId }));
  if (!me || me.personIndex !== c.applicantIndex) return;
  const countyCode = countyOf(c.regionPath) ?? countyOf(p.regionPath) ?? 'province';
  const attempt = {
    countyCode,
    month: monthShanghai(ctx.now),
    id: newId(),
    accountId: p.accountId,
    name: p.name,
    regionCode: p.regionCode,
    action,
    ...(c.id ? { caseId: c.id } : {}),
    at: isoShanghai(ctx.now),
  };
  try {
    // Written now, whatever the request's idempotency: the request itself fails.
    await new Tx(ctx)
      .put(ConflictAttempt.item(attempt))
      .log({ action: 'case.conflict_of_interest', targetType: 'Account', targetId: p.accountId, after: { action, caseId: c.id }, countyCode })
      .commitNow();
  } catch (err) {
    logger.error('could not record a conflict-of-interest attempt', { error: err as Error });
  }
  throw new Forbidden(
    action === 'review' ? '不得审核本人为申请人的办件（利益冲突）' : '不得受理或办理本人为申请人的办件（利益冲突）',
    'CONFLICT_OF_INTEREST',
  );
}
