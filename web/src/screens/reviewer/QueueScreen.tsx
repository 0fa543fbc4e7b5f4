import { Alert, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, errorText, unwrap, type Schemas } from '../../api/client';
import { TAG, formatDate } from '../../lib/format';
import { DueDate } from '../cases/CaseSummary';

type Case = Schemas['Case'];
type Risk = { level: 'low' | 'medium' | 'high'; expectedDecisionDate?: string; basis?: string };
const RISK: Record<string, [string, string]> = { low: ['低', TAG.ok], medium: ['中', TAG.warn], high: ['高', TAG.danger] };

/** 审核队列: cases submitted to my county, oldest due date first, with working days left and flags. */
export default function QueueScreen() {
  const q = useQuery({ queryKey: ['queue'], queryFn: () => unwrap(api.GET('/cases', { params: { query: { status: 'submitted', limit: 200 } } })), refetchInterval: 60_000 });
  const rows = [...(q.data?.items ?? [])].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.acceptedAt.localeCompare(b.acceptedAt));
  return (
    <>
      {q.error ? <Alert type="error" showIcon title={errorText(q.error)} /> : null}
      <Table<Case>
        rowKey="id"
        loading={q.isPending}
        dataSource={rows}
        data-testid="queue"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: '没有待审核的办件' }}
        rowClassName={(c) => (c.overdue ? 'row-overdue' : '')}
        columns={[
          { title: '办件编号', dataIndex: 'number', render: (n: string, c) => <Link to={`/review/cases/${c.id}`}>{n}</Link> },
          { title: '事项', dataIndex: 'itemName' },
          { title: '申请人', render: (_, c) => c.applicant.name },
          { title: '服务点', dataIndex: 'pointName' },
          { title: '受理日期', dataIndex: 'acceptedAt', render: formatDate },
          { title: '到期日 / 剩余', render: (_, c) => <DueDate c={c} /> },
          {
            title: '风险',
            render: (_, c) => {
              const risk = (c as Case & { risk?: Risk }).risk;
              return risk ? <Tag color={RISK[risk.level]?.[1]} title={risk.basis}>{RISK[risk.level]?.[0] ?? risk.level}</Tag> : '—';
            },
          },
        ]}
      />
    </>
  );
}
