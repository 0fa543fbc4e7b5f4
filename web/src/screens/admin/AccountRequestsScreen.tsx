import { useState } from 'react';
import { Alert, Button, Form, Input, Modal, Radio, Space, Table, Tabs, Tag, Typography, message } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { TextLink } from '../shared/TextLink';
import { api, errorText, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { formatDate, roleNames } from '../../lib/format';
import { REQUEST_KIND_NAMES, REQUEST_STATUS_NAMES } from '../../lib/money';
import { ExportButton } from '../shared/ExportButton';

type Req = Schemas['AccountRequest'];

/** Where a form stands: filed → decided → account created → roles linked → fulfilled. */
export function stepOf(r: Req): { key: string; text: string } {
  if (r.status === 'filed') return { key: 'decide', text: '待审批' };
  if (r.status === 'rejected') return { key: 'none', text: '已驳回' };
  if (r.status === 'fulfilled') return { key: 'none', text: '已办结' };
  if (!r.accountCreatedAt) return { key: 'create', text: '已批准，待开通账号' };
  if (!r.rolesLinkedAt) return { key: 'link', text: '已开通账号，待关联角色' };
  return { key: 'none', text: '已办结' };
}

/**
 * 账号申请: the request forms of my region by status, with the next step for *me* only — a
 * system admin opens accounts, a business admin links roles (separation of duties, enforced
 * by the API as well); both decide filed forms with a reason.
 */
export default function AccountRequestsScreen() {
  const { me, hasRole } = useSession();
  const qc = useQueryClient();
  const [status, setStatus] = useState<'filed' | 'approved' | 'fulfilled' | 'rejected'>('filed');
  const [deciding, setDeciding] = useState<Req | undefined>();
  const [form] = Form.useForm<{ approve: boolean; reason?: string }>();
  const list = useQuery({
    queryKey: ['account-requests', status],
    queryFn: () => unwrap(api.GET('/account-requests', { params: { query: { status, limit: 200 } } })),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['account-requests'] });
  const decide = useMutation({
    mutationFn: (v: { id: string; approve: boolean; reason?: string }) =>
      unwrap(api.POST('/account-requests/{id}/decision', { params: { path: { id: v.id } }, body: { approve: v.approve, ...(v.reason ? { reason: v.reason } : {}) } })),
    onSuccess: () => {
      message.success('已审批');
      setDeciding(undefined);
      void refresh();
    },
  });
  const create = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/accounts', { body: { requestId: id } })),
    onSuccess: () => {
      message.success('账号已开通，待业务管理员关联角色');
      void refresh();
    },
    onError: (e) => message.error(errorText(e)),
  });
  const link = useMutation({
    mutationFn: async (r: Req) => {
      const account = await unwrap(api.GET('/accounts/{id}', { params: { path: { id: r.accountId! } } }));
      return unwrap(api.PUT('/accounts/{id}/roles', { params: { path: { id: r.accountId! } }, body: { roles: r.roles, version: account.version } }));
    },
    onSuccess: () => {
      message.success('角色已关联，申请单已办结');
      void refresh();
    },
    onError: (e) => message.error(errorText(e)),
  });

  const nextStep = (r: Req) => {
    const step = stepOf(r);
    if (step.key === 'decide')
      return (
        <Button type="primary" onClick={() => (form.resetFields(), setDeciding(r))}>
          审批
        </Button>
      );
    if (step.key === 'create')
      return hasRole('sys_admin') ? (
        <Button
          type="primary"
          loading={create.isPending}
          onClick={() =>
            Modal.confirm({
              title: '开通账号',
              content: `按此申请单为「${r.person.name}」开通账号？角色由业务管理员关联。`,
              okText: '确认开通',
              cancelText: '取消',
              onOk: () => create.mutateAsync(r.id),
            })
          }
        >
          开通账号
        </Button>
      ) : (
        <Typography.Text type="secondary">待系统管理员开通账号</Typography.Text>
      );
    if (step.key === 'link')
      return hasRole('biz_admin') ? (
        <Button
          type="primary"
          loading={link.isPending}
          onClick={() =>
            Modal.confirm({
              title: '关联角色',
              content: `为「${r.person.name}」关联角色：${roleNames(r.roles)}？`,
              okText: '确认关联',
              cancelText: '取消',
              onOk: () => link.mutateAsync(r),
            })
          }
        >
          关联角色
        </Button>
      ) : (
        <Typography.Text type="secondary">待业务管理员关联角色</Typography.Text>
      );
    return null;
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text>
          {me?.regionName} · 我的岗位：{roleNames(me?.roles)}
        </Typography.Text>
        <ExportButton path="/account-requests" query={{ status }} />
      </Space>
      <Tabs
        activeKey={status}
        onChange={(k) => setStatus(k as typeof status)}
        items={(['filed', 'approved', 'fulfilled', 'rejected'] as const).map((k) => ({ key: k, label: REQUEST_STATUS_NAMES[k] }))}
      />
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
      <Table<Req>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        onRow={(r) => ({ 'data-testid': `request-${r.person.name}` }) as never}
        columns={[
          { title: '申请人', render: (_, r) => r.person.name },
          { title: '身份证号', render: (_, r) => r.person.idNumber },
          { title: '类型', render: (_, r) => REQUEST_KIND_NAMES[r.kind] ?? r.kind },
          { title: '申请角色', render: (_, r) => roleNames(r.roles) },
          { title: '填报', render: (_, r) => `${r.filedBy.name} ${formatDate(r.filedAt)}` },
          { title: '进度', render: (_, r) => <Tag data-testid="request-step">{stepOf(r).text}</Tag> },
          { title: '审批意见', render: (_, r) => (r.decision ? `${r.decision.approve ? '同意' : '不同意'}${r.decision.reason ? `：${r.decision.reason}` : ''}（${r.decision.byName}）` : '—') },
          { title: '我的下一步', render: (_, r) => <span data-testid="next-step">{nextStep(r)}</span> },
          { title: '', render: (_, r) => <TextLink to={`/print/account-request/${r.id}`}>打印申请单</TextLink> },
        ]}
      />
      <Modal
        open={!!deciding}
        title={`审批：${deciding?.person.name ?? ''}（${deciding ? (REQUEST_KIND_NAMES[deciding.kind] ?? '') : ''}）`}
        okText="提交审批"
        cancelText="取消"
        confirmLoading={decide.isPending}
        onCancel={() => setDeciding(undefined)}
        onOk={async () => {
          const v = await form.validateFields();
          decide.mutate({ id: deciding!.id, approve: v.approve, reason: v.reason });
        }}
      >
        {decide.error ? <Alert type="error" showIcon message={errorText(decide.error)} style={{ marginBottom: 12 }} /> : null}
        <Form form={form} layout="vertical" initialValues={{ approve: true }}>
          <Form.Item name="approve" label="审批结论" rules={[{ required: true }]}>
            <Radio.Group>
              <Radio value={true}>同意</Radio>
              <Radio value={false}>不同意</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="reason" label="理由" rules={[{ required: true, message: '请填写审批理由' }, { max: 500 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
