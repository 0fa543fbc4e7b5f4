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
  { path: '/home', title: '首页', layout: 'console', menu: '首页', screen: screen(() => import('./screens/common/HomeScreen')) },
  { path: '/training', title: '培训与宣传', menu: '培训与宣传', roles: ['sys_admin', 'biz_admin'], layout: 'console', screen: screen(() => import('./screens/training/TrainingScreen')) },
];
