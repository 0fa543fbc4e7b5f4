import { useState } from 'react';
import { Alert, DatePicker, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { useQuery } from '@tanstack/react-query';
import { api, errorText, unwrap } from '../../api/client';
import { formatYuan } from '../../lib/money';

type Row = { pointId?: string; countyCode?: string; name?: string; allocatedFen: number; spentFen: number; spentInMonthFen: number; balanceFen: number };

/** 资金月度统计: allocation, spending (to date and in the month) and balance per point and county, in 元. */
export default function FundsScreen() {
  const [month, setMonth] = useState(dayjs().format('YYYY-MM'));
  const q = useQuery({ queryKey: ['funds', 'summary', month], queryFn: () => unwrap(api.GET('/funds/summary', { params: { query: { month } } })) });
  const d = q.data as { points?: Row[]; counties: (Row & { executionPercent: number })[]; total: Row & { executionPercent: number } } | undefined;
  const money = (k: keyof Row) => ({ title: { allocatedFen: '下达', spentFen: '累计支出', spentInMonthFen: '本月支出', balanceFen: '结余' }[k as string], render: (_: unknown, r: Row) => formatYuan(r[k] as number) });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <DatePicker picker="month" aria-label="统计月份" allowClear={false} value={dayjs(`${month}-01`)} onChange={(x) => x && setMonth(x.format('YYYY-MM'))} />
      {q.error ? <Alert type="error" showIcon message={errorText(q.error)} /> : null}
      <Table<Row & { executionPercent: number }> rowKey="countyCode" size="small" pagination={false} dataSource={d?.counties ?? []} columns={[{ title: '县', dataIndex: 'name' }, money('allocatedFen'), money('spentFen'), money('spentInMonthFen'), money('balanceFen'), { title: '执行率', render: (_, r) => `${r.executionPercent}%` }]} />
      <Table<Row> rowKey="pointId" size="small" dataSource={d?.points ?? []} pagination={{ pageSize: 50 }} columns={[{ title: '服务点', dataIndex: 'name' }, money('allocatedFen'), money('spentFen'), money('spentInMonthFen'), money('balanceFen')]} />
    </Space>
  );
}
