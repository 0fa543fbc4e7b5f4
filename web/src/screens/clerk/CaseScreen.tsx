import { useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Radio, Space, Spin } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import { ApiError, api, errorText, unwrap, type Schemas } from '../../api/client';
import { CaseSummary, missingOf } from '../cases/CaseSummary';
import { NotFoundScreen } from '../common/NotFoundScreen';

type Case = Schemas['Case'];

export function useCase(id: string | undefined) {
  return useQuery({
    queryKey: ['case', id],
    queryFn: () => unwrap(api.GET('/cases/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
  });
}

/** 办件详情 for the accepting clerk: steps, due date, and the next step the case allows. */
export default function CaseScreen() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const q = useCase(id);
  const item = useQuery({
    queryKey: ['catalog-item', q.data?.itemCode],
    queryFn: () => unwrap(api.GET('/public/catalog/items/{code}', { params: { path: { code: q.data!.itemCode } } })),
    enabled: Boolean(q.data?.itemCode),
    staleTime: 10 * 60_000,
  });
  const [busy, setBusy] = useState<string>();
  const [supplementOpen, setSupplementOpen] = useState(false);
  const [completeOpen, setCompleteOpen] = useState(false);

  if (q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 400)) return <NotFoundScreen what="办件" />;
  if (q.error) return <Alert type="error" showIcon title={errorText(q.error)} action={<Button onClick={() => q.refetch()}>重试</Button>} />;
  if (!q.data) return <Spin size="large" />;
  const c = q.data;

  const run = async (what: string, call: () => Promise<Case>, done: string) => {
    setBusy(what);
    try {
      const next = await call();
      qc.setQueryData(['case', id], next);
      message.success(done);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        modal.warning({ title: '办件状态已变化', content: `${err.message}。已为您刷新。` });
        await q.refetch();
      } else message.error(errorText(err));
      return false;
    } finally {
      setBusy(undefined);
    }
  };
  const path = { params: { path: { id: c.id } } };
  const needsReview = item.data?.needsReview;
  const canSubmit = c.status === 'accepted' && needsReview === true;
  const canComplete = (c.status === 'accepted' && needsReview === false) || c.status === 'approved';
  const missing = missingOf(c);

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {params.get('accepted') ? <Alert type="success" showIcon title={`已受理：${c.number}。请打印受理回执和一次性告知书交给申请人。`} /> : null}
      <Card>
        <Space wrap>
          <Button href={`/print/receipt/${c.id}`} target="_blank">打印受理回执</Button>
          <Button href={`/print/notification/${c.id}`} target="_blank">打印一次性告知书</Button>
          {c.status === 'returned' || missing.length ? <Button href={`/print/supplement-notice/${c.id}`} target="_blank">打印补正材料通知书</Button> : null}
          {canSubmit ? (
            <Button type="primary" loading={busy === 'submit'} onClick={() => run('submit', () => unwrap(api.POST('/cases/{id}/submit', { ...path, body: { version: c.version } })), '已报送县级审核')}>
              报送县级审核
            </Button>
          ) : null}
          {c.status === 'returned' ? (
            <Button type="primary" onClick={() => setSupplementOpen(true)}>补正后重新报送</Button>
          ) : null}
          {canComplete ? (
            <Button type="primary" onClick={() => setCompleteOpen(true)}>办结</Button>
          ) : null}
        </Space>
      </Card>
      <CaseSummary c={c} />
      <SupplementModal
        open={supplementOpen}
        missing={missing}
        onCancel={() => setSupplementOpen(false)}
        onOk={async (materials, note) => {
          const ok = await run('supplement', () => unwrap(api.POST('/cases/{id}/supplement', { ...path, body: { materialsReceived: materials, version: c.version, ...(note ? { note } : {}) } })), '已补正并重新报送');
          if (ok) setSupplementOpen(false);
        }}
        busy={busy === 'supplement'}
      />
      <CompleteModal
        open={completeOpen}
        onCancel={() => setCompleteOpen(false)}
        busy={busy === 'complete'}
        onOk={async (result, delivery) => {
          const ok = await run('complete', () => unwrap(api.POST('/cases/{id}/complete', { ...path, body: { result, delivery, version: c.version } })), '已办结');
          if (ok) setCompleteOpen(false);
        }}
      />
    </Space>
  );
}

function SupplementModal(props: { open: boolean; missing: string[]; busy: boolean; onCancel(): void; onOk(materials: string[], note: string): void }) {
  const [got, setGot] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const all = props.missing.length > 0 && got.length === props.missing.length;
  return (
    <Modal open={props.open} title="补正材料" onCancel={props.onCancel} okText="确认补正并重新报送" onOk={() => props.onOk(got, note)} okButtonProps={{ disabled: props.missing.length > 0 && !all, loading: props.busy }} destroyOnHidden>
      <p>审核员要求补正以下材料，请逐项核对已收取：</p>
      <Checkbox.Group value={got} onChange={(v) => setGot(v as string[])} style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
        {props.missing.map((m) => (
          <Checkbox key={m} value={m}>{m}</Checkbox>
        ))}
      </Checkbox.Group>
      {props.missing.length === 0 ? <p>退回时未列明材料，请按退回理由补正。</p> : null}
      <Form layout="vertical" style={{ marginTop: 16 }}>
        <Form.Item label="补正说明（可选）" htmlFor="supplement-note">
          <Input.TextArea id="supplement-note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CompleteModal(props: { open: boolean; busy: boolean; onCancel(): void; onOk(result: string, delivery: 'on_the_spot' | 'phone' | 'post'): void }) {
  const [result, setResult] = useState('已办结，结果已交付申请人');
  const [delivery, setDelivery] = useState<'on_the_spot' | 'phone' | 'post'>('on_the_spot');
  return (
    <Modal open={props.open} title="办结" onCancel={props.onCancel} okText="确认办结" onOk={() => props.onOk(result, delivery)} okButtonProps={{ loading: props.busy, disabled: !result.trim() }} destroyOnHidden>
      <Form layout="vertical">
        <Form.Item label="结果送达方式">
          <Radio.Group value={delivery} onChange={(e) => setDelivery(e.target.value)} options={[{ value: 'on_the_spot', label: '当场交付' }, { value: 'phone', label: '电话告知' }, { value: 'post', label: '邮寄' }]} />
        </Form.Item>
        <Form.Item label="办理结果" htmlFor="complete-result">
          <Input.TextArea id="complete-result" value={result} onChange={(e) => setResult(e.target.value)} maxLength={1000} rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
