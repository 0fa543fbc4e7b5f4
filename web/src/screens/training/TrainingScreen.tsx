import { useMemo, useRef, useState, type ReactNode } from 'react';
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Tabs, Tag, Typography, message } from 'antd';
import type { FormInstance } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, errorText, newIdempotencyKey, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { formatDate, roleNames } from '../../lib/format';

/**
 * 培训与宣传 for the county's admins: the plan's seven tasks against their deadlines (and the
 * hand records: 动员大会, 报市), training sessions with their attendance, and publicity
 * activities (linked to a publicity expenditure of the subsidy ledger when one paid for it).
 */
type Task = Schemas['PlanTask'];
type Training = Schemas['Training'];
type Publicity = Schemas['Publicity'];

/** Tags in dark text on a light ground: antd's preset colours fall short of WCAG contrast for small text. */
const TONES = {
  green: { color: '#135200', background: '#f6ffed', borderColor: '#95de64' },
  orange: { color: '#7a3000', background: '#fff7e6', borderColor: '#ffc069' },
  blue: { color: '#002c8c', background: '#e6f4ff', borderColor: '#69b1ff' },
  red: { color: '#7a0010', background: '#fff1f0', borderColor: '#ff7875' },
  grey: { color: '#262626', background: '#fafafa', borderColor: '#bfbfbf' },
} as const;
const ToneTag = ({ tone, children }: { tone: keyof typeof TONES; children: ReactNode }) => <Tag style={TONES[tone]}>{children}</Tag>;
const STATE_TONES: Record<string, keyof typeof TONES> = { done: 'green', done_late: 'orange', in_progress: 'blue', overdue: 'red' };
const TRAINING_KINDS = [
  { value: 'business', label: '业务培训（服务点工作人员）' },
  { value: 'system_operation', label: '系统登录与操作培训（业务骨干）' },
  { value: 'other', label: '其他培训' },
];
const KIND_LABEL = Object.fromEntries(TRAINING_KINDS.map((k) => [k.value, k.label]));
const LEVEL_LABEL: Record<string, string> = { province: '省级', city: '市级', county: '县级', township: '乡镇' };
const PUBLICITY_KINDS = [
  { value: 'central_booth', label: '集中宣传点' },
  { value: 'poster', label: '海报' },
  { value: 'materials', label: '宣传材料' },
  { value: 'wechat_push', label: '微信群推送' },
  { value: 'video', label: '宣传片' },
  { value: 'interactive', label: '互动体验' },
];
const RECORD_ITEMS = [
  { value: 'plan_approved', label: '实施方案经县委、县政府批准' },
  { value: 'mobilisation_meeting', label: '召开工作动员大会' },
  { value: 'account_forms_to_city', label: '《用户申请（变更）单》报市人社局' },
  { value: 'acceptance_reported_to_city', label: '验收情况报市人社局' },
] as const;

const day = (d: Dayjs | undefined) => (d ? d.format('YYYY-MM-DD') : undefined);

/** Puts the server's field issues (`body.reach.people`) next to the form fields they name. */
function showFieldIssues(form: FormInstance, err: unknown): boolean {
  if (!(err instanceof ApiError) || err.fieldIssues.length === 0) return false;
  const known = new Set(Object.keys(form.getFieldsValue(true)));
  const fields = err.fieldIssues
    .map((i) => ({ name: i.field.replace(/^body\./, '').split('.'), errors: [i.message] }))
    .filter((f) => known.has(f.name[0]!));
  if (fields.length === 0) return false;
  form.setFields(fields as never);
  return true;
}

function useRegion() {
  const { me } = useSession();
  return me?.regionCode ?? '';
}

// ── tasks

function TasksPanel() {
  const region = useRegion();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [pendingCorrection, setPendingCorrection] = useState<number | undefined>();
  const tasks = useQuery({ queryKey: ['plan-tasks', region], queryFn: () => unwrap(api.GET('/plan-tasks', { params: { query: { region } } })) });
  const record = useMutation({
    mutationFn: (v: { item: (typeof RECORD_ITEMS)[number]['value']; date: Dayjs; reference?: string; version?: number }) =>
      unwrap(api.PUT('/plan-tasks/records/{item}', { params: { path: { item: v.item } }, body: { date: day(v.date)!, reference: v.reference || undefined, version: v.version } })),
    onSuccess: () => {
      message.success('已登记');
      // The form keeps what was recorded (a correction starts from it); the list below shows the record.
      setPendingCorrection(undefined);
      void qc.invalidateQueries({ queryKey: ['plan-tasks'] });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'TASK_RECORD_EXISTS') {
        setPendingCorrection((err.details as { currentVersion?: number })?.currentVersion);
        return;
      }
      if (!showFieldIssues(form, err)) message.error(errorText(err));
    },
  });
  const records = tasks.data?.records ?? [];
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {tasks.error ? <Alert type="error" showIcon message={errorText(tasks.error)} /> : null}
      <Table<Task>
        rowKey="no"
        loading={tasks.isLoading}
        pagination={false}
        dataSource={tasks.data?.tasks ?? []}
        caption={`七项工作任务（截至 ${formatDate(tasks.data?.asOf)}）`}
        columns={[
          { title: '序号', dataIndex: 'no', width: 64 },
          { title: '任务', dataIndex: 'nameZh' },
          { title: '截止日期', dataIndex: 'due', width: 140, render: (d: string) => formatDate(d) },
          { title: '状态', dataIndex: 'state', width: 120, render: (_: unknown, t) => <ToneTag tone={STATE_TONES[t.state] ?? 'grey'}>{t.stateName}</ToneTag> },
          {
            title: '完成情况',
            render: (_: unknown, t) => (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {t.checks.map((c) => (
                  <li key={c.key}>
                    {c.met ? '✔' : '✘'} {c.nameZh}
                    {c.byHand ? '（县级登记）' : ''}：{c.done}/{c.of}
                    {c.doneOn ? `，${formatDate(c.doneOn)}` : ''}
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
      <Card title="登记工作任务事项" size="small">
        <Form
          name="planTaskRecord"
          form={form}
          layout="inline"
          onFinish={(v) => record.mutate({ ...v, version: pendingCorrection })}
          onValuesChange={() => setPendingCorrection(undefined)}
          style={{ rowGap: 12 }}
        >
          <Form.Item name="item" label="事项" rules={[{ required: true, message: '请选择事项' }]}>
            <Select style={{ minWidth: 280 }} options={RECORD_ITEMS.map((i) => ({ ...i }))} />
          </Form.Item>
          <Form.Item name="date" label="日期" rules={[{ required: true, message: '请选择日期' }]}>
            <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item name="reference" label="文号或说明">
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={record.isPending}>
              {pendingCorrection ? '确认更正' : '登记事项'}
            </Button>
          </Form.Item>
        </Form>
        {pendingCorrection ? <Alert style={{ marginTop: 12 }} type="warning" showIcon message="该事项已登记过。点击“确认更正”将以新的日期和说明更正原记录。" /> : null}
        {records.length > 0 ? (
          <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
            已登记：
            {records.map((r) => `${r.itemName}（${formatDate(r.date)}，${r.recordedBy.name}）`).join('；')}
          </Typography.Paragraph>
        ) : null}
      </Card>
    </Space>
  );
}

// ── trainings

function AttendanceDialog({ training, onClose }: { training: Training; onClose: () => void }) {
  const region = useRegion();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const key = useRef(newIdempotencyKey());
  const detail = useQuery({ queryKey: ['training', training.id], queryFn: () => unwrap(api.GET('/trainings/{id}', { params: { path: { id: training.id } } })) });
  const accounts = useQuery({
    queryKey: ['accounts', region, 'active'],
    queryFn: () => unwrap(api.GET('/accounts', { params: { query: { region, status: 'active', limit: 200 } } })),
  });
  const save = useMutation({
    mutationFn: (v: { accountIds: string[]; attended: boolean }) =>
      unwrap(
        api.POST('/trainings/{id}/attendance', {
          params: { path: { id: training.id }, header: { 'idempotency-key': key.current } },
          body: { attendees: v.accountIds.map((accountId) => ({ accountId, attended: v.attended })) },
        }),
      ),
    onSuccess: () => {
      message.success('参训情况已登记');
      key.current = newIdempotencyKey();
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['training', training.id] });
      void qc.invalidateQueries({ queryKey: ['trainings'] });
      void qc.invalidateQueries({ queryKey: ['plan-tasks'] });
    },
    onError: (err) => {
      if (!showFieldIssues(form, err)) message.error(errorText(err));
    },
  });
  const options = (accounts.data?.items ?? []).map((a) => ({ value: a.id, label: `${a.name}（${roleNames(a.roles)}）` }));
  return (
    <Modal open title={`参训登记：${training.topic}`} onCancel={onClose} footer={null} width={760}>
      <Form name="attendance" form={form} layout="vertical" initialValues={{ attended: true }} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="accountIds" label="人员（每次最多 40 人）" rules={[{ required: true, message: '请选择人员' }]}>
          <Select mode="multiple" options={options} loading={accounts.isLoading} optionFilterProp="label" maxCount={40} />
        </Form.Item>
        <Form.Item name="attended" label="情况">
          <Radio.Group
            optionType="button"
            options={[
              { value: true, label: '参加' },
              { value: false, label: '缺席' },
            ]}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          保存参训情况
        </Button>
      </Form>
      <Table
        style={{ marginTop: 16 }}
        size="small"
        rowKey="accountId"
        loading={detail.isLoading}
        pagination={false}
        dataSource={detail.data?.attendees ?? []}
        caption="已登记"
        columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '角色', dataIndex: 'roles', render: (r: string[]) => roleNames(r) },
          { title: '情况', dataIndex: 'attended', render: (a: boolean) => (a ? <ToneTag tone="green">参加</ToneTag> : <ToneTag tone="grey">缺席</ToneTag>) },
        ]}
      />
    </Modal>
  );
}

function TrainingsPanel() {
  const region = useRegion();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const key = useRef(newIdempotencyKey());
  const [attendanceOf, setAttendanceOf] = useState<Training | undefined>();
  const list = useQuery({ queryKey: ['trainings', region], queryFn: () => unwrap(api.GET('/trainings', { params: { query: { region, limit: 200 } } })) });
  const create = useMutation({
    mutationFn: (v: { topic: string; kind: 'business' | 'system_operation' | 'other'; date: Dayjs; mode: 'onsite' | 'online'; place?: string; trainer: string }) =>
      unwrap(api.POST('/trainings', { params: { header: { 'idempotency-key': key.current } }, body: { ...v, date: day(v.date)!, place: v.place || undefined } })),
    onSuccess: () => {
      message.success('培训已登记');
      key.current = newIdempotencyKey();
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['trainings'] });
    },
    onError: (err) => {
      if (!showFieldIssues(form, err)) message.error(errorText(err));
    },
  });
  const mode = Form.useWatch('mode', form);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title="登记培训" size="small">
        <Form name="training" form={form} layout="vertical" initialValues={{ kind: 'business', mode: 'onsite' }} onFinish={(v) => create.mutate(v)} style={{ maxWidth: 720 }}>
          <Form.Item name="topic" label="培训主题" rules={[{ required: true, message: '请填写主题' }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Space wrap size="large">
            <Form.Item name="kind" label="培训类别">
              <Select style={{ minWidth: 280 }} options={TRAINING_KINDS} />
            </Form.Item>
            <Form.Item name="date" label="培训日期" rules={[{ required: true, message: '请选择日期' }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="mode" label="方式">
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'onsite', label: '现场' },
                  { value: 'online', label: '线上' },
                ]}
              />
            </Form.Item>
          </Space>
          <Form.Item name="place" label={mode === 'online' ? '平台（可不填）' : '培训地点'} rules={mode === 'online' ? [] : [{ required: true, message: '现场培训须填写地点' }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="trainer" label="授课人或单位" rules={[{ required: true, message: '请填写授课人' }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            登记培训
          </Button>
        </Form>
      </Card>
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
      <Table<Training>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        caption="培训记录（本级及下级组织，以及上级组织的培训）"
        columns={[
          { title: '日期', dataIndex: 'date', width: 140, render: (d: string) => formatDate(d) },
          { title: '主题', dataIndex: 'topic' },
          { title: '类别', dataIndex: 'kind', render: (k: string) => KIND_LABEL[k] ?? k },
          { title: '组织', render: (_: unknown, t) => `${LEVEL_LABEL[t.organiserLevel] ?? ''}·${t.organiserRegionName}` },
          { title: '方式', dataIndex: 'mode', render: (m: string, t) => (m === 'online' ? '线上' : `现场（${t.place ?? ''}）`) },
          { title: '参加/缺席', render: (_: unknown, t) => `${t.attended}/${t.absent}` },
          {
            title: '操作',
            render: (_: unknown, t) => (
              <Button onClick={() => setAttendanceOf(t)} disabled={t.date > dayjs().format('YYYY-MM-DD')} aria-label={`登记参训：${t.topic}`}>
                登记参训
              </Button>
            ),
          },
        ]}
      />
      {attendanceOf ? <AttendanceDialog training={attendanceOf} onClose={() => setAttendanceOf(undefined)} /> : null}
    </Space>
  );
}

// ── publicity

function PublicityPanel() {
  const region = useRegion();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const key = useRef(newIdempotencyKey());
  const list = useQuery({ queryKey: ['publicity', region], queryFn: () => unwrap(api.GET('/publicity', { params: { query: { region, limit: 200 } } })) });
  const points = useQuery({ queryKey: ['points', region], queryFn: () => unwrap(api.GET('/points', { params: { query: { region, limit: 200 } } })) });
  const townships = useMemo(() => {
    const seen = new Map<string, string>();
    for (const p of points.data?.items ?? []) if (p.kind === 'township' || p.kind === 'community_committee') seen.set(p.regionCode, p.name.replace(/服务点$/, '').replace(/便民服务中心$/, ''));
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [points.data]);
  const create = useMutation({
    mutationFn: (v: { target: 'point' | 'township'; pointId?: string; regionCode?: string; kind: Publicity['kind']; date: Dayjs; title?: string; people?: number; copies?: number; expenditureId?: string }) =>
      unwrap(
        api.POST('/publicity', {
          params: { header: { 'idempotency-key': key.current } },
          body: {
            ...(v.target === 'point' ? { pointId: v.pointId } : { regionCode: v.regionCode }),
            kind: v.kind,
            date: day(v.date)!,
            title: v.title || undefined,
            reach: { ...(v.people !== undefined && v.people !== null ? { people: v.people } : {}), ...(v.copies !== undefined && v.copies !== null ? { copies: v.copies } : {}) },
            expenditureId: v.expenditureId?.trim() || undefined,
          },
        }),
      ),
    onSuccess: () => {
      message.success('宣传活动已登记');
      key.current = newIdempotencyKey();
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['publicity'] });
      void qc.invalidateQueries({ queryKey: ['plan-tasks'] });
    },
    onError: (err) => {
      if (!showFieldIssues(form, err)) message.error(errorText(err));
    },
  });
  const target = Form.useWatch('target', form);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title="登记宣传活动" size="small">
        <Form name="publicity" form={form} layout="vertical" initialValues={{ target: 'point', kind: 'poster' }} onFinish={(v) => create.mutate(v)} style={{ maxWidth: 720 }}>
          <Form.Item name="target" label="开展单位">
            <Radio.Group
              optionType="button"
              options={[
                { value: 'point', label: '服务点' },
                { value: 'township', label: '乡镇' },
              ]}
            />
          </Form.Item>
          {target === 'township' ? (
            <Form.Item name="regionCode" label="乡镇" rules={[{ required: true, message: '请选择乡镇' }]}>
              <Select options={townships} loading={points.isLoading} showSearch optionFilterProp="label" />
            </Form.Item>
          ) : (
            <Form.Item name="pointId" label="服务点" rules={[{ required: true, message: '请选择服务点' }]}>
              <Select options={(points.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} loading={points.isLoading} showSearch optionFilterProp="label" />
            </Form.Item>
          )}
          <Space wrap size="large">
            <Form.Item name="kind" label="形式">
              <Select style={{ minWidth: 200 }} options={PUBLICITY_KINDS} />
            </Form.Item>
            <Form.Item name="date" label="日期" rules={[{ required: true, message: '请选择日期' }]}>
              <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
            <Form.Item name="people" label="覆盖人数">
              <InputNumber min={0} precision={0} />
            </Form.Item>
            <Form.Item name="copies" label="份数">
              <InputNumber min={0} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item name="title" label="活动名称">
            <Input maxLength={200} />
          </Form.Item>
          {target !== 'township' ? (
            <Form.Item name="expenditureId" label="补助资金支出编号（宣传类，可不填）" extra="本次活动使用了服务点补助资金时填写，一笔支出只能关联一次。">
              <Input maxLength={26} />
            </Form.Item>
          ) : null}
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            登记宣传活动
          </Button>
        </Form>
      </Card>
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
      <Table<Publicity>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        caption="宣传活动"
        columns={[
          { title: '日期', dataIndex: 'date', width: 140, render: (d: string) => formatDate(d) },
          { title: '单位', render: (_: unknown, a) => a.pointName ?? a.regionName },
          { title: '形式', dataIndex: 'kindName' },
          { title: '名称', dataIndex: 'title' },
          { title: '覆盖人数', render: (_: unknown, a) => a.reach.people },
          { title: '份数', render: (_: unknown, a) => a.reach.copies },
          { title: '关联支出（元）', render: (_: unknown, a) => (a.expenditure ? `${(a.expenditure.amountFen / 100).toFixed(2)}（${a.expenditure.voucherNumber}）` : '—') },
        ]}
      />
    </Space>
  );
}

export default function TrainingScreen() {
  return (
    <Card>
      <Tabs
        items={[
          { key: 'tasks', label: '工作任务', children: <TasksPanel /> },
          { key: 'trainings', label: '培训', children: <TrainingsPanel /> },
          { key: 'publicity', label: '宣传', children: <PublicityPanel /> },
        ]}
      />
    </Card>
  );
}
