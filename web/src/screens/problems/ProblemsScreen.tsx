import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Descriptions, Drawer, Form, Input, Select, Space, Table, Tag, Timeline } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api, errorText, unwrap, type Schemas } from '../../api/client';
import { TAG, CATEGORY_NAMES, formatDate, formatDateTime } from '../../lib/format';
import { showFieldErrors } from '../../lib/forms';
import { useIdempotentSubmit } from '../../lib/useIdempotentSubmit';
import { useSession } from '../../auth/session';

type Problem = Schemas['Problem'];
const PROBLEM_CATEGORIES = [
  { value: 'system', label: '系统问题' },
  { value: 'functional', label: '功能问题' },
  { value: 'guidance', label: '业务指导' },
] as const;
const BUSINESS = [{ value: 'employment', label: '就业' }, ...Object.entries(CATEGORY_NAMES).map(([value, label]) => ({ value, label })), { value: 'social_security', label: '社保' }, { value: 'pension', label: '养老保险' }];
const STATUS: Record<string, [string, string]> = { open: ['待答复', TAG.gold], answered: ['已答复', TAG.info], resolved: ['已解决', TAG.ok] };
const LEVEL: Record<string, string> = { county: '县级', city: '市级', province: '省级' };
const HISTORY: Record<string, string> = { filed: '提交', answered: '答复', escalated: '逾期上移', resolved: '确认解决', reopened: '重新打开', beyond_power: '超出权限上报' };

/** 问题反映: a clerk files a problem and follows its ledger; a holder (county reviewer) answers what it holds. */
export default function ProblemsScreen() {
  const { hasRole } = useSession();
  const holder = hasRole('reviewer', 'biz_admin', 'sys_admin') && !hasRole('operator');
  return holder ? <HeldProblems /> : <FiledProblems />;
}

function FiledProblems() {
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState<Problem>();
  const [error, setError] = useState<string>();
  const list = useQuery({ queryKey: ['problems', 'mine'], queryFn: () => unwrap(api.GET('/problems')) });
  const file = useIdempotentSubmit((key: string, body: FileBody) => unwrap(api.POST('/problems', { body, params: { header: { 'idempotency-key': key } } })));
  const category = Form.useWatch('category', form);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title="反映问题">
        <Form
          form={form}
          layout="vertical"
          onFinish={async (v: FileBody) => {
            setError(undefined);
            try {
              const p = await file.submit({ ...v, ...(v.businessCategory ? {} : { businessCategory: undefined }) });
              message.success(`已提交，问题编号 ${p.number}`);
              form.resetFields();
              file.reset();
              await qc.invalidateQueries({ queryKey: ['problems'] });
            } catch (err) {
              const rest = showFieldErrors(form, err);
              setError(rest.length ? rest.join('；') : errorText(err));
            }
          }}
        >
          <Space wrap size="large">
            <Form.Item name="category" label="问题类别" rules={[{ required: true, message: '请选择问题类别' }]}>
              <Select style={{ width: 200 }} options={[...PROBLEM_CATEGORIES]} aria-label="问题类别" />
            </Form.Item>
            <Form.Item name="businessCategory" label="业务类别" rules={category === 'guidance' ? [{ required: true, message: '业务指导类须选择业务类别' }] : []}>
              <Select style={{ width: 200 }} options={BUSINESS} allowClear aria-label="业务类别" />
            </Form.Item>
          </Space>
          <Form.Item name="description" label="问题描述" rules={[{ required: true, whitespace: true, message: '请描述问题' }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Form.Item name="suggestion" label="意见建议" rules={[{ required: true, whitespace: true, message: '请填写意见建议' }]}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
          <Button type="primary" htmlType="submit" loading={file.pending}>提交</Button>
        </Form>
      </Card>
      <Card title="问题台账">
        <ProblemTable data={list.data?.items} loading={list.isPending} onOpen={setOpen} />
      </Card>
      <ProblemDrawer problem={open} onClose={() => setOpen(undefined)} filer />
    </Space>
  );
}

type FileBody = { category: 'system' | 'functional' | 'guidance'; businessCategory?: 'employment' | 'find_job' | 'learn_skill' | 'social_security' | 'insurance' | 'pension' | 'card'; description: string; suggestion: string };

function HeldProblems() {
  const [open, setOpen] = useState<Problem>();
  const list = useQuery({ queryKey: ['problems', 'held'], queryFn: () => unwrap(api.GET('/problems', { params: { query: { holder: 'me' } } })) });
  const items = [...(list.data?.items ?? [])].sort((a, b) => a.deadline.localeCompare(b.deadline));
  return (
    <Card title="我负责答复的问题（按答复期限）">
      {list.error ? <Alert type="error" title={errorText(list.error)} /> : null}
      <ProblemTable data={items} loading={list.isPending} onOpen={setOpen} />
      <ProblemDrawer problem={open} onClose={() => setOpen(undefined)} holder />
    </Card>
  );
}

function ProblemTable({ data, loading, onOpen }: { data: Problem[] | undefined; loading: boolean; onOpen(p: Problem): void }) {
  return (
    <Table<Problem>
      rowKey="id"
      loading={loading}
      dataSource={data}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      locale={{ emptyText: '暂无问题' }}
      columns={[
        { title: '编号', dataIndex: 'number', render: (n: string, p) => <Button type="link" onClick={() => onOpen(p)} style={{ padding: 0 }}>{n}</Button> },
        { title: '类别', dataIndex: 'category', render: (c: string) => PROBLEM_CATEGORIES.find((x) => x.value === c)?.label ?? c },
        { title: '描述', dataIndex: 'description', ellipsis: true },
        { title: '当前层级', dataIndex: 'level', render: (l: string, p) => `${LEVEL[l] ?? l}${p.holder.name ? ` · ${p.holder.name}` : ''}` },
        { title: '答复期限', dataIndex: 'deadline', render: (d: string, p) => <>{formatDate(d)} {p.overdue ? <Tag color={TAG.danger}>已超期</Tag> : null}</> },
        { title: '状态', dataIndex: 'status', render: (s: string) => <Tag color={STATUS[s]?.[1]}>{STATUS[s]?.[0] ?? s}</Tag> },
      ]}
    />
  );
}

function ProblemDrawer({ problem, onClose, holder, filer }: { problem: Problem | undefined; onClose(): void; holder?: boolean; filer?: boolean }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const detail = useQuery({
    queryKey: ['problem', problem?.id],
    queryFn: () => unwrap(api.GET('/problems/{id}', { params: { path: { id: problem!.id } } })),
    enabled: Boolean(problem),
  });
  const p = detail.data ?? problem;
  const act = async (call: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await call();
      message.success(done);
      await qc.invalidateQueries({ queryKey: ['problems'] });
      await detail.refetch();
    } catch (err) {
      if (showFieldErrors(form, err).length || !(err instanceof Error)) return;
      message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Drawer open={Boolean(problem)} onClose={onClose} title={p ? `问题 ${p.number}` : ''} size="large" destroyOnHidden>
      {p ? (
        <Space direction="vertical" style={{ width: '100%' }} size="large">
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label="描述">{p.description}</Descriptions.Item>
            <Descriptions.Item label="建议">{p.suggestion}</Descriptions.Item>
            <Descriptions.Item label="反映人">{p.filerName}（{formatDateTime(p.filedAt)}）</Descriptions.Item>
            <Descriptions.Item label="答复期限">{formatDate(p.deadline)}</Descriptions.Item>
            {p.answer ? <Descriptions.Item label="答复">{p.answer}{p.promisedBy ? `（承诺 ${formatDate(p.promisedBy)} 前解决）` : ''}</Descriptions.Item> : null}
          </Descriptions>
          <Timeline
            items={(p.history ?? []).map((h, i) => ({
              key: i,
              content: `${formatDateTime(h.at)} ${HISTORY[h.kind] ?? h.kind} · ${h.actorName ?? ''}${h.holderName ? ` → ${h.holderName}` : ''}（${LEVEL[h.level] ?? h.level}）${h.note ? `：${h.note}` : ''}`,
            }))}
          />
          {holder && p.status === 'open' ? (
            <Form form={form} layout="vertical" onFinish={(v: { answer: string; deadline?: dayjs.Dayjs }) => act(() => unwrap(api.POST('/problems/{id}/answer', { params: { path: { id: p.id } }, body: { answer: v.answer, ...(v.deadline ? { deadline: v.deadline.format('YYYY-MM-DD') } : {}) } })), '已答复')}>
              <Form.Item name="answer" label="答复与指导意见" rules={[{ required: true, whitespace: true, message: '请填写答复' }]}>
                <Input.TextArea rows={4} maxLength={2000} />
              </Form.Item>
              <Form.Item name="deadline" label="承诺解决日期（可选）">
                <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={busy}>提交答复</Button>
            </Form>
          ) : null}
          {filer && p.status === 'answered' ? (
            <Space>
              <Button type="primary" loading={busy} onClick={() => act(() => unwrap(api.POST('/problems/{id}/resolve', { params: { path: { id: p.id } } })), '已确认解决')}>确认已解决</Button>
              <Button loading={busy} onClick={() => act(() => unwrap(api.POST('/problems/{id}/reopen', { params: { path: { id: p.id } } })), '已重新打开')}>未解决，重新打开</Button>
            </Space>
          ) : null}
        </Space>
      ) : null}
    </Drawer>
  );
}
