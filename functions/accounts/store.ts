import { getItem, getItems, queryAll, type PatternQuery } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import { isoShanghai } from '../../shared/clock';
import type { RequestCtx } from '../../shared/http/context';
import { lastActivity } from './rules';
import {
  Account,
  AccountAudit,
  AccountRequest,
  PersonAccount,
  Point,
  accountRequestsByStatus,
  accountRequestsClosedIn,
  accountRequestsInBucket,
  accountsByStatus,
  accountsInBucket,
  pointsInBucket,
  type AccountAttrs,
  type AccountAuditAttrs,
  type AccountRequestAttrs,
  type AccountRequestStatus,
  type AccountStatus,
  type PointAttrs,
  type RegionAttrs,
} from '../../shared/db/entities';
import { bucketsUnder } from '../../shared/regions';
import { countyOf, scopeBucketOf } from '../../shared/security/scope';

/** Shanxi: the root of the region tree, where the daily and monthly jobs start. */

export const getAccount = (id: string) => getItem<AccountAttrs>(Account.key({ id }), true);
export const getRequest = (id: string) => getItem<AccountRequestAttrs>(AccountRequest.key({ id }), true);
export const getPoint = (id: string) => getItem<PointAttrs>(Point.key({ id }), true);
export const getStoredAudit = (regionCode: string, month: string) =>
  getItem<AccountAuditAttrs>(AccountAudit.key({ regionCode, month }), true);

/** The person's live account (deregistering frees the PersonAccount item). */
export async function liveAccountOfPerson(personIndex: string): Promise<AccountAttrs | undefined> {
  const link = await getItem<{ accountId: string }>(PersonAccount.key({ personIndex }), true);
  if (!link) return undefined;
  const a = await getAccount(link.accountId);
  return a && a.status !== 'deregistered' ? a : undefined;
}

/**
 * The one open point of a region (every region has its seeded point), for operator forms that
 * name the village or township but not the point id; undefined when there is none or several.
 */
export async function solePointOfRegion(region: RegionAttrs): Promise<PointAttrs | undefined> {
  const inSubtree = await queryAll<PointAttrs>({ ...pointsInBucket(scopeBucketOf(region.path)), skPrefix: `${region.path}#` });
  const own = inSubtree.filter((pt) => pt.regionCode === region.code && pt.stage !== 'closed');
  return own.length === 1 ? own[0] : undefined;
}

export async function getPoints(ids: string[]): Promise<Map<string, PointAttrs>> {
  const out = new Map<string, PointAttrs>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    const found = await getItems<PointAttrs>(unique.slice(i, i + 100).map((id) => Point.key({ id })));
    for (const p of found) if (p) out.set(p.id, p);
  }
  return out;
}



export function accountQueries(buckets: string[], regionPath: string, status?: AccountStatus): PatternQuery[] {
  return buckets.map((b) => ({ ...(status ? accountsByStatus(b, status) : accountsInBucket(b)), skPrefix: regionPath }));
}

export function requestQueries(buckets: string[], regionPath: string, status?: AccountRequestStatus): PatternQuery[] {
  return buckets.map((b) => ({ ...(status ? accountRequestsByStatus(b, status) : accountRequestsInBucket(b)), skPrefix: regionPath }));
}

/** The archive of a month: one partition for the whole province, a region subtree by prefix. */
export function closedRequestsQuery(month: string, regionPath: string, status?: AccountRequestStatus): PatternQuery {
  return {
    ...accountRequestsClosedIn(month),
    skPrefix: regionPath,
    ...(status ? { filter: { expression: '#st = :st', names: { '#st': 'status' }, values: { ':st': status } } } : {}),
  };
}

export async function allAccountsUnder(region: Pick<RegionAttrs, 'code' | 'path'>): Promise<AccountAttrs[]> {
  const out: AccountAttrs[] = [];
  for (const q of accountQueries(await bucketsUnder(region), region.path)) out.push(...(await queryAll<AccountAttrs>(q)));
  return out;
}

export async function openRequestsUnder(region: Pick<RegionAttrs, 'code' | 'path'>): Promise<AccountRequestAttrs[]> {
  const buckets = await bucketsUnder(region);
  const out: AccountRequestAttrs[] = [];
  for (const status of ['filed', 'approved'] as const) {
    for (const q of requestQueries(buckets, region.path, status)) out.push(...(await queryAll<AccountRequestAttrs>(q)));
  }
  return out;
}

/**
 * Active accounts of one partition whose last sign of life is older than `before` (ISO,
 * Asia/Shanghai offset like every stored time): the daily lock's candidates, from the status
 * index — never a Scan. The exact calendar rule is applied by the caller.
 */
export async function activeAccountsIdleSince(bucket: string, before: string): Promise<AccountAttrs[]> {
  return queryAll<AccountAttrs>({
    ...accountsByStatus(bucket, 'active'),
    filter: {
      expression:
        '(attribute_not_exists(lastLoginAt) OR lastLoginAt < :before) AND createdAt < :before AND (attribute_not_exists(unlockedAt) OR unlockedAt < :before)',
      values: { ':before': before },
    },
  });
}

/**
 * Replace an account from the copy just read. Besides the version, the write insists that no
 * login slipped in since (the login path stamps lastLoginAt without bumping the version), so a
 * status change never erases a fresher login time.
 */
export function replaceAccount(
  tx: Tx,
  before: AccountAttrs,
  after: AccountAttrs,
  extra: { condition?: string; names?: Record<string, string>; values?: Record<string, unknown>; conflict?: { code: string; message: string } } = {},
): Tx {
  const loginGuard = before.lastLoginAt === undefined ? 'attribute_not_exists(lastLoginAt)' : 'lastLoginAt = :seenLogin';
  return tx.replace(Account.item({ ...after, version: before.version }), before.version, {
    condition: [loginGuard, extra.condition].filter(Boolean).join(' AND '),
    names: extra.names,
    values: { ...(before.lastLoginAt === undefined ? {} : { ':seenLogin': before.lastLoginAt }), ...(extra.values ?? {}) },
    conflict: extra.conflict,
  });
}

/**
 * The role write (A2 in the table itself): besides version and login guards, the stored roles
 * must not hold an admin role other than the ones granted now, and the account must be live.
 * Two concurrent grants of the two admin roles can therefore never both commit, whatever
 * version each one started from.
 */
export function grantRoles(tx: Tx, before: AccountAttrs, after: AccountAttrs): Tx {
  const granted = after.roles.filter((r) => r === 'sys_admin' || r === 'biz_admin');
  const others = granted.length ? (['sys_admin', 'biz_admin'] as const).filter((r) => !granted.includes(r)) : [];
  const values: Record<string, unknown> = { ':dereg': 'deregistered' };
  const conds = ['#s <> :dereg'];
  others.forEach((r, i) => {
    values[`:other${i}`] = r;
    conds.push(`NOT contains(#roles, :other${i})`);
  });
  return replaceAccount(tx, before, after, {
    condition: conds.join(' AND '),
    names: { ...(others.length ? { '#roles': 'roles' } : {}), '#s': 'status' },
    values,
  });
}

/**
 * A8: lock an account idle past the limit — by the daily job, or at a login that finds it idle
 * before the job has run. Only an active account is locked; the session epoch moves, so every
 * token it had dies; logged as the system's act.
 */
export async function lockInactiveAccount(ctx: RequestCtx, a: AccountAttrs): Promise<void> {
  const at = isoShanghai(ctx.now);
  const tx = new Tx({ ...ctx, principal: { kind: 'anonymous' } });
  replaceAccount(tx, a, { ...a, status: 'locked', lockedAt: at, sessionEpoch: a.sessionEpoch + 1 }, {
    condition: '#s = :active',
    names: { '#s': 'status' },
    values: { ':active': 'active' },
  });
  await tx
    .log({
      action: 'account.locked_inactive',
      targetType: 'Account',
      targetId: a.id,
      before: { status: a.status, lastActivity: lastActivity(a) },
      after: { status: 'locked' },
      countyCode: countyOf(a.regionPath) ?? 'province',
      regionCode: a.regionCode,
    })
    .commit();
}
