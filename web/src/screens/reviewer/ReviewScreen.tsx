import { useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Form, Input, Radio, Space, Spin } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { ApiError, api, errorText, unwrap } from '../../api/client';
import { CaseSummary } from '../cases/CaseSummary';
import { NotFoundScreen } from '../common/NotFoundScreen';
import { useCase } from '../clerk/CaseScreen';
import { showFieldErrors } from '../../lib/forms';

type Decision = 'approve' | 'reject' | 'return';

/**
 * 审核: the reviewer sees the applicant in clear (and is told the view is logged), then approves,
 * rejects with a reason, or returns with the missing materials picked from the item's list. A
 * stale version means someone else decided first: say so and reload, never overwrite.
 */
export default function ReviewScreen() {
  const { id } = useParams();
  const q = useCase(id);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<{ decision: Decision; reason?: string; missing?: string[] }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const decision = Form.useWatch('decision', form);
  const item = useQuery({
    queryKey: ['catalog-item', q.data?.itemCode],
    queryFn: () => unwrap(api.GET('/public/catalog/items/{code}', { params: { path: { code: q.data!.itemCode } } })),
    enabled: Boolean(q.data?.itemCode),
    staleTime: 10 * 60_000,
  });
  if (q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 400)) return <NotFoundScreen what="办件" />;
  if (q.error) return <Alert type="error" showIcon title={errorText(q.error)} />;
  if (!q.data) return <Spin size="large" />;
  const c = q.data;
  const materials = Array.from(new Set([...(item.data?.materials ?? []), ...c.materialsNotified]));

  const onFinish = async (v: { decision: Decision; reason?: string; missing?: string[] }) => {
    // A rejection ends the citizen's application: it is confirmed, as every destructive action is.
    if (v.decision === 'reject') {
      const sure = await modal.confirm({ title: '确认驳回', content: `驳回后本次申请终止，群众需重新申请。理由：${v.reason?.trim() ?? ''}`, okText: '确认驳回', cancelText: '再想想' });
      if (!sure) return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const body = {
        decision: v.decision,
        version: c.version,
        ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
        ...(v.decision === 'return' && v.missing?.length ? { missingMaterials: v.missing } : {}),
      };
      const next = await unwrap(api.POST('/cases/{id}/review', { params: { path: { id: c.id } }, body }));
      qc.setQueryData(['case', id], next);
      await qc.invalidateQueries({ queryKey: ['queue'] });
      message.success({ approve: '已审核通过', reject: '已驳回', return: '已退回补正' }[v.decision]);
      navigate('/review');
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        modal.warning({ title: '已被他人处理', content: '这件办件已被他人处理或已变化，页面已刷新为最新状态，请重新查看。' });
        await q.refetch();
      } else {
        const rest = showFieldErrors(form, err, (p) => p[0] === 'reason' || p[0] === 'decision');
        const missing = err instanceof ApiError ? err.fieldIssues.filter((i) => i.field.includes('missingMaterials')) : [];
        if (missing.length) form.setFields([{ name: 'missing', errors: missing.map((m) => m.message) }]);
        setError(rest.filter((r) => !missing.some((m) => m.message === r)).join('；') || (err instanceof ApiError && err.fieldIssues.length ? undefined : errorText(err)));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {!c.applicant.idNumber.includes('*') ? (
        <Alert type="info" showIcon title="您正在查看申请人的完整身份信息，本次查看已记入操作日志。" data-testid="clear-view-notice" />
      ) : null}
      <CaseSummary c={c} showPersonNotice />
      {c.status === 'submitted' ? (
        <Card title="审核意见">
          <Form form={form} layout="vertical" onFinish={onFinish} initialValues={{ decision: 'approve' }}>
            <Form.Item name="decision" label="审核结论">
              <Radio.Group optionType="button" buttonStyle="solid" options={[{ value: 'approve', label: '通过' }, { value: 'return', label: '退回补正' }, { value: 'reject', label: '驳回' }]} />
            </Form.Item>
            {decision === 'return' ? (
              <Form.Item name="missing" label="所缺材料（从本事项材料清单中选择）" rules={[{ required: true, message: '请选择所缺材料' }]}>
                <Checkbox.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }} options={materials.map((m) => ({ value: m, label: m }))} />
              </Form.Item>
            ) : null}
            <Form.Item name="reason" label={decision === 'approve' ? '意见（可选）' : '理由'} rules={decision === 'approve' ? [] : [{ required: true, whitespace: true, message: '驳回或退回须说明理由' }]}>
              <Input.TextArea rows={3} maxLength={1000} />
            </Form.Item>
            {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
            <Button type="primary" htmlType="submit" loading={busy} size="large">提交审核意见</Button>
          </Form>
        </Card>
      ) : (
        <Alert type="info" title="此办件当前不在待审核状态。" />
      )}
    </Space>
  );
}
