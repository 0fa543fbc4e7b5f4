import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from './auth/session';

/**
 * Every screen of the console, one line each. A screen is its own lazy chunk, so the kiosk never
 * downloads the reviewer's screens (and the login screen stays small).
 *
 * - `path`: a client path. It must not start with an API path segment (/cases, /me, /points …):
 *   the local server answers those with the API; use the role prefixes below (/clerk, /review,
 *   /admin, /supervisor, /kiosk, /training).
 * - `roles`: who may open it (omitted = any signed-in account). `menu`: its label in the side menu.
 * - `layout`: 'console' (menu, account bar), 'bare' (login), 'print' (no chrome), 'kiosk'.
 */
export interface ScreenRoute {
  path: string;
  title: string;
  screen: LazyExoticComponent<ComponentType>;
  roles?: Role[];
  menu?: string;
  layout: 'console' | 'bare' | 'print' | 'kiosk';
  /** Public screens need no session (login, kiosk start). */
  public?: boolean;
}

const screen = (load: () => Promise<{ default: ComponentType }>) => lazy(load);

export const ROUTES: ScreenRoute[] = [
  { path: '/login', title: '扫码登录', layout: 'bare', public: true, screen: screen(() => import('./screens/login/LoginScreen')) },
  { path: '/supervisor/dashboard', title: '督导看板', menu: '督导看板', roles: ['supervisor', 'sys_admin', 'biz_admin'], layout: 'console', screen: screen(() => import('./screens/supervisor/DashboardScreen')) },
  { path: '/supervisor/map', title: '服务点分布', menu: '服务点分布', roles: ['supervisor', 'sys_admin', 'biz_admin'], layout: 'console', screen: screen(() => import('./screens/supervisor/MapScreen')) },
  { path: '/supervisor/reports', title: '督导报告', menu: '督导报告', roles: ['supervisor', 'sys_admin', 'biz_admin'], layout: 'console', screen: screen(() => import('./screens/supervisor/ReportsScreen')) },
  { path: '/admin/requests', title: '账号申请', menu: '账号申请', roles: ['sys_admin', 'biz_admin'], layout: 'console', screen: screen(() => import('./screens/admin/AccountRequestsScreen')) },
  { path: '/admin/accounts', title: '账号管理', menu: '账号管理', roles: ['sys_admin', 'biz_admin'], layout: 'console', screen: screen(() => import('./screens/admin/AccountsScreen')) },
  { path: '/admin/points', title: '服务点看板', menu: '服务点看板', roles: ['sys_admin', 'biz_admin'], layout: 'console', screen: screen(() => import('./screens/admin/PointBoardScreen')) },
  { path: '/admin/points/:id', title: '服务点详情', roles: ['sys_admin', 'biz_admin', 'supervisor'], layout: 'console', screen: screen(() => import('./screens/admin/PointScreen')) },
  { path: '/admin/funds', title: '资金月度统计', menu: '资金统计', roles: ['sys_admin', 'biz_admin', 'supervisor'], layout: 'console', screen: screen(() => import('./screens/admin/FundsScreen')) },
  { path: '/admin/audit', title: '操作日志', menu: '操作日志', roles: ['sys_admin', 'biz_admin'], layout: 'console', screen: screen(() => import('./screens/admin/AuditLogScreen')) },
  { path: '/print/account-request/:id', title: '用户申请（变更）单', layout: 'print', roles: ['sys_admin', 'biz_admin'], screen: screen(() => import('./screens/admin/RequestPrintScreen')) },
  { path: '/home', title: '首页', layout: 'console', screen: screen(() => import('./screens/common/HomeScreen')) },
  { path: '/clerk', title: '待办', layout: 'console', menu: '待办', roles: ['operator'], screen: screen(() => import('./screens/clerk/TodoScreen')) },
  { path: '/clerk/accept', title: '受理办件', layout: 'console', menu: '受理办件', roles: ['operator'], screen: screen(() => import('./screens/clerk/AcceptScreen')) },
  { path: '/clerk/find', title: '查找办件', layout: 'console', menu: '查找办件', roles: ['operator'], screen: screen(() => import('./screens/clerk/FindScreen')) },
  { path: '/clerk/cases/:id', title: '办件详情', layout: 'console', roles: ['operator'], screen: screen(() => import('./screens/clerk/CaseScreen')) },
  { path: '/clerk/problems', title: '问题反映', layout: 'console', menu: '问题反映', roles: ['operator'], screen: screen(() => import('./screens/problems/ProblemsScreen')) },
  { path: '/print/:kind/:id', title: '打印', layout: 'print', roles: ['operator', 'reviewer'], screen: screen(() => import('./screens/print/PrintScreen')) },
  { path: '/review', title: '审核队列', layout: 'console', menu: '审核队列', roles: ['reviewer'], screen: screen(() => import('./screens/reviewer/QueueScreen')) },
  { path: '/review/cases/:id', title: '审核办件', layout: 'console', roles: ['reviewer'], screen: screen(() => import('./screens/reviewer/ReviewScreen')) },
  { path: '/review/find', title: '查找办件', layout: 'console', menu: '查找办件', roles: ['reviewer'], screen: screen(() => import('./screens/reviewer/FindScreen')) },
  { path: '/review/problems', title: '问题处理', layout: 'console', menu: '问题处理', roles: ['reviewer'], screen: screen(() => import('./screens/problems/ProblemsScreen')) },
  { path: '/kiosk', title: '自助终端', layout: 'kiosk', public: true, screen: screen(() => import('./screens/kiosk/KioskScreen')) },
  { path: '/training', title: '培训与宣传', menu: '培训与宣传', roles: ['sys_admin', 'biz_admin'], layout: 'console', screen: screen(() => import('./screens/training/TrainingScreen')) },
];
