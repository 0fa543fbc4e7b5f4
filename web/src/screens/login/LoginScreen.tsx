import { useEffect } from 'react';
import { Alert, Button, Card, Result, Space, Spin, Switch, Typography } from 'antd';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { useQrLogin } from './useQrLogin';
import { LocalScanButton } from './LocalScanButton';
import { homeFor, useSession } from '../../auth/session';
import { useElderMode } from '../../theme';

/** 扫码登录 for every staff role: the QR of a login session, polled until the card app confirms. */
export default function LoginScreen() {
  const [params] = useSearchParams();
  const ended = params.get('ended');
  const navigate = useNavigate();
  const location = useLocation();
  const { signIn } = useSession();
  const { elder, setElder } = useElderMode();
  const { state, restart } = useQrLogin();

  useEffect(() => {
    document.title = '扫码登录 · 就近办';
  }, []);
  useEffect(() => {
    if (state.phase !== 'confirmed') return;
    signIn(state.token);
    const from = (location.state as { from?: string } | null)?.from;
    navigate(from && from !== '/login' ? from : homeFor(state.account), { replace: true });
  }, [state, signIn, navigate, location.state]);

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', padding: 16, background: '#eef2f7' }}>
      <Card style={{ width: 'min(440px, 100%)' }}>
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <Typography.Title level={2} style={{ margin: 0, textAlign: 'center' }}>就近办 · 扫码登录</Typography.Title>
          {ended === 'idle' ? (
            <Result status="warning" title="请重新扫码登录" subTitle="长时间未操作，登录已结束。" style={{ padding: 0 }} data-testid="session-ended" />
          ) : null}
          {ended === 'logout' ? <Alert type="success" showIcon title="已退出登录" /> : null}
          {state.phase === 'starting' ? (
            <div style={{ textAlign: 'center', padding: 40 }}>
              <Spin size="large" />
            </div>
          ) : null}
          {state.phase === 'error' ? (
            <Alert type="error" showIcon title={state.message} action={<Button onClick={restart}>重试</Button>} />
          ) : null}
          {state.phase === 'waiting' ? (
            <>
              <div style={{ textAlign: 'center' }}>
                <img src={state.qrDataUrl} alt="登录二维码：请用电子社保卡 App 扫码" width={240} height={240} data-testid="login-qr" />
              </div>
              <Typography.Paragraph style={{ textAlign: 'center', margin: 0 }}>
                请打开电子社保卡 App，扫描二维码并确认登录。
              </Typography.Paragraph>
              <Button onClick={restart} block>刷新二维码</Button>
              <LocalScanButton sessionId={state.sessionId} defaultIdNumber="" />
            </>
          ) : null}
          <label style={{ display: 'flex', justifyContent: 'center', gap: 8, alignItems: 'center' }}>
            大字模式 <Switch checked={elder} onChange={setElder} aria-label="大字模式" />
          </label>
        </Space>
      </Card>
    </main>
  );
}
