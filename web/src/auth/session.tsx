import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, onSessionActivity, onSessionEnded, unwrap, type Schemas } from '../api/client';
import { getToken, onTokenChange, setToken } from './token';
import { runtimeConfig } from '../config';

export type Me = Schemas['Me'];
export type Role = 'sys_admin' | 'biz_admin' | 'operator' | 'reviewer' | 'supervisor';

interface SessionState {
  token: string | undefined;
  me: Me | undefined;
  loading: boolean;
  /** Why the last session ended, for the login screen ('idle' → 请重新扫码登录). */
  ended: 'idle' | 'logout' | undefined;
  signIn(token: string): void;
  signOut(): Promise<void>;
  hasRole(...roles: Role[]): boolean;
}

const Ctx = createContext<SessionState | undefined>(undefined);

/**
 * The signed-in account for every screen. The server ends a session after its idle time; the
 * console ends it at the same moment (a timer restarted by every answered request) and on any
 * 401, and then shows 请重新扫码登录 instead of a broken screen.
 */
export function SessionProvider({ children, idleSeconds = runtimeConfig.sessionIdleSeconds }: { children: ReactNode; idleSeconds?: number }) {
  const qc = useQueryClient();
  const [token, setTokenState] = useState(getToken);
  const [ended, setEnded] = useState<'idle' | 'logout' | undefined>(undefined);
  useEffect(() => onTokenChange(setTokenState), []);

  const end = useCallback(
    (why: 'idle' | 'logout') => {
      setToken(undefined);
      qc.clear();
      setEnded(why);
    },
    [qc],
  );

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    if (!token) return;
    const restart = () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => end('idle'), idleSeconds * 1000);
    };
    restart();
    const offActivity = onSessionActivity(restart);
    const offEnded = onSessionEnded(() => end('idle'));
    return () => {
      clearTimeout(timer.current);
      offActivity();
      offEnded();
    };
  }, [token, idleSeconds, end]);

  const meQuery = useQuery({
    queryKey: ['me', token],
    queryFn: () => unwrap(api.GET('/me')),
    enabled: Boolean(token),
    staleTime: 5 * 60_000,
    retry: false,
  });

  const value = useMemo<SessionState>(
    () => ({
      token,
      me: token ? meQuery.data : undefined,
      loading: Boolean(token) && meQuery.isPending,
      ended,
      signIn: (t: string) => {
        setEnded(undefined);
        setToken(t);
      },
      signOut: async () => {
        try {
          if (getToken()) await unwrap(api.POST('/auth/logout'));
        } catch {
          /* the session ends on this side regardless */
        }
        end('logout');
      },
      hasRole: (...roles: Role[]) => Boolean(meQuery.data?.roles?.some((r) => roles.includes(r as Role))),
    }),
    [token, meQuery.data, meQuery.isPending, ended, end],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Where an account lands after login: the first screen its roles can use. */
export function homeFor(me: Me | undefined): string {
  const roles = me?.roles ?? [];
  if (me?.kind === 'citizen') return '/kiosk';
  if (roles.includes('operator')) return '/clerk';
  if (roles.includes('reviewer')) return '/review';
  if (roles.includes('supervisor')) return '/supervisor/dashboard';
  if (roles.includes('sys_admin') || roles.includes('biz_admin')) return '/admin/requests';
  return '/home';
}
