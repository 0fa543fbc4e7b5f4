import { queryPages, strip } from '../../shared/db/store';
import { Tx, requireVersion } from '../../shared/db/tx';
import {
  Account,
  AccountAudit,
  AccountRequest,
  PersonAccount,
  Point,
  type AccountAttrs,
  type AccountRequestAttrs,
  type AccountRequestKind,
  type AccountRequestStatus,
  type AccountStatus,
  type RegionAttrs,
  type Role,
} from '../../shared/db/entities';
import { isoShanghai, monthShanghai } from '../../shared/clock';
import { newId } from '../../shared/ids';
import type { RequestCtx, StaffPrincipal } from '../../shared/http/context';
import { BadRequest, Conflict, Forbidden, NotFound, badField, type FieldIssue } from '../../shared/http/errors';
import { bucketsUnder, requireRegion } from '../../shared/regions';
import {
  ADMIN_ROLES,
  LEVEL,
  isAdmin,
  levelOf,
  requireAdminRole,
  requireInScope,
  requireNotSelf,
  requireRole,
  requireSeparatedRoles,
  requireStaff,
  requireWriter,
} from '../../shared/security/authorize';
import { blindIndex, sealPerson } from '../../shared/security/crypto';
import { countyOf, depthOf, pathContains, scopeBucketOf } from '../../shared/security/scope';
import {
  isManagerOf,
  managerLevelFor,
  managerLevelOf,
  notFoundAccount,
  placementIssues,
  requireManager,
  type ManagerLevel,
} from './policy';
import {
  accountQueries,
  closedRequestsQuery,
  getAccount,
  getPoint,
  getRequest,
  getStoredAudit,
  grantRoles,
  liveAccountOfPerson,
  replaceAccount,
  requestQueries,
  solePointOfRegion,
} from './store';
import { buildAuditReport, auditMonthEnd, type AuditReport } from './audit';
import { planReReviews, queueReReviews } from '../cases/re-reviews';

/* ---------- views: ID numbers and phones always masked here (admins are not the person) ---------- */

export function accountView(a: AccountAttrs) {
  const { idNumberSealed: _i, phoneSealed: _p, personIndex: _x, idNumberMasked, phoneMasked, sessionEpoch: _e, formerRoles: _f, scopeBucket: _b, ...rest } =
    strip(a as unknown as Record<string, unknown>) as unknown as AccountAttrs;
  return { ...rest, idNumber: idNumberMasked, phone: phoneMasked, managerLevel: managerLevelOf(a) };
}

export function requestView(r: AccountRequestAttrs) {
  const { person, scopeBucket: _b, regionPath: _p, accountCreatedBy: _c, rolesLinkedBy: _l, ...rest } = strip(
    r as unknown as Record<string, unknown>,
  ) as unknown as AccountRequestAttrs;
  return { ...rest, person: { name: person.name, idNumber: person.idNumberMasked, phone: person.phoneMasked } };
}

/* ---------- helpers ---------- */

const countyCodeOf = (path: string) => countyOf(path) ?? 'province';

async function callerPersonIndex(p: StaffPrincipal): Promise<string | undefined> {
  return (await getAccount(p.accountId))?.personIndex;
}

/** An admin may never handle a form about themself (A2: a second person always acts). */
async function requireNotAboutSelf(p: StaffPrincipal, r: Pick<AccountRequestAttrs, 'person' | 'accountId'>): Promise<void> {
  requireNotSelf(p, r.accountId, r.person.personIndex, await callerPersonIndex(p));
}

/** The point an operator works at: it must exist, lie in the account's region and not be closed. */
async function requireUsablePoint(pointId: string, regionCode: string): Promise<void> {
  const point = await getPoint(pointId);
  if (!point || !pathContains(point.regionPath, regionCode)) throw new NotFound('pointId: 服务点不存在或不在该区划内', 'POINT_NOT_FOUND');
  if (point.stage === 'closed') throw new Conflict('pointId: 服务点已关闭', 'POINT_CLOSED');
}

function requireAnyAdmin(p: StaffPrincipal): void {
  requireRole(p, 'sys_admin', 'biz_admin');
  requireSeparatedRoles(p.roles);
}

const sameRoles = (a: readonly Role[], b: readonly Role[]) => a.length === b.length && a.every((r) => b.includes(r));

/* ---------- account requests (A4) ---------- */

export interface FileRequestInput {
  kind: AccountRequestKind;
  person: { name: string; idNumber: string; phone: string };
  regionCode: string;
  pointId?: string;
  roles: Role[];
  note?: string;
}

/**
 * File a 用户申请（变更）单. Operator posts: the township or village unit (an operator whose
 * region holds the target) or the county admins on its behalf. Posts managed by the province
 * (county admins, city/province supervisors): the county admins of that county or the province.
 */
export async function fileAccountRequest(ctx: RequestCtx, input: FileRequestInput) {
  const p = requireStaff(ctx);
  requireRole(p, 'operator', 'sys_admin', 'biz_admin');
  requireWriter(p);
  if (isAdmin(p)) requireSeparatedRoles(p.roles);
  const region = await requireRegion(input.regionCode);
  requireInScope(p, region.path, '区划');

  const roles = input.kind === 'deregister' ? [] : input.roles;
  if (input.kind === 'deregister' && (input.roles.length > 0 || input.pointId)) {
    const issues: FieldIssue[] = [];
    if (input.roles.length > 0) issues.push({ field: 'body.roles', message: '注销申请不需填写角色' });
    if (input.pointId) issues.push({ field: 'body.pointId', message: '注销申请不需填写服务点' });
    throw new BadRequest(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  }
  requireSeparatedRoles(roles);
  if (input.kind !== 'deregister' && roles.includes('operator') && !input.pointId) {
    // api.md makes pointId optional: a village or township has one point, so the form may name just the region.
    const sole = await solePointOfRegion(region);
    if (sole) input = { ...input, pointId: sole.id };
  }
  if (input.kind !== 'deregister') {
    const issues = placementIssues(roles, region.path, input.pointId).map((i) => ({ field: `body.${i.field}`, message: i.message }));
    if (issues.length) throw new BadRequest(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues, 'ROLE_PLACEMENT');
  }

  const personIndex = await blindIndex('id', input.person.idNumber);
  const existing = await liveAccountOfPerson(personIndex);
  let target: AccountAttrs | undefined;
  if (input.kind === 'create') {
    // Only about people in the filer's own scope: elsewhere the answer would tell a village
    // operator whether anyone (a province admin, say) holds a staff account. Such a form is
    // accepted and refused at the decision (decideAccountRequest), where the decider sees why.
    if (existing && pathContains(existing.regionPath, p.regionCode)) throw new Conflict('此人已有在用账号（一人一号），请改填变更单', 'PERSON_HAS_ACCOUNT');
  } else {
    if (!existing || !pathContains(existing.regionPath, p.regionCode)) throw notFoundAccount();
    target = existing;
  }

  let managerLevel: ManagerLevel =
    input.kind === 'deregister' ? managerLevelOf(target!) : managerLevelFor(roles, region.path);
  if (target && managerLevelOf(target) === 'province') managerLevel = 'province';
  if (input.kind === 'change' && managerLevel === 'county' && countyOf(target!.regionPath) !== countyOf(region.path)) {
    throw badField('body.regionCode', '跨县调动须先注销再由新县申请');
  }
  const path = input.kind === 'deregister' ? target!.regionPath : region.path;

  // Who may file: the unit (operator posts only, in its own subtree), the managing level, or
  // for province-managed posts the county the post belongs to.
  const filerMayFile = isAdmin(p)
    ? isManagerOf(p, managerLevel, path) || (levelOf(p) === LEVEL.county && countyOf(path) === p.regionCode)
    : managerLevel === 'county' && (target ? target.roles : roles).every((r) => r === 'operator') && pathContains(path, p.regionCode);
  if (!filerMayFile) throw new Forbidden('无权为此岗位填报申请单', 'ROLE_REQUIRED');
  if (isAdmin(p)) requireNotSelf(p, target?.id, personIndex, await callerPersonIndex(p));
  if (input.pointId) await requireUsablePoint(input.pointId, region.code);

  const request: AccountRequestAttrs = {
    id: newId(),
    kind: input.kind,
    status: 'filed',
    person: { ...(await sealPerson(input.person)), personIndex },
    regionCode: input.kind === 'deregister' ? target!.regionCode : region.code,
    regionPath: path,
    scopeBucket: scopeBucketOf(path),
    ...(input.pointId ? { pointId: input.pointId } : {}),
    roles,
    ...(input.note ? { note: input.note } : {}),
    managerLevel,
    ...(target ? { accountId: target.id } : {}),
    filedBy: { accountId: p.accountId, name: p.name, regionCode: p.regionCode },
    filedAt: isoShanghai(ctx.now),
    version: 1,
  };
  await new Tx(ctx)
    .put(AccountRequest.item(request))
    .log({
      action: 'account_request.filed',
      targetType: 'AccountRequest',
      targetId: request.id,
      after: { kind: request.kind, roles, regionCode: request.regionCode, pointId: request.pointId, accountId: request.accountId },
      countyCode: countyCodeOf(path),
      regionCode: request.regionCode,
    })
    .commit();
  return requestView(request);
}

/** The county (the province for province-managed posts) approves or rejects a filed form. */
export async function decideAccountRequest(ctx: RequestCtx, id: string, input: { approve: boolean; reason?: string }) {
  const p = requireStaff(ctx);
  requireAnyAdmin(p);
  const req = await getRequest(id);
  if (!req) throw new NotFound('申请单不存在', 'REQUEST_NOT_FOUND');
  requireInScope(p, req.regionPath, '申请单');
  await requireNotAboutSelf(p, req);
  requireManager(p, req.managerLevel, req.regionPath, '申请单');
  if (req.status !== 'filed') throw new Conflict(`申请单已${req.status === 'rejected' ? '驳回' : '审批'}`, 'REQUEST_NOT_OPEN');
  if (input.approve && req.kind === 'create' && (await liveAccountOfPerson(req.person.personIndex))) {
    throw new Conflict('此人已有在用账号（一人一号），不能批准开通新账号：请驳回此申请单，或由其账号所在单位填写变更单', 'PERSON_HAS_ACCOUNT');
  }
  const at = isoShanghai(ctx.now);
  const next: AccountRequestAttrs = {
    ...req,
    status: input.approve ? 'approved' : 'rejected',
    decision: { approve: input.approve, ...(input.reason ? { reason: input.reason } : {}), byAccountId: p.accountId, byName: p.name, at },
    ...(input.approve ? {} : { closedAt: at, closedMonth: monthShanghai(ctx.now) }),
  };
  await new Tx(ctx)
    .replace(AccountRequest.item(next), req.version, { condition: '#st = :filed', names: { '#st': 'status' }, values: { ':filed': 'filed' } })
    .log({
      action: input.approve ? 'account_request.approved' : 'account_request.rejected',
      targetType: 'AccountRequest',
      targetId: req.id,
      before: { status: req.status },
      after: { status: next.status, reason: input.reason },
      countyCode: countyCodeOf(req.regionPath),
      regionCode: req.regionCode,
    })
    .commit();
  return requestView({ ...next, version: req.version + 1 });
}

export async function getAccountRequest(ctx: RequestCtx, id: string) {
  const p = requireStaff(ctx);
  const req = await getRequest(id);
  if (!req) throw new NotFound('申请单不存在', 'REQUEST_NOT_FOUND');
  // The filer (the applicant unit) always sees its form and the outcome; so does the unit's
  // staff (operators of that village or township), the admins and supervisors above it.
  if (req.filedBy.accountId === p.accountId) return requestView(req);
  requireInScope(p, req.regionPath, '申请单');
  requireRole(p, 'sys_admin', 'biz_admin', 'supervisor', 'operator');
  return requestView(req);
}

export async function listAccountRequests(
  ctx: RequestCtx,
  q: { region?: string; status?: AccountRequestStatus; month?: string; limit: number; cursor?: string },
) {
  const p = requireStaff(ctx);
  requireRole(p, 'sys_admin', 'biz_admin', 'supervisor', 'operator');
  const region = await requireRegion(q.region ?? p.regionCode, 'region');
  requireInScope(p, region.path, '区划');
  const page = q.month
    ? await queryPages<AccountRequestAttrs>([closedRequestsQuery(q.month, region.path, q.status)], q.limit, q.cursor)
    : await queryPages<AccountRequestAttrs>(requestQueries(await bucketsUnder(region), region.path, q.status), q.limit, q.cursor);
  return { items: page.items.map(requestView), nextCursor: page.nextCursor };
}

/* ---------- accounts (A1) ---------- */

/**
 * The system admin one level up fulfils an approved form: a new account (create), the changed
 * particulars (change) or the deregistration (deregister). Roles are linked afterwards by the
 * business admin (PUT /accounts/{id}/roles).
 */
export async function createAccountFromRequest(ctx: RequestCtx, requestId: string) {
  const p = requireStaff(ctx);
  requireAdminRole(p, 'sys_admin');
  const req = await getRequest(requestId);
  if (!req) throw new NotFound('申请单不存在', 'REQUEST_NOT_FOUND');
  requireInScope(p, req.regionPath, '申请单');
  await requireNotAboutSelf(p, req);
  requireManager(p, req.managerLevel, req.regionPath, '申请单');
  if (req.status !== 'approved') throw new Conflict('申请单尚未批准或已办结', 'REQUEST_NOT_APPROVED');
  if (req.accountCreatedAt) throw new Conflict('此申请单已开通账号', 'REQUEST_ALREADY_FULFILLED');
  const at = isoShanghai(ctx.now);
  const requestCond = { condition: '#st = :approved', names: { '#st': 'status' }, values: { ':approved': 'approved' } };

  if (req.kind === 'deregister') {
    const target = req.accountId ? await getAccount(req.accountId) : undefined;
    if (!target) throw notFoundAccount();
    const done: AccountRequestAttrs = { ...req, status: 'fulfilled', accountCreatedAt: at, accountCreatedBy: p.accountId, closedAt: at, closedMonth: monthShanghai(ctx.now) };
    return changeStatus(ctx, target.id, 'deregister', { reason: req.note ?? '按申请单注销', request: done });
  }

  if (req.kind === 'change') {
    const target = req.accountId ? await getAccount(req.accountId) : undefined;
    if (!target) throw notFoundAccount();
    requireNotSelf(p, target.id);
    requireManager(p, managerLevelOf(target), target.regionPath, '账号');
    if (target.status === 'deregistered') throw new Conflict('账号已注销', 'ACCOUNT_DEREGISTERED');
    if (req.pointId) await requireUsablePoint(req.pointId, req.regionCode);
    const rolesDone = sameRoles(target.roles, req.roles);
    const changed: AccountAttrs = {
      ...target,
      name: req.person.name,
      phoneSealed: req.person.phoneSealed,
      phoneMasked: req.person.phoneMasked,
      regionCode: req.regionCode,
      regionPath: req.regionPath,
      scopeBucket: req.scopeBucket,
      pointId: req.pointId,
      managerLevel: req.managerLevel,
      requestId: req.id,
      pendingRequestId: rolesDone ? undefined : req.id,
    };
    const nextReq: AccountRequestAttrs = {
      ...req,
      accountCreatedAt: at,
      accountCreatedBy: p.accountId,
      ...(rolesDone ? { status: 'fulfilled' as const, rolesLinkedAt: at, closedAt: at, closedMonth: monthShanghai(ctx.now) } : {}),
    };
    const tx = new Tx(ctx);
    replaceAccount(tx, target, changed, { condition: '#s <> :dereg', names: { '#s': 'status' }, values: { ':dereg': 'deregistered' } });
    tx.replace(AccountRequest.item(nextReq), req.version, requestCond).log({
      action: 'account.changed',
      targetType: 'Account',
      targetId: target.id,
      before: { name: target.name, regionCode: target.regionCode, pointId: target.pointId, phone: target.phoneMasked },
      after: { name: changed.name, regionCode: changed.regionCode, pointId: changed.pointId, phone: changed.phoneMasked, requestId: req.id },
      countyCode: countyCodeOf(changed.regionPath),
      regionCode: changed.regionCode,
    });
    await tx.commit();
    return accountView({ ...changed, version: target.version + 1 });
  }

  // create
  if (req.pointId) await requireUsablePoint(req.pointId, req.regionCode);
  const account: AccountAttrs = {
    id: newId(),
    name: req.person.name,
    idNumberSealed: req.person.idNumberSealed,
    idNumberMasked: req.person.idNumberMasked,
    personIndex: req.person.personIndex,
    phoneSealed: req.person.phoneSealed,
    phoneMasked: req.person.phoneMasked,
    regionCode: req.regionCode,
    regionPath: req.regionPath,
    scopeBucket: req.scopeBucket,
    ...(req.pointId ? { pointId: req.pointId } : {}),
    // Roles come from the business admin, not from the form (A4): least privilege until linked.
    roles: [],
    status: 'active',
    createdAt: at,
    sessionEpoch: 1,
    version: 1,
    requestId: req.id,
    managerLevel: req.managerLevel,
    pendingRequestId: req.id,
  };
  const tx = new Tx(ctx)
    .put(Account.item(account))
    // One live account per person, decided by the table, not by the read above.
    .put(PersonAccount.item({ personIndex: account.personIndex, accountId: account.id }), {
      conflict: { code: 'PERSON_HAS_ACCOUNT', message: '此人已有在用账号（一人一号）' },
    })
    .replace(AccountRequest.item({ ...req, accountId: account.id, accountCreatedAt: at, accountCreatedBy: p.accountId }), req.version, requestCond);
  if (account.pointId) {
    tx.check(Point.key({ id: account.pointId }), 'attribute_exists(pk) AND #stage <> :closed', { code: 'POINT_CLOSED', message: '服务点不存在或已关闭' }, { '#stage': 'stage' }, { ':closed': 'closed' });
  }
  tx.log({
    action: 'account.created',
    targetType: 'Account',
    targetId: account.id,
    after: { name: account.name, regionCode: account.regionCode, pointId: account.pointId, requestId: req.id, idNumber: account.idNumberMasked },
    countyCode: countyCodeOf(account.regionPath),
    regionCode: account.regionCode,
  });
  await tx.commit();
  return accountView(account);
}

/** Reading accounts is for the admins of the region (masked ID and phone). */
export async function getAccountById(ctx: RequestCtx, id: string) {
  const p = requireStaff(ctx);
  requireAnyAdmin(p);
  const a = await getAccount(id);
  if (!a) throw notFoundAccount();
  requireInScope(p, a.regionPath, '账号');
  return accountView(a);
}

export async function listAccounts(ctx: RequestCtx, q: { region?: string; status?: AccountStatus; limit: number; cursor?: string }) {
  const p = requireStaff(ctx);
  requireAnyAdmin(p);
  const region = await requireRegion(q.region ?? p.regionCode, 'region');
  requireInScope(p, region.path, '区划');
  const page = await queryPages<AccountAttrs>(accountQueries(await bucketsUnder(region), region.path, q.status), q.limit, q.cursor);
  return { items: page.items.map(accountView), nextCursor: page.nextCursor };
}

/* ---------- roles and separation of duties (A2, A3) ---------- */

/**
 * The business admin one level up links roles. A2/A3 are checked here on the request and again
 * inside the write: the condition requires the stored version and that the stored roles do not
 * hold the other admin role, so two concurrent grants can never leave one person with both.
 */
export async function setAccountRoles(ctx: RequestCtx, id: string, input: { roles: Role[]; version: number }) {
  const p = requireStaff(ctx);
  requireAdminRole(p, 'biz_admin');
  const a = await getAccount(id);
  if (!a) throw notFoundAccount();
  requireInScope(p, a.regionPath, '账号');
  // Separation of duties first: the answer is the same whoever manages the account.
  requireNotSelf(p, a.id);
  const roles = input.roles;
  requireSeparatedRoles(roles);
  const adminsAsked = roles.filter((r) => ADMIN_ROLES.includes(r));
  const otherAdmins = ADMIN_ROLES.filter((r) => !adminsAsked.includes(r));
  // Swapping one admin post for the other in one write would leave no moment where the person
  // held neither: remove first, then grant, in two recorded steps.
  if (adminsAsked.length > 0 && a.roles.some((r) => otherAdmins.includes(r))) {
    throw new Forbidden('同一人不得兼任系统管理员和业务管理员（先撤销原管理员角色）', 'SEPARATION_OF_DUTIES');
  }
  requireManager(p, managerLevelOf(a), a.regionPath, '账号');
  if (a.status === 'deregistered') throw new Conflict('账号已注销，不能再关联角色', 'ACCOUNT_DEREGISTERED');
  const placement = placementIssues(roles, a.regionPath, roles.includes('operator') ? a.pointId : undefined);
  if (placement.length) {
    const issues = placement.map((i) => ({ field: i.field === 'pointId' ? 'body.roles' : `body.${i.field}`, message: i.message }));
    throw new BadRequest(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues, 'ROLE_PLACEMENT');
  }
  if (roles.length > 0 && managerLevelFor(roles, a.regionPath) !== managerLevelOf(a)) {
    throw new Forbidden('这些角色不属于此账号的岗位（管理员岗位由省级开通，其他岗位由县级开通），请填报变更单', 'ROLE_NOT_FOR_POST');
  }
  requireVersion(a, input.version);
  if (roles.includes('operator') && a.pointId) await requireUsablePoint(a.pointId, a.regionCode);

  const at = isoShanghai(ctx.now);
  const pending = a.pendingRequestId ? await getRequest(a.pendingRequestId) : undefined;
  const fulfils = pending && pending.status === 'approved' && pending.accountCreatedAt ? pending : undefined;
  const next: AccountAttrs = { ...a, roles, pendingRequestId: fulfils ? undefined : a.pendingRequestId };

  const tx = new Tx(ctx);
  grantRoles(tx, a, next);
  if (fulfils) {
    tx.replace(
      AccountRequest.item({ ...fulfils, status: 'fulfilled', rolesLinkedAt: at, rolesLinkedBy: p.accountId, closedAt: at, closedMonth: monthShanghai(ctx.now) }),
      fulfils.version,
      { condition: '#st = :approved', names: { '#st': 'status' }, values: { ':approved': 'approved' } },
    );
  }
  if (a.pointId && roles.includes('operator')) {
    tx.check(Point.key({ id: a.pointId }), 'attribute_exists(pk) AND #stage <> :closed', { code: 'POINT_CLOSED', message: '服务点不存在或已关闭' }, { '#stage': 'stage' }, { ':closed': 'closed' });
  }
  tx.log({
    action: 'account.roles_linked',
    targetType: 'Account',
    targetId: a.id,
    before: { roles: a.roles },
    after: { roles, requestId: fulfils?.id },
    countyCode: countyCodeOf(a.regionPath),
    regionCode: a.regionCode,
  });
  try {
    await tx.commit();
  } catch (e) {
    // The write lost a race: say SEPARATION_OF_DUTIES when the other admin role got there first.
    if (e instanceof Conflict && adminsAsked.length > 0) {
      const now = await getAccount(id);
      if (now?.roles.some((r) => otherAdmins.includes(r))) {
        throw new Forbidden('同一人不得兼任系统管理员和业务管理员', 'SEPARATION_OF_DUTIES');
      }
    }
    throw e;
  }
  return accountView({ ...next, version: a.version + 1 });
}

/* ---------- freeze, unfreeze, unlock, deregister (A6–A8) ---------- */

export type StatusAction = 'freeze' | 'unfreeze' | 'unlock' | 'deregister';

const FROM: Record<StatusAction, readonly AccountStatus[]> = {
  freeze: ['active', 'locked'],
  unfreeze: ['frozen'],
  unlock: ['locked'],
  deregister: ['active', 'frozen', 'locked'],
};
const TO: Record<StatusAction, AccountStatus> = { freeze: 'frozen', unfreeze: 'active', unlock: 'active', deregister: 'deregistered' };

/**
 * Status changes by the system admin one level up, each one Tx with its log entry. Freeze,
 * deregister (and the inactivity lock) bump sessionEpoch in the same write: every token issued
 * before carries the old epoch and dies on its next request. Deregistering frees the person's
 * uniqueness item so a later request can give them a new account; the old one never returns.
 */
export async function changeStatus(
  ctx: RequestCtx,
  id: string,
  action: StatusAction,
  opts: { reason?: string; version?: number; request?: AccountRequestAttrs; since?: string } = {},
) {
  const p = requireStaff(ctx);
  requireAdminRole(p, 'sys_admin');
  const a = await getAccount(id);
  if (!a) throw notFoundAccount();
  requireInScope(p, a.regionPath, '账号');
  requireNotSelf(p, a.id);
  requireManager(p, managerLevelOf(a), a.regionPath, '账号');
  if (a.status === 'deregistered') throw new Conflict('账号已注销，不可恢复', 'ACCOUNT_DEREGISTERED');
  // A leak freeze of a frozen account carries the re-review queue on (see functions/cases/re-reviews.ts).
  if (action === 'freeze' && opts.since) return leakFreeze(ctx, a, opts.since, opts);
  if (!FROM[action].includes(a.status)) throw new Conflict(`账号当前状态为 ${a.status}，不能${action}`, 'INVALID_ACCOUNT_STATUS', { status: a.status });
  requireVersion(a, opts.version);

  const at = isoShanghai(ctx.now);
  const to = TO[action];
  const endsSessions = action === 'freeze' || action === 'deregister';
  const next: AccountAttrs = {
    ...a,
    status: to,
    sessionEpoch: endsSessions ? a.sessionEpoch + 1 : a.sessionEpoch,
    ...(opts.reason ? { statusReason: opts.reason } : {}),
    ...(action === 'freeze' ? { frozenAt: at } : {}),
    ...(action === 'unlock' ? { unlockedAt: at } : {}),
    ...(action === 'deregister' ? { deregisteredAt: at, formerRoles: a.roles, roles: [], pendingRequestId: undefined } : {}),
  };
  const tx = new Tx(ctx);
  replaceAccount(tx, a, next, { condition: '#s = :from', names: { '#s': 'status' }, values: { ':from': a.status } });
  if (action === 'deregister') {
    // Free the person for a later account, but only the link that points at this account.
    tx.delete(PersonAccount.key({ personIndex: a.personIndex }), 'accountId = :id', { code: 'CONFLICT', message: '账号与身份证号关联异常' }, undefined, { ':id': a.id });
  }
  if (opts.request) {
    const r = opts.request;
    tx.replace(AccountRequest.item(r), r.version, { condition: '#st = :approved', names: { '#st': 'status' }, values: { ':approved': 'approved' } });
  }
  tx.log({
    action: `account.${action === 'unlock' ? 'unlocked' : action === 'freeze' ? 'frozen' : action === 'unfreeze' ? 'unfrozen' : 'deregistered'}`,
    targetType: 'Account',
    targetId: a.id,
    before: { status: a.status, roles: a.roles },
    after: { status: to, reason: opts.reason, requestId: opts.request?.id, sessionsEnded: endsSessions },
    countyCode: countyCodeOf(a.regionPath),
    regionCode: a.regionCode,
  });
  await tx.commit();
  return accountView({ ...next, version: a.version + 1 });
}

/**
 * Freeze for a leak: the sessions end (as any freeze) and, in the same operation, every case step
 * the account performed since `since` is queued for re-review — the first page in the freeze's
 * own transaction. Frozen already: the queue is carried on (nothing is queued twice).
 */
async function leakFreeze(ctx: RequestCtx, a: AccountAttrs, sinceText: string, opts: { reason?: string; version?: number }) {
  const since = new Date(sinceText);
  if (since.getTime() > ctx.now.getTime()) throw badField('body.since', '起始时间不能晚于现在');
  if (a.status !== 'frozen' && !FROM.freeze.includes(a.status)) {
    throw new Conflict(`账号当前状态为 ${a.status}，不能freeze`, 'INVALID_ACCOUNT_STATUS', { status: a.status });
  }
  requireVersion(a, opts.version);
  const plan = await planReReviews(ctx, { id: a.id, name: a.name }, since);
  const tx = new Tx(ctx);
  let next = a;
  if (a.status !== 'frozen') {
    next = { ...a, status: 'frozen', sessionEpoch: a.sessionEpoch + 1, statusReason: 'leak', frozenAt: isoShanghai(ctx.now) };
    replaceAccount(tx, a, next, { condition: '#s = :from', names: { '#s': 'status' }, values: { ':from': a.status } });
  }
  tx.log({
    action: a.status === 'frozen' ? 'account.leak_requeued' : 'account.frozen',
    targetType: 'Account',
    targetId: a.id,
    before: { status: a.status, roles: a.roles },
    after: { status: 'frozen', reason: 'leak', since: isoShanghai(since), sessionsEnded: a.status !== 'frozen', steps: plan.items.length, alreadyQueued: plan.already },
    countyCode: countyCodeOf(a.regionPath),
    regionCode: a.regionCode,
  });
  const reReview = await queueReReviews(ctx, plan, tx, a.id, () => tx.commit());
  return { ...accountView(a.status === 'frozen' ? a : { ...next, version: a.version + 1 }), reReview };
}

/* ---------- monthly account audit (A7) ---------- */

export async function accountAudit(ctx: RequestCtx, q: { month: string; region?: string }): Promise<AuditReport> {
  const p = requireStaff(ctx);
  requireAnyAdmin(p);
  const region = await requireRegion(q.region ?? p.regionCode, 'region');
  requireInScope(p, region.path, '区划');
  if (depthOf(region.path) !== LEVEL.county && depthOf(region.path) !== LEVEL.province) {
    throw badField('query.region', '账号核查以县或省为单位');
  }
  const current = monthShanghai(ctx.now);
  if (q.month > current) throw badField('query.month', '不能核查未来的月份');
  if (q.month === current) return buildAuditReport(region, q.month, ctx.now, ctx.now, false);
  return storedAudit(ctx, region, q.month);
}

/** A closed month's audit: the kept report, built (once) when first asked for or by the schedule. */
export async function storedAudit(ctx: RequestCtx, region: RegionAttrs, month: string): Promise<AuditReport> {
  const kept = await getStoredAudit(region.code, month);
  if (kept) return kept.report as AuditReport;
  const report = await buildAuditReport(region, month, auditMonthEnd(month), ctx.now, true);
  try {
    await new Tx(ctx)
      .put(AccountAudit.item({ regionCode: region.code, month, builtAt: report.builtAt, builtBy: ctx.principal.kind === 'staff' ? ctx.principal.accountId : 'system', report }))
      .log({
        action: 'account_audit.built',
        targetType: 'AccountAudit',
        targetId: `${region.code}#${month}`,
        after: { totals: report.totals },
        countyCode: countyCodeOf(region.path),
        regionCode: region.code,
      })
      .commit();
  } catch (e) {
    // Built by someone else at the same moment: theirs is the kept one.
    if (e instanceof Conflict) {
      const theirs = await getStoredAudit(region.code, month);
      if (theirs) return theirs.report as AuditReport;
    }
    throw e;
  }
  return report;
}
