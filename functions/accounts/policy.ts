import type { AccountAttrs, Role } from '../../shared/db/entities';
import type { StaffPrincipal } from '../../shared/http/context';
import { Forbidden, NotFound } from '../../shared/http/errors';
import { ADMIN_ROLES, LEVEL, requireInScope } from '../../shared/security/authorize';
import { countyOf, depthOf } from '../../shared/security/scope';

/**
 * Who may be what, where (附件3), and which level manages whom ("one level down"). Pure
 * functions: the service reads, these decide.
 */
export type ManagerLevel = 'province' | 'county';

/** Region depths each role may sit at: 0 province, 1 city, 2 county, 3 township/committee, 4 village/community. */
export const ROLE_DEPTHS: Record<Role, readonly number[]> = {
  sys_admin: [LEVEL.province, LEVEL.county],
  biz_admin: [LEVEL.province, LEVEL.county],
  operator: [LEVEL.township, LEVEL.village],
  // County: the business backbone who reviews cases. City and province: the HR bureau's answerers and the
  // province task force (省工作专班) who hold escalated and system/functional problems (E2, E3); cases stay county-only.
  reviewer: [LEVEL.province, LEVEL.city, LEVEL.county],
  supervisor: [LEVEL.province, LEVEL.city, LEVEL.county],
};

export interface PlacementIssue {
  field: string;
  message: string;
}

/** Why `roles` cannot sit at `regionPath` (with or without a point), or [] when they can. */
export function placementIssues(roles: readonly Role[], regionPath: string, pointId: string | undefined): PlacementIssue[] {
  const depth = depthOf(regionPath);
  const issues: PlacementIssue[] = [];
  for (const r of roles) {
    if (!ROLE_DEPTHS[r].includes(depth)) issues.push({ field: 'roles', message: `角色 ${r} 不能设在此级区划` });
  }
  const operator = roles.includes('operator');
  if (operator && !pointId) issues.push({ field: 'pointId', message: '业务操作员须指定所在服务点' });
  if (!operator && pointId) issues.push({ field: 'pointId', message: '只有业务操作员隶属服务点' });
  return issues;
}

/**
 * The level that decides, creates and manages an account: the province for admin posts and
 * anything above a county (there is nothing above the province, so it also manages its own
 * level); the county for its reviewers, supervisors and the operators of its points.
 */
export function managerLevelFor(roles: readonly Role[], regionPath: string): ManagerLevel {
  if (roles.some((r) => ADMIN_ROLES.includes(r)) || depthOf(regionPath) < LEVEL.county) return 'province';
  return 'county';
}

export function managerLevelOf(a: Pick<AccountAttrs, 'managerLevel' | 'roles' | 'regionPath'> & { formerRoles?: Role[] }): ManagerLevel {
  return a.managerLevel ?? managerLevelFor(a.roles.length ? a.roles : (a.formerRoles ?? []), a.regionPath);
}

/** True when the caller sits at the managing level for a record at `regionPath` managed at `level`. */
export function isManagerOf(p: StaffPrincipal, level: ManagerLevel, regionPath: string): boolean {
  const depth = depthOf(p.regionPath);
  if (level === 'province') return depth === LEVEL.province;
  return depth === LEVEL.county && countyOf(regionPath) === p.regionCode;
}

/**
 * The caller manages the record: out of their region subtree is 404 (never reveal it exists);
 * in scope but not their level to manage (a province admin on an operator, a county admin on a
 * county admin) is 403.
 */
export function requireManager(p: StaffPrincipal, level: ManagerLevel, regionPath: string, what: string): void {
  requireInScope(p, regionPath, what);
  if (!isManagerOf(p, level, regionPath)) {
    throw new Forbidden(level === 'province' ? '此账号由省级管理员管理' : '此账号由所在县的管理员管理', 'LEVEL_REQUIRED', { manager: level });
  }
}

/** Roles a post needs at most: more than one role is surplus (least privilege, A7). */
export function overPrivileged(a: Pick<AccountAttrs, 'roles' | 'regionPath' | 'pointId'>): string | undefined {
  if (a.roles.length > 1) return `兼有 ${a.roles.length} 个角色`;
  const issues = placementIssues(a.roles, a.regionPath, a.pointId);
  return issues.length ? issues.map((i) => i.message).join('；') : undefined;
}

export function notFoundAccount(): NotFound {
  return new NotFound('账号不存在', 'ACCOUNT_NOT_FOUND');
}
