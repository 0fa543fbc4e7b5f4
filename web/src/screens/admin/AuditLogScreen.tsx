import { useState } from 'react';
import { Alert, Button, DatePicker, Form, Input, Space, Table, Typography } from 'antd';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { api, errorText, unwrap, type Schemas } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { ExportButton } from '../shared/ExportButton';

type Filter = { target?: string; actor?: string; from?: string; to?: string };

/** 操作日志: the operation log by target (类型:编号), actor and dates; more pages on demand. */
export default function AuditLogScreen() {
  const [filter, setFilter] = useState<Filter>({});
  const q = useInfiniteQuery({
    queryKey: ['audit', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/audit', { params: { query: { ...filter, limit: 100, cursor: pageParam } } })),
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form
        layout="inline"
        onFinish={(v: { target?: string; actor?: string; range?: [Dayjs, Dayjs] }) =>
          setFilter({
            ...(v.target ? { target: v.target.trim() } : {}),
            ...(v.actor ? { actor: v.actor.trim() } : {}),
            ...(v.range ? { from: v.range[0].format('YYYY-MM-DD'), to: v.range[1].format('YYYY-MM-DD') } : {}),
          })
        }
      >
        <Form.Item name="target" label="对象">
          <Input placeholder="如 Point:01J…" style={{ width: 260 }} />
        </Form.Item>
        <Form.Item name="actor" label="操作人编号">
          <Input style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="range" label="日期">
          <DatePicker.RangePicker />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
        </Form.Item>
        <Form.Item>
          <ExportButton path="/audit" query={filter} />
        </Form.Item>
      </Form>
      {q.error ? <Alert type="error" showIcon message={errorText(q.error)} /> : null}
      <Table<Schemas['AuditEntry']>
        rowKey="id"
        loading={q.isLoading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: '时间', render: (_, e) => formatDateTime(e.at) },
          { title: '操作人', render: (_, e) => e.actorName ?? e.actorId },
          { title: '操作', dataIndex: 'action' },
          { title: '对象', render: (_, e) => `${e.targetType}:${e.targetId}` },
          { title: '变更后', render: (_, e) => <Typography.Text ellipsis style={{ maxWidth: 360 }}>{e.after === undefined ? '—' : JSON.stringify(e.after)}</Typography.Text> },
        ]}
      />
      {q.hasNextPage ? <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>加载更多</Button> : null}
    </Space>
  );
}
