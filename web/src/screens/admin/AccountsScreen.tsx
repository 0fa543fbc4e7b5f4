import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Input, Modal, Select, Space, Table, Tabs, Tag, Typography, message } from 'antd';
import dayjs from 'dayjs';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { TextLink } from '../shared/TextLink';
import { api, errorText, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { formatDate, formatDateTime, roleNames } from '../../lib/format';
import { ACCOUNT_STATUS_NAMES } from '../../lib/money';
import { ExportButton } from '../shared/ExportButton';

type Account = Schemas['Account'];
type Action = 'freeze' | 'unfreeze' | 'unlock' | 'deregister';
const ACTION_NAMES: Record<Action, string> = { freeze: '冻结', unfreeze: '解冻', unlock: '解锁', deregister: '注销' };
const ALLOWED: Record<string, Action[]> = { active: ['freeze', 'deregister'], frozen: ['unfreeze', 'deregister'], locked: ['unlock', 'deregister'], deregistered: [] };

/** Every status change asks first, with the reason the log keeps. */
function useStatusChange(onDone: () => void) {
  const m = useMutation({
    mutationFn: (v: { id: string; action: Action; reason: string }) => {
      const opts = { params: { path: { id: v.id } }, body: { reason: v.reason } };
      if (v.action === 'freeze') return unwrap(api.POST('/accounts/{id}/freeze', opts));
      if (v.action === 'unfreeze') return unwrap(api.POST('/accounts/{id}/unfreeze', opts));
      if (v.action === 'unlock') return unwrap(api.POST('/accounts/{id}/unlock', opts));
      return unwrap(api.POST('/accounts/{id}/deregister', opts));
    },
    onSuccess: (_d, v) => {
      message.success(`已${ACTION_NAMES[v.action]}`);
      onDone();
    },
    onError: (e) => message.error(errorText(e)),
  });
  return (id: string, name: string, action: Action) => {
    let reason = '';
    Modal.confirm({
      title: `${ACTION_NAMES[action]}账号：${name}`,
      content: (
        <Space direction="vertical" style={{ width: '100%' }}>
          {action === 'freeze' ? <Typography.Text>冻结立即结束此账号的所有登录。</Typography.Text> : null}
          {action === 'deregister' ? <Typography.Text type="danger">注销后不可恢复。</Typography.Text> : null}
          <Input.TextArea aria-label="原因" placeholder="原因（记入操作日志）" rows={3} onChange={(e) => (reason = e.target.value)} />
        </Space>
      ),
      okText: `确认${ACTION_NAMES[action]}`,
      okButtonProps: { danger: action === 'freeze' || action === 'deregister' },
      cancelText: '取消',
      onOk: async () => {
        if (!reason.trim()) {
          message.error('请填写原因');
          throw new Error('reason');
        }
        await m.mutateAsync({ id, action, reason: reason.trim() });
      },
    });
  };
}

function AccountList() {
  const { me, hasRole } = useSession();
  const qc = useQueryClient();
  const [status, setStatus] = useState<string | undefined>();
  const q = useQuery({ queryKey: ['accounts', status], queryFn: () => unwrap(api.GET('/accounts', { params: { query: { status: status as never, limit: 200 } } })) });
  const change = useStatusChange(() => void qc.invalidateQueries({ queryKey: ['accounts'] }));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <span>{me?.regionName}</span>
        <Select aria-label="账号状态" allowClear placeholder="全部状态" style={{ width: 160 }} value={status} onChange={setStatus} options={Object.entries(ACCOUNT_STATUS_NAMES).map(([value, label]) => ({ value, label }))} />
        <ExportButton path="/accounts" query={{ status }} />
      </Space>
      {q.error ? <Alert type="error" showIcon message={errorText(q.error)} /> : null}
      <Table<Account>
        rowKey="id"
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '身份证号', dataIndex: 'idNumber' },
          { title: '电话', dataIndex: 'phone' },
          { title: '角色', render: (_, a) => roleNames(a.roles) || '（未关联）' },
          { title: '状态', render: (_, a) => <Tag>{ACCOUNT_STATUS_NAMES[a.status]}</Tag> },
          { title: '最近登录', render: (_, a) => formatDateTime(a.lastLoginAt) },
          {
            title: '操作',
            render: (_, a) =>
              hasRole('sys_admin') ? (
                <Space>
                  {ALLOWED[a.status]!.map((act) => (
                    <Button key={act} size="small" onClick={() => change(a.id, a.name, act)}>
                      {ACTION_NAMES[act]}
                    </Button>
                  ))}
                </Space>
              ) : (
                <Typography.Text type="secondary">由系统管理员处理</Typography.Text>
              ),
          },
        ]}
      />
    </Space>
  );
}

function MonthlyAudit() {
  const { hasRole } = useSession();
  const qc = useQueryClient();
  const [month, setMonth] = useState(dayjs().format('YYYY-MM'));
  const q = useQuery({ queryKey: ['account-audit', month], queryFn: () => unwrap(api.GET('/accounts/audit', { params: { query: { month } } })) });
  const change = useStatusChange(() => void qc.invalidateQueries({ queryKey: ['account-audit'] }));
  const a = q.data;
  type Entry = Schemas['AccountAudit']['idle'][number];
  const section = (title: string, rows: Entry[], next?: Action) => (
    <Card size="small" title={`${title}（${rows.length}）`} key={title}>
      <Table<Entry>
        size="small"
        rowKey="accountId"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '角色', render: (_, e) => roleNames(e.roles) },
          { title: '状态', render: (_, e) => ACCOUNT_STATUS_NAMES[e.status] },
          { title: '说明', render: (_, e) => e.detail ?? '—' },
          {
            title: '下一步',
            render: (_, e) =>
              next && hasRole('sys_admin') ? (
                <Button size="small" onClick={() => change(e.accountId, e.name, next)}>
                  {ACTION_NAMES[next]}
                </Button>
              ) : next ? (
                <Typography.Text type="secondary">由系统管理员{ACTION_NAMES[next]}</Typography.Text>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </Card>
  );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <DatePicker picker="month" aria-label="核查月份" allowClear={false} value={dayjs(`${month}-01`)} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} />
      {q.error ? <Alert type="error" showIcon message={errorText(q.error)} /> : null}
      {a ? (
        <>
          <Typography.Text>
            {a.stored ? '已存的月度核查' : '本月核查预览'} · 生成于 {formatDateTime(a.builtAt)}
          </Typography.Text>
          {section('长期未登录（闲置）', a.idle, 'freeze')}
          {section('锁定', a.locked, 'unlock')}
          {section('冻结', a.frozen, 'unfreeze')}
          {section('超范围权限', a.overPrivileged, 'freeze')}
          {section('服务点未运行的操作员', a.operatorsAtPointsNotInOperation, 'freeze')}
          {section('本月注销', a.deregisteredThisMonth)}
          <Card size="small" title={`超期未办的申请单（${a.staleRequests.length}）`}>
            <Table
              size="small"
              rowKey="requestId"
              pagination={false}
              dataSource={a.staleRequests}
              columns={[
                { title: '申请单', render: (_, r) => <TextLink to={`/print/account-request/${r.requestId}`}>{r.requestId}</TextLink> },
                { title: '填报日期', render: (_, r) => formatDate(r.filedAt) },
                { title: '已过天数', dataIndex: 'ageDays' },
                { title: '下一步', render: () => <TextLink to="/admin/requests">去处理</TextLink> },
              ]}
            />
          </Card>
        </>
      ) : null}
    </Space>
  );
}

/** 账号管理: accounts by status with freeze / unfreeze / unlock / deregister (each confirmed), and the monthly audit. */
export default function AccountsScreen() {
  return <Tabs items={[{ key: 'list', label: '账号', children: <AccountList /> }, { key: 'audit', label: '月度账号核查', children: <MonthlyAudit /> }]} />;
}
