import { useState } from 'react';
import { Alert, Input, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, errorText, unwrap } from '../../api/client';
import { STATUS_COLORS, STATUS_NAMES, formatDate } from '../../lib/format';
import { idNumberProblem } from '../../lib/idNumber';

/** 查找办件: by the receipt's short number, or by the applicant's ID number (the search is logged). */
export default function FindScreen({ base = '/clerk/cases' }: { base?: string }) {
  const [term, setTerm] = useState('');
  const isId = /^\d{17}[\dXx]$/.test(term);
  const q = useQuery({
    queryKey: ['find', term],
    queryFn: () => unwrap(api.GET('/cases', { params: { query: isId ? { applicantIdNumber: term.toUpperCase() } : { number: term } } })),
    enabled: term.length > 0 && (!isId || !idNumberProblem(term)),
    retry: false,
  });
  return (
    <>
      <Input.Search
        aria-label="办件编号或申请人身份证号"
        placeholder="办件编号（如 蒲县-2026-000123 或 123）或申请人身份证号"
        enterButton="查找"
        size="large"
        allowClear
        onSearch={(v) => setTerm(v.trim())}
        style={{ maxWidth: 640, marginBottom: 16 }}
      />
      {isId && idNumberProblem(term) ? <Alert type="warning" showIcon title={idNumberProblem(term)} /> : null}
      {q.error ? <Alert type="error" showIcon title={errorText(q.error)} /> : null}
      {q.data ? (
        <Table
          rowKey="id"
          dataSource={q.data.items}
          pagination={false}
          locale={{ emptyText: '没有找到办件' }}
          columns={[
            { title: '办件编号', dataIndex: 'number', render: (n: string, r) => <Link to={`${base}/${r.id}`}>{n}</Link> },
            { title: '事项', dataIndex: 'itemName' },
            { title: '申请人', render: (_, r) => r.applicant.name },
            { title: '状态', dataIndex: 'status', render: (s: string) => <Tag color={STATUS_COLORS[s]}>{STATUS_NAMES[s] ?? s}</Tag> },
            { title: '受理日期', dataIndex: 'acceptedAt', render: formatDate },
          ]}
        />
      ) : null}
    </>
  );
}
