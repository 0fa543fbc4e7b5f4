import { useEffect, type ReactNode } from 'react';
import { Layout, Menu, Space, Switch, Button, Typography, Tag } from 'antd';
import { useLocation, useNavigate } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { ROUTES } from '../routes';
import { useSession } from '../auth/session';
import { useElderMode } from '../theme';
import { api, unwrap } from '../api/client';
import { TAG, roleNames } from '../lib/format';

/** The window PC's frame: account, region and point, elder mode, logout, and the menu of my screens. */
export function ConsoleLayout({ title, children }: { title: string; children: ReactNode }) {
  const { me, signOut } = useSession();
  const { elder, setElder } = useElderMode();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    document.title = `${title} · 就近办`;
  }, [title]);
  const point = useQuery({
    queryKey: ['point', me?.pointId],
    queryFn: () => unwrap(api.GET('/points/{id}', { params: { path: { id: me!.pointId! } } })),
    enabled: Boolean(me?.pointId),
    staleTime: 30 * 60_000,
    retry: false,
  });
  const items = ROUTES.filter((r) => r.menu && (!r.roles || me?.roles?.some((x) => r.roles!.includes(x as never)))).map((r) => ({ key: r.path, label: r.menu }));
  const selected = items.filter((i) => location.pathname === i.key || location.pathname.startsWith(`${i.key}/`)).sort((a, b) => b.key.length - a.key.length)[0]?.key;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="skip-link" href="#main">跳到主要内容</a>
      <Layout.Header style={{ background: '#0b3d73', display: 'flex', alignItems: 'center', gap: 16, paddingInline: 20, height: 'auto', minHeight: 64, flexWrap: 'wrap' }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: '1.25em' }}>就近办</Typography.Text>
        <Space wrap style={{ marginLeft: 'auto', color: '#fff' }} size="middle" data-testid="account-bar">
          <span data-testid="account-name">{me?.name ?? '—'}</span>
          <Tag color={TAG.info}>{roleNames(me?.roles)}</Tag>
          <span data-testid="account-region">{me?.regionName ?? me?.regionCode}</span>
          {me?.pointId ? <span data-testid="account-point">{point.data?.name ?? '服务点'}</span> : null}
          <label style={{ color: '#fff', display: 'inline-flex', gap: 8, alignItems: 'center' }}>
            大字模式
            <Switch checked={elder} onChange={setElder} aria-label="大字模式" />
          </label>
          <Button
            onClick={async () => {
              await signOut();
              navigate('/login?ended=logout', { replace: true });
            }}
          >
            退出登录
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={elder ? 240 : 200} theme="light" breakpoint="lg" collapsedWidth={0}>
          <nav aria-label="功能菜单">
            <Menu mode="inline" selectedKeys={selected ? [selected] : []} items={items} onClick={(e) => navigate(e.key)} style={{ height: '100%', borderInlineEnd: 0 }} />
          </nav>
        </Layout.Sider>
        <Layout.Content id="main" style={{ padding: 24 }}>
          <main>
            <Typography.Title level={3} style={{ marginTop: 0 }}>{title}</Typography.Title>
            {children}
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
