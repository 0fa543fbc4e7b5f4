import { useEffect } from 'react';
import { Alert, Button, Spin } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, errorText, unwrap } from '../../api/client';
import { formatDate, roleNames } from '../../lib/format';
import { REQUEST_KIND_NAMES, REQUEST_STATUS_NAMES } from '../../lib/money';
import { stepOf } from './AccountRequestsScreen';

/** 用户申请（变更）单 for the paper archive: A4, applicant masked, every step with who and when. */
export default function RequestPrintScreen() {
  const { id } = useParams();
  const q = useQuery({ queryKey: ['account-request', id], queryFn: () => unwrap(api.GET('/account-requests/{id}', { params: { path: { id: id! } } })) });
  useEffect(() => {
    document.title = '用户申请（变更）单 · 就近办';
  }, []);
  if (q.isLoading) return <Spin />;
  if (q.error) return <Alert type="error" showIcon message={errorText(q.error)} />;
  const r = q.data!;
  const row = (label: string, value: string) => (
    <tr>
      <th scope="row" style={{ width: '28%', textAlign: 'left', border: '1px solid #000', padding: 8 }}>{label}</th>
      <td style={{ border: '1px solid #000', padding: 8 }}>{value}</td>
    </tr>
  );
  return (
    <main style={{ maxWidth: '190mm', margin: '0 auto', padding: 24, fontSize: 16, color: '#000', background: '#fff' }}>
      <style>{'@media print { .no-print { display: none } @page { size: A4; margin: 15mm } }'}</style>
      <h1 style={{ textAlign: 'center', fontSize: 24 }}>用户申请（变更）单</h1>
      <p style={{ textAlign: 'right' }}>编号：{r.id}</p>
      <table style={{ width: '100%', borderCollapse: 'collapse' }} data-testid="request-form">
        <tbody>
          {row('申请类型', REQUEST_KIND_NAMES[r.kind] ?? r.kind)}
          {row('姓名', r.person.name)}
          {row('身份证号', r.person.idNumber)}
          {row('联系电话', r.person.phone)}
          {row('所属区划', r.regionCode)}
          {row('服务点', r.pointId ?? '—')}
          {row('申请角色', roleNames(r.roles))}
          {row('备注', r.note ?? '—')}
          {row('填报人 / 日期', `${r.filedBy.name} / ${formatDate(r.filedAt)}`)}
          {row('审批意见', r.decision ? `${r.decision.approve ? '同意' : '不同意'}${r.decision.reason ? `：${r.decision.reason}` : ''}（${r.decision.byName}，${formatDate(r.decision.at)}）` : '—')}
          {row('开通账号', r.accountCreatedAt ? formatDate(r.accountCreatedAt) : '—')}
          {row('关联角色', r.rolesLinkedAt ? formatDate(r.rolesLinkedAt) : '—')}
          {row('状态', `${REQUEST_STATUS_NAMES[r.status] ?? r.status}（${stepOf(r).text}）`)}
        </tbody>
      </table>
      <p style={{ marginTop: 32 }}>申请单位（盖章）：　　　　　　　　　审批单位（盖章）：</p>
      <Button className="no-print" type="primary" onClick={() => window.print()} style={{ marginTop: 16 }}>
        打印
      </Button>
    </main>
  );
}
