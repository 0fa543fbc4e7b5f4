import { useMemo, useState } from 'react';
import { Alert, Card, Col, Row, Segmented, Space, Spin, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { TextLink } from '../shared/TextLink';
import { api, errorText, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { KIND_NAMES, STAGE_NAMES, formatRate } from '../../lib/money';
import { ChartCard, DataTable } from './Chart';

const STAGE_COLORS: Record<string, string> = {
  planned: '#bfbfbf',
  set_up: '#91caff',
  agreement_signed: '#69b1ff',
  accounts_configured: '#4096ff',
  trial_run: '#faad14',
  accepted: '#95de64',
  in_operation: '#237804',
  suspended: '#cf1322',
};
const rateColor = (r: number | null | undefined) => (r === null || r === undefined ? '#bfbfbf' : r >= 0.9 ? '#237804' : r >= 0.7 ? '#faad14' : '#cf1322');

/**
 * 服务点分布: the points on longitude/latitude (no map tiles: none is reachable), each with its
 * coverage radius, coloured by stage or by this month's on-time rate; the villages no point in
 * operation covers, and the points that have no coordinates yet (entered on the point's page).
 */
export default function MapScreen() {
  const { me } = useSession();
  const [params] = useSearchParams();
  const region = params.get('region') ?? me?.regionCode;
  const [colour, setColour] = useState<'stage' | 'onTime'>('stage');
  const cov = useQuery({ queryKey: ['coverage', region], queryFn: () => unwrap(api.GET('/points/coverage', { params: { query: { region } } })), enabled: Boolean(region) });
  const dash = useQuery({ queryKey: ['dashboard', region, 'monthly', undefined], queryFn: () => unwrap(api.GET('/dashboard', { params: { query: { region, type: 'monthly' } } })), enabled: Boolean(region) });
  const admin = me?.roles?.some((r) => r === 'sys_admin' || r === 'biz_admin');

  const onTime = useMemo(() => new Map(((dash.data?.points ?? []) as { pointId: string; onTimeRate: number | null }[]).map((p) => [p.pointId, p.onTimeRate])), [dash.data]);
  const c = cov.data;
  const option = useMemo(() => {
    if (!c) return undefined;
    const pts = c.points.filter((p) => p.location);
    const radiusKm = c.radiusMeters / 1000;
    const lngs = pts.map((p) => p.location!.lng);
    const lats = pts.map((p) => p.location!.lat);
    const pad = 0.08;
    const operating = pts.filter((p) => p.stage === 'in_operation');
    return {
      tooltip: { formatter: (x: { data: { name: string; stage: string; rate: number | null } }) => `${x.data.name}<br/>${STAGE_NAMES[x.data.stage] ?? ''} · 按时办结率 ${formatRate(x.data.rate)}` },
      grid: { left: 60, right: 20, top: 20, bottom: 40 },
      xAxis: { type: 'value', name: '经度', scale: true, min: lngs.length ? Math.min(...lngs) - pad : undefined, max: lngs.length ? Math.max(...lngs) + pad : undefined },
      yAxis: { type: 'value', name: '纬度', scale: true, min: lats.length ? Math.min(...lats) - pad : undefined, max: lats.length ? Math.max(...lats) + pad : undefined },
      series: [
        {
          // The coverage radius of each point in operation, drawn in degrees (an ellipse on these axes).
          type: 'custom',
          name: `${radiusKm} 公里覆盖`,
          silent: true,
          data: operating.map((p) => [p.location!.lng, p.location!.lat]),
          renderItem: (_params: unknown, apiX: { value: (i: number) => number; coord: (v: number[]) => number[] }) => {
            const lng = apiX.value(0);
            const lat = apiX.value(1);
            const [cx, cy] = apiX.coord([lng, lat]) as [number, number];
            const [ex] = apiX.coord([lng + radiusKm / (111.32 * Math.cos((lat * Math.PI) / 180)), lat]) as [number, number];
            const [, ny] = apiX.coord([lng, lat + radiusKm / 111.2]) as [number, number];
            return { type: 'ellipse', shape: { cx, cy, rx: Math.abs(ex - cx), ry: Math.abs(cy - ny) }, style: { fill: 'rgba(35,120,4,0.10)', stroke: 'rgba(35,120,4,0.5)' } };
          },
          z: 1,
        },
        {
          type: 'scatter',
          name: '服务点',
          symbolSize: 12,
          z: 2,
          data: pts.map((p) => {
            const rate = onTime.get(p.id) ?? null;
            return { name: p.name, stage: p.stage, rate, value: [p.location!.lng, p.location!.lat], itemStyle: { color: colour === 'stage' ? STAGE_COLORS[p.stage] : rateColor(rate) } };
          }),
        },
      ],
    };
  }, [c, colour, onTime]);

  if (cov.isLoading) return <Spin size="large" />;
  if (cov.error) return <Alert type="error" showIcon message="无法显示服务点分布" description={errorText(cov.error)} />;
  if (!c || !option) return null;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text strong>{c.region.name}</Typography.Text>
        <span>
          行政村/社区 {c.villages} 个，{c.radiusMeters / 1000} 公里内有正式运行服务点的 {c.covered} 个
        </span>
        <Segmented
          aria-label="着色方式"
          value={colour}
          onChange={(v) => setColour(v as 'stage' | 'onTime')}
          options={[
            { label: '按阶段着色', value: 'stage' },
            { label: '按本月按时办结率着色', value: 'onTime' },
          ]}
        />
      </Space>
      <ChartCard
        title="服务点分布（经纬度）"
        option={option}
        height={520}
        testId="map"
        table={
          <DataTable
            caption="已录入坐标的服务点"
            head={['服务点', '类型', '阶段', '经度', '纬度', '本月按时办结率']}
            rows={c.points.map((p) => [p.name, KIND_NAMES[p.kind] ?? p.kind, STAGE_NAMES[p.stage] ?? p.stage, p.location!.lng, p.location!.lat, formatRate(onTime.get(p.id))])}
          />
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={`${c.radiusMeters / 1000} 公里内无正式运行服务点的行政村/社区（${c.uncovered.length}）`} data-testid="uncovered">
            <Table
              size="small"
              rowKey="code"
              pagination={{ pageSize: 20 }}
              dataSource={c.uncovered}
              columns={[
                { title: '村/社区', dataIndex: 'name' },
                { title: '所属乡镇', render: (_, u) => u.township?.name ?? '—' },
                { title: '原因', render: (_, u) => (u.reason === 'location_unknown' ? <Tag>位置未录入，无法判断</Tag> : <Tag color="#a8071a">范围内无运行中服务点</Tag>) },
                { title: '最近的运行中服务点', render: (_, u) => (u.nearest ? `${u.nearest.name}（${(u.nearest.distanceMeters / 1000).toFixed(1)} 公里）` : '—') },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={`未录入坐标的服务点（${c.pointsWithoutLocation.length}）`} data-testid="no-location">
            <Table
              size="small"
              rowKey="id"
              pagination={{ pageSize: 20 }}
              dataSource={c.pointsWithoutLocation}
              columns={[
                { title: '服务点', render: (_, p) => (admin ? <TextLink to={`/admin/points/${p.id}`}>{p.name}</TextLink> : p.name) },
                { title: '阶段', render: (_, p) => STAGE_NAMES[p.stage] ?? p.stage },
                { title: '坐标', render: () => '未录入' },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
