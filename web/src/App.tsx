import { Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Spin } from 'antd';
import { ROUTES, type ScreenRoute } from './routes';
import { SessionProvider, homeFor, useSession } from './auth/session';
import { ThemeRoot } from './theme';
import { ConsoleLayout } from './layout/ConsoleLayout';
import { NetworkBanner } from './layout/NetworkBanner';
import { NotFoundScreen } from './screens/common/NotFoundScreen';
import { ApiError } from './api/client';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx is an answer, not a glitch: retrying it only delays the message.
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

const Loading = () => (
  <div style={{ display: 'grid', placeItems: 'center', minHeight: '60vh' }}>
    <Spin size="large" />
  </div>
);

function Guard({ route }: { route: ScreenRoute }) {
  const { token, me, loading, ended } = useSession();
  const location = useLocation();
  const Screen = route.screen;
  if (!route.public) {
    if (!token) return <Navigate to={`/login${ended ? `?ended=${ended}` : ''}`} replace state={{ from: location.pathname + location.search }} />;
    if (loading || !me) return <Loading />;
    if (route.roles && !me.roles?.some((r) => route.roles!.includes(r as never))) return <NotFoundScreen />;
  }
  const body = (
    <Suspense fallback={<Loading />}>
      <Screen />
    </Suspense>
  );
  if (route.layout === 'console') return <ConsoleLayout title={route.title}>{body}</ConsoleLayout>;
  return body;
}

function Root() {
  const { token, me, loading } = useSession();
  if (!token) return <Navigate to="/login" replace />;
  if (loading) return <Loading />;
  return <Navigate to={homeFor(me)} replace />;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <ThemeRoot>
          <SessionProvider>
            <NetworkBanner />
            <Routes>
              <Route path="/" element={<Root />} />
              {ROUTES.map((r) => (
                <Route key={r.path} path={r.path} element={<Guard route={r} />} />
              ))}
              <Route path="*" element={<NotFoundScreen />} />
            </Routes>
          </SessionProvider>
        </ThemeRoot>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
