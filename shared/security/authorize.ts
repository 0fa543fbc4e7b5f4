import type { Role } from '../db/entities/accounts';
import type { Principal, RequestCtx, StaffPrincipal } from '../http/context';
import { Forbidden, NotFound, Unauthorized } from '../http/errors';
import { depthOf, inRegionScope } from './scope';

/**
 * The one authorization module every domain uses: role × region subtree × point, plus the
 * separation-of-duties rules (A2, A3). Services call these before they read or write; the
 * client is never trusted to have checked.
 */
export const ADMIN_ROLES: readonly Role[] = ['sys_admin', 'biz_admin'];
export const CASE_ROLES: readonly Role[] = ['operator', 'reviewer'];

export function isAdmin(p: Pick<StaffPrincipal, 'roles'>): boolean {
  return p.roles.some((r) => ADMIN_ROLES.includes(r));
}

/** The caller must be a staff account. */
export function requireStaff(ctx: RequestCtx | Principal): StaffPrincipal {
  const p = 'principal' in ctx ? ctx.principal : ctx;
  if (p.kind === 'anonymous') throw new Unauthorized();
  if (p.kind !== 'staff') throw new Forbidden('仅限工作人员账号', 'STAFF_ONLY');
  return p;
}

/** The caller must hold one of `roles`. */
export function requireRole(p: StaffPrincipal, ...roles: Role[]): void {
  if (!p.roles.some((r) => roles.includes(r))) {
    throw new Forbidden(`需要角色: ${roles.join(' 或 ')}`, 'ROLE_REQUIRED', { required: roles });
  }
}

/**
 * A3: admin accounts never handle or review cases, whatever roles are linked. Checked at every
 * case action as well as when roles are written.
 */
export function requireCaseRights(p: StaffPrincipal, ...roles: ('operator' | 'reviewer' | 'supervisor')[]): void {
  if (isAdmin(p) || separationProblem(p.roles)) throw new Forbidden('管理员账号不得办理或审核业务', 'SEPARATION_OF_DUTIES');
  requireRole(p, ...roles);
}

/** Levels by path depth: 0 province, 1 city, 2 county, 3 township, 4 village/community. */
export const LEVEL = { province: 0, city: 1, county: 2, township: 3, village: 4 } as const;

export function levelOf(p: Pick<StaffPrincipal, 'regionPath'>): number {
  return depthOf(p.regionPath);
}

/** The caller's account sits at exactly one of these levels. */
export function requireLevel(p: StaffPrincipal, ...levels: (keyof typeof LEVEL)[]): void {
  const depth = levelOf(p);
  if (!levels.some((l) => LEVEL[l] === depth)) {
    throw new Forbidden(`此操作限 ${levels.join('/')} 级账号`, 'LEVEL_REQUIRED', { required: levels });
  }
}

/**
 * A record outside the caller's region subtree does not exist for them: 404, never 403, so
 * that scope does not reveal what is there.
 */
export function requireInScope(p: StaffPrincipal, recordPath: string, what = '记录'): void {
  if (!inRegionScope(p, recordPath)) throw new NotFound(`${what}不存在`);
}

/** Operators see only their own point (when the record belongs to a point). */
export function requirePointScope(p: StaffPrincipal, recordPath: string, recordPointId: string | undefined, what = '记录'): void {
  requireInScope(p, recordPath, what);
  const onlyOperator = p.roles.every((r) => r === 'operator');
  if (onlyOperator && recordPointId !== undefined && p.pointId !== recordPointId) throw new NotFound(`${what}不存在`);
}

/** Supervisors read; they never change data. */
export function requireWriter(p: StaffPrincipal): void {
  if (p.roles.every((r) => r === 'supervisor')) throw new Forbidden('督导账号只读', 'READ_ONLY');
}

/**
 * A2/A3 on a role set: why it breaks separation of duties, or undefined when it does not. An
 * admin post stands alone: never both admin roles, never an admin with case rights (operator,
 * reviewer), and — the post table says "hold another role" — with nothing else either.
 */
export function separationProblem(roles: readonly Role[]): string | undefined {
  const admins = roles.filter((r) => ADMIN_ROLES.includes(r));
  if (admins.length > 1) return '同一人不得兼任系统管理员和业务管理员';
  if (admins.length === 1 && roles.some((r) => CASE_ROLES.includes(r))) return '管理员账号不得拥有办理或审核业务的角色';
  if (admins.length === 1 && roles.length > 1) return '管理员账号不得兼任其他角色';
  return undefined;
}

/** Refuses a role set that breaks A2/A3 with 403 SEPARATION_OF_DUTIES. */
export function requireSeparatedRoles(roles: readonly Role[]): void {
  const problem = separationProblem(roles);
  if (problem) throw new Forbidden(problem, 'SEPARATION_OF_DUTIES', { roles });
}

/**
 * An admin action (account or role management): the caller holds `role` and their own role set
 * is itself separated — an account that somehow holds both admin roles acts as neither.
 */
export function requireAdminRole(p: StaffPrincipal, role: 'sys_admin' | 'biz_admin'): void {
  requireRole(p, role);
  requireSeparatedRoles(p.roles);
}

/** Admins never act on their own account (A2): a second person always does. */
export function requireNotSelf(p: StaffPrincipal, accountId: string | undefined, personIndex?: string, callerPersonIndex?: string): void {
  if (accountId !== undefined && p.accountId === accountId) {
    throw new Forbidden('管理员不得操作本人账号', 'SEPARATION_OF_DUTIES');
  }
  if (personIndex !== undefined && callerPersonIndex !== undefined && personIndex === callerPersonIndex) {
    throw new Forbidden('管理员不得处理本人的账号申请', 'SEPARATION_OF_DUTIES');
  }
}
