import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Checkbox, ConfigProvider, Input, Result, Spin } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { ApiError, api, errorText, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { kioskTheme } from '../../theme';
import { runtimeConfig } from '../../config';
import { CATEGORY_NAMES, STATUS_NAMES, formatDate } from '../../lib/format';
import { isMobile } from '../../lib/idNumber';
import { useIdempotentSubmit } from '../../lib/useIdempotentSubmit';
import { useQrLogin } from '../login/useQrLogin';
import { LocalScanButton } from '../login/LocalScanButton';
import './kiosk.css';

type Item = Schemas['CatalogItem'];
type Case = Schemas['Case'];
type View = { name: 'menu' } | { name: 'items' } | { name: 'item'; item: Item } | { name: 'result'; c: Case } | { name: 'mine' } | { name: 'rate'; c: Case } | { name: 'rated' };

/**
 * 自助终端 (/kiosk?terminal=<deviceId>): a citizen alone at a touch screen. e-SSC QR login sent
 * with X-Terminal-Id (the kiosk's short session), self-service items only, the material list read
 * out, submit, the result and the rating. After 60 s without a touch, and on logout, everything
 * is cleared and the start screen returns.
 */
export default function KioskScreen() {
  const [params] = useSearchParams();
  const terminal = params.get('terminal') ?? '';
  useEffect(() => {
    document.title = '自助终端 · 就近办';
  }, []);
  return (
    <ConfigProvider theme={kioskTheme} componentSize="large" button={{ autoInsertSpace: false }}>
      <div className="kiosk">
        {terminal ? <KioskFlow terminal={terminal} /> : (
          <main>
            <Result status="warning" title="本终端尚未配置终端编号" subTitle="请工作人员以 /kiosk?terminal=设备编号 打开本页面。" />
          </main>
        )}
      </div>
    </ConfigProvider>
  );
}

function KioskFlow({ terminal }: { terminal: string }) {
  const { token, me, signOut } = useSession();
  const qc = useQueryClient();
  const [visit, setVisit] = useState(0);
  const [view, setView] = useState<View>({ name: 'menu' });
  const [left, setLeft] = useState(runtimeConfig.kioskIdleSeconds);
  const last = useRef(Date.now());

  const backToStart = useCallback(async () => {
    await signOut();
    qc.clear();
    setView({ name: 'menu' });
    setVisit((v) => v + 1);
  }, [signOut, qc]);

  // The idle clock runs only while a citizen is signed in; any touch, key or scroll restarts it.
  useEffect(() => {
    if (!token) return;
    last.current = Date.now();
    const touch = () => (last.current = Date.now());
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
    for (const e of events) window.addEventListener(e, touch, { passive: true });
    const tick = setInterval(() => {
      const remaining = runtimeConfig.kioskIdleSeconds - Math.floor((Date.now() - last.current) / 1000);
      setLeft(remaining);
      if (remaining <= 0) void backToStart();
    }, 1000);
    return () => {
      for (const e of events) window.removeEventListener(e, touch);
      clearInterval(tick);
    };
  }, [token, backToStart]);

  if (!token) return <KioskStart key={visit} terminal={terminal} />;
  return (
    <>
      <header>
        <span>就近办 · 自助服务</span>
        <span className="spacer" />
        {left <= 15 ? <span className="idle-note" role="status">{left} 秒后无操作将自动退出</span> : null}
        <Button size="large" onClick={() => void backToStart()}>退出</Button>
      </header>
      <main id="main">
        {!me ? <Spin size="large" /> : null}
        {me && me.kind !== 'citizen' ? <Alert type="warning" showIcon title="自助终端仅供群众本人办理，工作人员请使用窗口电脑。" /> : null}
        {me?.kind === 'citizen' ? <KioskViews key={visit} view={view} setView={setView} terminal={terminal} /> : null}
      </main>
    </>
  );
}

function KioskStart({ terminal }: { terminal: string }) {
  const { signIn } = useSession();
  const { state, restart } = useQrLogin({ headers: { 'x-terminal-id': terminal } });
  useEffect(() => {
    if (state.phase === 'confirmed') signIn(state.token);
  }, [state, signIn]);
  return (
    <>
      <header>
        <span>就近办 · 自助服务</span>
      </header>
      <main id="main" data-testid="kiosk-start">
        <h1>请用电子社保卡扫码登录</h1>
        <p>打开手机上的电子社保卡 App，扫描下方二维码，确认后即可办理。</p>
        {state.phase === 'waiting' ? (
          <>
            <div style={{ textAlign: 'center', margin: '24px 0' }}>
              <img src={state.qrDataUrl} alt="登录二维码" width={360} height={360} data-testid="kiosk-qr" />
            </div>
            <Button block size="large" onClick={restart}>刷新二维码</Button>
            <div style={{ marginTop: 24 }}>
              <LocalScanButton sessionId={state.sessionId} large />
            </div>
          </>
        ) : state.phase === 'error' ? (
          <Alert type="error" showIcon title={state.message} action={<Button onClick={restart}>重试</Button>} />
        ) : (
          <Spin size="large" />
        )}
      </main>
    </>
  );
}

function KioskViews({ view, setView, terminal }: { view: View; setView(v: View): void; terminal: string }) {
  switch (view.name) {
    case 'menu':
      return (
        <>
          <h1>您好，请选择</h1>
          <div className="tiles">
            <Button type="primary" size="large" onClick={() => setView({ name: 'items' })}>办理业务</Button>
            <Button size="large" onClick={() => setView({ name: 'mine' })}>我的办件</Button>
          </div>
        </>
      );
    case 'items':
      return <KioskItems onPick={(item) => setView({ name: 'item', item })} onBack={() => setView({ name: 'menu' })} />;
    case 'item':
      return <KioskApply item={view.item} terminal={terminal} onDone={(c) => setView({ name: 'result', c })} onBack={() => setView({ name: 'items' })} />;
    case 'result':
      return (
        <Result
          status="success"
          title={view.c.status === 'completed' ? '已当场办结' : '已提交，等待县级审核'}
          subTitle={`办件编号 ${view.c.number}。${view.c.status === 'completed' ? '' : `预计 ${formatDate(view.c.dueDate)} 前办结，可在“我的办件”中查看进度。`}`}
          extra={[
            view.c.status === 'completed' ? <Button key="rate" type="primary" onClick={() => setView({ name: 'rate', c: view.c })}>评价本次服务</Button> : null,
            <Button key="menu" onClick={() => setView({ name: 'menu' })}>返回</Button>,
          ]}
        />
      );
    case 'mine':
      return <KioskMine onRate={(c) => setView({ name: 'rate', c })} onBack={() => setView({ name: 'menu' })} />;
    case 'rate':
      return <KioskRate c={view.c} onDone={() => setView({ name: 'rated' })} />;
    case 'rated':
      return <Result status="success" title="感谢您的评价" extra={<Button onClick={() => setView({ name: 'menu' })}>返回</Button>} />;
  }
}

function KioskItems({ onPick, onBack }: { onPick(i: Item): void; onBack(): void }) {
  const items = useQuery({ queryKey: ['catalog'], queryFn: () => unwrap(api.GET('/public/catalog/items')), staleTime: 10 * 60_000 });
  const self = (items.data?.items ?? []).filter((i) => i.channels.includes('self_service'));
  return (
    <>
      <h1>请选择要办理的业务</h1>
      {items.isPending ? <Spin size="large" /> : null}
      {Object.entries(CATEGORY_NAMES).map(([cat, label]) => {
        const list = self.filter((i) => i.category === cat);
        return list.length ? (
          <section key={cat}>
            <h2>{label}</h2>
            <div className="tiles">
              {list.map((i) => (
                <Button key={i.code} size="large" onClick={() => onPick(i)}>{i.nameZh}</Button>
              ))}
            </div>
          </section>
        ) : null;
      })}
      <Button size="large" style={{ marginTop: 32 }} onClick={onBack}>返回</Button>
    </>
  );
}

function KioskApply({ item, terminal, onDone, onBack }: { item: Item; terminal: string; onDone(c: Case): void; onBack(): void }) {
  const [ready, setReady] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string>();
  const submit = useIdempotentSubmit((key: string) =>
    unwrap(
      api.POST('/cases', {
        params: { header: { 'idempotency-key': key } },
        headers: { 'x-terminal-id': terminal },
        body: { itemCode: item.code, channel: 'self_service', applicant: { name: name.trim(), phone: phone.trim() }, materialsNotified: item.materials, materialsReceived: ready },
      }),
    ),
  );
  const problems = useMemo(() => [!name.trim() ? '请填写姓名' : '', !isMobile(phone) ? '请填写 11 位手机号' : ''].filter(Boolean), [name, phone]);
  return (
    <>
      <h1>{item.nameZh}</h1>
      <p>{item.needsReview ? `提交后由县级审核，${item.timeLimitWorkingDays} 个工作日内办结。` : '无需审核，提交后当场办结。'}</p>
      <h2>请准备以下材料</h2>
      <ol className="materials" data-testid="kiosk-materials">
        {item.materials.map((m) => (
          <li key={m}>
            <Checkbox checked={ready.includes(m)} onChange={(e) => setReady((s) => (e.target.checked ? [...s, m] : s.filter((x) => x !== m)))}>
              {m}（已备齐）
            </Checkbox>
          </li>
        ))}
      </ol>
      <h2>您的信息</h2>
      <label htmlFor="kiosk-name">姓名</label>
      <Input id="kiosk-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={50} autoComplete="off" />
      <label htmlFor="kiosk-phone" style={{ display: 'block', marginTop: 16 }}>手机号</label>
      <Input id="kiosk-phone" value={phone} onChange={(e) => setPhone(e.target.value.replace(/\D/g, ''))} maxLength={11} inputMode="numeric" autoComplete="off" />
      {error ? <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} role="alert" /> : null}
      {submit.networkLost ? <Alert type="error" showIcon title="网络中断，请稍后点“重试提交”，不会重复提交。" style={{ marginTop: 16 }} /> : null}
      <div className="tiles" style={{ marginTop: 32 }}>
        <Button
          type="primary"
          size="large"
          loading={submit.pending}
          disabled={problems.length > 0}
          onClick={async () => {
            setError(undefined);
            try {
              onDone(await submit.submit());
            } catch (err) {
              setError(err instanceof ApiError && err.fieldIssues.length ? err.fieldIssues.map((i) => i.message).join('；') : errorText(err));
            }
          }}
        >
          {submit.networkLost ? '重试提交' : '确认提交'}
        </Button>
        <Button size="large" onClick={onBack}>返回</Button>
      </div>
      {problems.length ? <p>{problems.join('，')}</p> : null}
    </>
  );
}

function KioskMine({ onRate, onBack }: { onRate(c: Case): void; onBack(): void }) {
  const mine = useQuery({ queryKey: ['my-cases'], queryFn: () => unwrap(api.GET('/public/my-cases')) });
  return (
    <>
      <h1>我的办件</h1>
      {mine.error ? <Alert type="error" showIcon title={errorText(mine.error)} /> : null}
      {mine.isPending ? <Spin size="large" /> : null}
      {mine.data && mine.data.items.length === 0 ? <p>您还没有办件。</p> : null}
      <ol className="materials" data-testid="my-cases">
        {(mine.data?.items ?? []).map((c) => (
          <li key={c.id}>
            <div><strong>{c.itemName}</strong>　{STATUS_NAMES[c.status] ?? c.status}</div>
            <div>编号 {c.number} · {c.pointName} · {c.status === 'completed' ? '已办结' : `预计 ${formatDate(c.dueDate)} 前办结`}</div>
            {c.status === 'completed' && !c.rating ? <Button type="primary" size="large" onClick={() => onRate(c)} style={{ marginTop: 8 }}>评价</Button> : null}
            {c.rating ? <div>您的评价：{c.rating.score} 分</div> : null}
          </li>
        ))}
      </ol>
      <Button size="large" onClick={onBack}>返回</Button>
    </>
  );
}

const SCORE_LABELS = ['', '非常不满意', '不满意', '基本满意', '满意', '非常满意'];
type Reason = 'slow' | 'attitude' | 'materials_unclear' | 'not_solved' | 'other';
const REASONS: [Reason, string][] = [
  ['slow', '办理太慢'],
  ['attitude', '服务态度不好'],
  ['materials_unclear', '材料要求没讲清楚'],
  ['not_solved', '问题没有解决'],
  ['other', '其他'],
];

function KioskRate({ c, onDone }: { c: Case; onDone(): void }) {
  const [score, setScore] = useState<number>();
  const [reason, setReason] = useState<Reason>();
  const [comment, setComment] = useState('');
  const low = score !== undefined && score <= 2;
  const incomplete = score === undefined || (low && !reason) || (reason === 'other' && low && !comment.trim());
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <>
      <h1>请为本次服务评价</h1>
      <p>{c.itemName}（{c.number}）</p>
      <div className="scores" role="radiogroup" aria-label="评分">
        {[5, 4, 3, 2, 1].map((s) => (
          <Button key={s} size="large" type={score === s ? 'primary' : 'default'} role="radio" aria-checked={score === s} onClick={() => setScore(s)}>
            {s} 分 {SCORE_LABELS[s]}
          </Button>
        ))}
      </div>
      {low ? (
        <>
          <h2>请告诉我们哪里做得不好</h2>
          <div className="scores" role="radiogroup" aria-label="不满意的原因">
            {REASONS.map(([r, label]) => (
              <Button key={r} size="large" type={reason === r ? 'primary' : 'default'} role="radio" aria-checked={reason === r} onClick={() => setReason(r)}>
                {label}
              </Button>
            ))}
          </div>
        </>
      ) : null}
      <label htmlFor="kiosk-comment" style={{ display: 'block', marginTop: 24 }}>{low && reason === 'other' ? '请写下原因（必填）' : '留言（可不填）'}</label>
      <Input.TextArea id="kiosk-comment" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={500} rows={3} style={{ fontSize: 24 }} />
      {error ? <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} /> : null}
      <Button
        type="primary"
        size="large"
        block
        style={{ marginTop: 24 }}
        disabled={incomplete || busy}
        loading={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await unwrap(api.POST('/cases/{id}/rating', { params: { path: { id: c.id } }, body: { score: score!, ...(low && reason ? { reason } : {}), ...(comment.trim() ? { comment: comment.trim() } : {}) } }));
            onDone();
          } catch (err) {
            setError(errorText(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        提交评价
      </Button>
    </>
  );
}
