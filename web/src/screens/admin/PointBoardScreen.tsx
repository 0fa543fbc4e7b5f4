import { Alert, Button, Card, Col, Row, Space, Tag, Typography, message } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { TextLink } from '../shared/TextLink';
import { api, errorText, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { formatDate } from '../../lib/format';
import { KIND_NAMES, STAGE_LINE, STAGE_NAMES, formatRate } from '../../lib/money';
import { ExportButton } from '../shared/ExportButton';

type Point = Schemas['Point'];
type Milestone = { key: string; nameZh: string; due: string; target: number | null; done: number | null; of: number | null; rate: number | null; status: string };
const STATUS: Record<string, { text: string; color: string }> = {
  met: { text: '已完成', color: '#135200' },
  behind: { text: '滞后', color: '#a8071a' },
  not_due: { text: '未到期', color: '#0b3d73' },
  untracked: { text: '未跟踪', color: 'default' },
};

/** All of a region's points (a county has about a hundred: a few pages of 200 at most). */
export async function allPoints(region?: string): Promise<Point[]> {
  const out: Point[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(api.GET('/points', { params: { query: { region, limit: 200, cursor } } }));
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * 服务点看板: a column per lifecycle stage, and the plan's milestones (the same figures as the
 * reports) with how many points have reached each, by its date.
 */
export default function PointBoardScreen() {
  const { me } = useSession();
  const points = useQuery({ queryKey: ['points', 'all'], queryFn: () => allPoints() });
  const dash = useQuery({ queryKey: ['dashboard', me?.regionCode, 'monthly', undefined], queryFn: () => unwrap(api.GET('/dashboard', { params: { query: { type: 'monthly' } } })) });
  const milestones = ((dash.data?.sections as { points?: { milestones: Milestone[] } } | undefined)?.points?.milestones ?? []) as Milestone[];
  const year = new Date().getFullYear();
  const allocate = useMutation({
    mutationFn: () => unwrap(api.POST('/funds/allocations', { body: { regionCode: me!.regionCode!, year } })),
    onSuccess: (r) => message.success((r as { alreadyAllocated?: boolean }).alreadyAllocated ? '本年度补助资金已下达过' : '已下达本年度补助资金'),
    onError: (e) => message.error(errorText(e)),
  });
  const columns = [...STAGE_LINE, 'suspended'];
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title="计划节点（截至本月）" size="small" data-testid="milestones">
        <table style={{ width: '100%', borderCollapse: 'collapse' }}>
          <caption style={{ textAlign: 'left', fontWeight: 600 }}>建设进度对照计划</caption>
          <thead>
            <tr>
              {['节点', '截止日期', '目标', '已完成/应完成', '完成率', '状态'].map((h) => (
                <th key={h} scope="col" style={{ textAlign: 'left', padding: 4 }}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {milestones.map((m) => (
              <tr key={m.key} data-testid={`milestone-${m.key}`}>
                <td style={{ padding: 4 }}>{m.nameZh}</td>
                <td style={{ padding: 4 }}>{formatDate(m.due)}</td>
                <td style={{ padding: 4 }}>{formatRate(m.target)}</td>
                <td style={{ padding: 4 }} data-testid="milestone-done">
                  {m.done === null ? '—' : `${m.done}/${m.of}`}
                </td>
                <td style={{ padding: 4 }}>{formatRate(m.rate)}</td>
                <td style={{ padding: 4 }}>
                  <Tag color={STATUS[m.status]?.color}>{STATUS[m.status]?.text ?? m.status}</Tag>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Space wrap>
        <ExportButton path="/points" />
        <Button onClick={() => allocate.mutate()} loading={allocate.isPending}>
          下达{year}年度补助资金
        </Button>
        <TextLink to="/admin/funds">资金月度统计</TextLink>
      </Space>
      {points.error ? <Alert type="error" showIcon message={errorText(points.error)} /> : null}
      <div style={{ overflowX: 'auto' }}>
        <Row gutter={8} wrap={false} style={{ minWidth: columns.length * 190 }}>
          {columns.map((stage) => {
            const here = (points.data ?? []).filter((p) => p.stage === stage);
            return (
              <Col key={stage} flex="190px">
                <Card size="small" title={`${STAGE_NAMES[stage]}（${here.length}）`} data-testid={`column-${stage}`} styles={{ body: { maxHeight: 520, overflowY: 'auto', padding: 8 } }}>
                  {here.map((p) => (
                    <Card key={p.id} size="small" style={{ marginBottom: 6 }} data-testid="point-card">
                      <TextLink to={`/admin/points/${p.id}`}>{p.name}</TextLink>
                      <br />
                      <Typography.Text type="secondary">
                        {KIND_NAMES[p.kind]}
                        {p.location ? '' : ' · 未录入坐标'}
                      </Typography.Text>
                    </Card>
                  ))}
                </Card>
              </Col>
            );
          })}
        </Row>
      </div>
    </Space>
  );
}
