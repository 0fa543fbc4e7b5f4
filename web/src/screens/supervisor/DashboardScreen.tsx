import { useMemo } from 'react';
import { Alert, Button, Card, Col, List, Row, Segmented, Select, Space, Spin, Statistic, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, errorText, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { formatDate, formatDateTime } from '../../lib/format';
import { CHANNEL_NAMES, LEVEL_NAMES, STAGE_NAMES, formatRate, formatYuan } from '../../lib/money';
import { ChartCard, DataTable } from './Chart';
import { TYPE_NAMES, periodLabel, recentPeriods, type PeriodType } from './periods';

/** The parts of a report's sections this screen draws (docs/reports.md). */
interface Sections {
  points: { total: number; live: number; byStage: Record<string, number>; milestones: { key: string; nameZh: string; due: string; target: number | null; done: number | null; of: number | null; rate: number | null; status: string }[] };
  kiosks: { total: number; pointsNeedingKiosk: number; pointsWithKioskDebugged: number };
  accounts: { configured: number; operatorsActive: number; pointsWithOperator: number };
  cases: { accepted: number; closed: number; onTime: number; late: number; onTimeRate: number | null; violations: number; overdueOpen: number; byChannel: Record<string, number>; byItem?: { code: string; name: string; accepted: number; closed: number; late: number }[] };
  problems: { open: number; overdue: number; filed: number; byLevel: { level: string; open: number; overdue: number; escalatedHere: number }[] };
  funds: { allocatedFen: number; spentFen: number; balanceFen: number; spentInPeriodFen: number };
  ratings: { count: number; average: number | null; bad: number };
}
const STATUS: Record<string, { text: string; color: string }> = {
  met: { text: '已完成', color: '#135200' },
  behind: { text: '滞后', color: '#a8071a' },
  not_due: { text: '未到期', color: 'default' },
  untracked: { text: '未跟踪', color: 'default' },
};

export default function DashboardScreen() {
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const type = (params.get('type') as PeriodType | null) ?? 'monthly';
  const period = params.get('period') ?? undefined;
  const region = params.get('region') ?? me?.regionCode;
  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k === 'type') next.delete('period');
    setParams(next);
  };
  const q = useQuery({
    queryKey: ['dashboard', region, type, period],
    queryFn: () => unwrap(api.GET('/dashboard', { params: { query: { region, type, period } } })),
    enabled: Boolean(region),
  });
  const d = q.data;
  const s = d?.sections as unknown as Sections | undefined;

  const charts = useMemo(() => {
    if (!d || !s) return undefined;
    const stages = Object.keys(STAGE_NAMES);
    const trend = d.trend;
    return {
      milestones: {
        tooltip: { trigger: 'axis' },
        legend: {},
        grid: { left: 40, right: 20, bottom: 60 },
        xAxis: { type: 'category', data: s.points.milestones.map((m) => m.nameZh), axisLabel: { interval: 0, rotate: 20 } },
        yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
        series: [
          { name: '完成率', type: 'bar', data: s.points.milestones.map((m) => (m.rate === null ? 0 : Math.round(m.rate * 1000) / 10)) },
          { name: '目标', type: 'line', data: s.points.milestones.map((m) => (m.target === null ? null : m.target * 100)) },
        ],
      },
      stages: {
        tooltip: {},
        grid: { left: 40, right: 20, bottom: 40 },
        xAxis: { type: 'category', data: stages.map((k) => STAGE_NAMES[k]) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ name: '服务点数', type: 'bar', data: stages.map((k) => s.points.byStage[k] ?? 0) }],
      },
      ranking: {
        tooltip: {},
        grid: { left: 110, right: 30, bottom: 30 },
        xAxis: { type: 'value', max: 100 },
        yAxis: { type: 'category', inverse: true, data: d.ranking.units.map((u) => u.name) },
        series: [{ name: '得分', type: 'bar', data: d.ranking.units.map((u) => u.score) }],
      },
      trend: {
        tooltip: { trigger: 'axis' },
        legend: {},
        grid: { left: 50, right: 50, bottom: 40 },
        xAxis: { type: 'category', data: trend.map((t) => t.period) },
        yAxis: [{ type: 'value', minInterval: 1, name: '件' }, { type: 'value', max: 100, name: '%' }],
        series: [
          { name: '受理', type: 'line', data: trend.map((t) => t.cases.accepted) },
          { name: '办结', type: 'line', data: trend.map((t) => t.cases.closed) },
          { name: '按时办结率', type: 'line', yAxisIndex: 1, data: trend.map((t) => (t.cases.onTimeRate === null ? null : Math.round(t.cases.onTimeRate * 1000) / 10)) },
        ],
      },
      channels: {
        tooltip: { trigger: 'item' },
        legend: { bottom: 0 },
        series: [{ name: '办理渠道', type: 'pie', radius: ['35%', '65%'], data: Object.entries(s.cases.byChannel).map(([k, v]) => ({ name: CHANNEL_NAMES[k] ?? k, value: v })) }],
      },
      problems: {
        tooltip: { trigger: 'axis' },
        legend: {},
        grid: { left: 40, right: 20, bottom: 30 },
        xAxis: { type: 'category', data: s.problems.byLevel.map((l) => LEVEL_NAMES[l.level] ?? l.level) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: '未办结', type: 'bar', data: s.problems.byLevel.map((l) => l.open) },
          { name: '逾期', type: 'bar', data: s.problems.byLevel.map((l) => l.overdue) },
        ],
      },
    };
  }, [d, s]);

  const units = (d?.units ?? []) as unknown as { code: string; name: string }[];
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap>
        <Segmented
          aria-label="报告类型"
          value={type}
          onChange={(v) => set('type', String(v))}
          options={(Object.keys(TYPE_NAMES) as PeriodType[]).map((k) => ({ label: TYPE_NAMES[k], value: k }))}
        />
        <Select
          aria-label="期间"
          style={{ width: 180 }}
          value={period ?? d?.period.key}
          onChange={(v) => set('period', v)}
          options={recentPeriods(type).map((k, i) => ({ value: k, label: `${periodLabel(k)}${i === 0 ? '（进行中）' : ''}` }))}
        />
        {region !== me?.regionCode ? <Button onClick={() => set('region', undefined)}>返回本级（{me?.regionName}）</Button> : null}
        {units.length > 0 ? (
          <Select
            aria-label="查看下级单位"
            placeholder="查看下级单位"
            style={{ width: 200 }}
            value={null}
            onChange={(v) => set('region', v ?? undefined)}
            options={units.filter((u) => u.code !== d?.region.code).map((u) => ({ value: u.code, label: u.name }))}
          />
        ) : null}
      </Space>
      {q.isLoading ? <Spin size="large" /> : null}
      {q.error ? <Alert type="error" showIcon message="无法显示督导看板" description={errorText(q.error)} data-testid="dashboard-error" /> : null}
      {d && s && charts ? (
        <>
          <Typography.Paragraph data-testid="dashboard-heading">
            <strong>{d.region.name}</strong> · {TYPE_NAMES[d.type as PeriodType]} · {periodLabel(d.period.key)}（{formatDate(d.period.start)}至{formatDate(d.period.end)}）
            {d.periodInProgress ? <Tag color="#0b3d73" style={{ marginLeft: 8 }}>进行中</Tag> : null}
            <span style={{ marginLeft: 8, color: '#595959' }}>实时计算于 {formatDateTime(d.asOf)}，与已存报告同一口径</span>
          </Typography.Paragraph>

          <Card title="排队督办：滞后的单位和服务点" data-testid="laggards" styles={{ header: { background: '#fff1f0' } }}>
            {d.ranking.laggards.units.length + d.ranking.laggards.points.length === 0 ? (
              <Typography.Text>本期没有滞后的单位。</Typography.Text>
            ) : (
              <List
                dataSource={[
                  ...d.ranking.laggards.units.map((u) => ({ key: u.code, name: u.name, what: '单位', score: u.score, lags: u.lags, code: u.code as string | undefined })),
                  ...d.ranking.laggards.points.map((p) => ({ key: p.pointId, name: `${p.name}（${p.unitName}）`, what: '服务点', score: p.score, lags: p.lags, code: undefined })),
                ]}
                renderItem={(x) => (
                  <List.Item data-testid="laggard">
                    <List.Item.Meta
                      title={
                        <Space>
                          <Tag color="#a8071a">{x.what}</Tag>
                          {x.code ? (
                            <Button type="link" style={{ padding: 0, color: '#0b3d73', textDecoration: 'underline' }} onClick={() => set('region', x.code)}>
                              {x.name}
                            </Button>
                          ) : (
                            <span>{x.name}</span>
                          )}
                          <span>得分 {x.score ?? '—'}</span>
                        </Space>
                      }
                      description={x.lags.join('；')}
                    />
                  </List.Item>
                )}
              />
            )}
          </Card>

          <Row gutter={[16, 16]} data-testid="summary">
            {[
              ['服务点（不含撤销）', s.points.live],
              ['正式运行', s.points.byStage.in_operation ?? 0],
              ['自助设备调试完成', `${s.kiosks.pointsWithKioskDebugged}/${s.kiosks.pointsNeedingKiosk}`],
              ['已配置账号', s.accounts.configured],
              ['受理办件', s.cases.accepted],
              ['办结办件', s.cases.closed],
              ['按时办结率', formatRate(s.cases.onTimeRate)],
              ['逾期未办结', s.cases.overdueOpen],
              ['未办结问题', s.problems.open],
              ['逾期问题', s.problems.overdue],
              ['补助资金结余', formatYuan(s.funds.balanceFen)],
              ['好差评均分', s.ratings.average ?? '—'],
            ].map(([label, value]) => (
              <Col key={String(label)} xs={12} md={6} lg={4}>
                <Card size="small">
                  <Statistic title={label} value={value as string | number} data-testid={`stat-${label}`} />
                </Card>
              </Col>
            ))}
          </Row>

          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <ChartCard
                title="建设进度（对照计划节点）"
                option={charts.milestones}
                testId="chart-milestones"
                table={
                  <DataTable
                    caption="建设进度节点"
                    head={['节点', '截止日期', '目标', '完成/应完成', '完成率', '状态']}
                    rows={s.points.milestones.map((m) => [m.nameZh, formatDate(m.due), formatRate(m.target), m.done === null ? '—' : `${m.done}/${m.of}`, formatRate(m.rate), <Tag key="s" color={STATUS[m.status]?.color}>{STATUS[m.status]?.text ?? m.status}</Tag>])}
                  />
                }
              />
            </Col>
            <Col xs={24} lg={12}>
              <ChartCard
                title="服务点阶段"
                option={charts.stages}
                testId="chart-stages"
                table={<DataTable caption="各阶段服务点数" head={['阶段', '服务点数']} rows={Object.keys(STAGE_NAMES).map((k) => [STAGE_NAMES[k]!, s.points.byStage[k] ?? 0])} />}
              />
            </Col>
            <Col xs={24} lg={12}>
              <ChartCard
                title="下级单位排名"
                option={charts.ranking}
                height={Math.max(200, d.ranking.units.length * 32)}
                testId="chart-ranking"
                table={<DataTable testId="ranking-table" caption="排名（得分 0–100）" head={['名次', '单位', '得分']} rows={d.ranking.units.map((u) => [u.rank, u.name, u.score ?? '—'])} />}
              />
            </Col>
            <Col xs={24} lg={12}>
              <ChartCard
                title="最近 12 期趋势"
                option={charts.trend}
                testId="chart-trend"
                table={
                  <DataTable
                    caption="各期办件"
                    head={['期间', '受理', '办结', '按时办结率', '提出问题']}
                    rows={d.trend.map((t) => [periodLabel(t.period), t.cases.accepted, t.cases.closed, formatRate(t.cases.onTimeRate), t.problems.filed])}
                  />
                }
              />
            </Col>
            <Col xs={24} lg={12}>
              <ChartCard
                title="办件渠道"
                option={charts.channels}
                testId="chart-channels"
                table={<DataTable caption="各渠道受理数" head={['渠道', '受理']} rows={Object.entries(s.cases.byChannel).map(([k, v]) => [CHANNEL_NAMES[k] ?? k, v])} />}
              />
            </Col>
            <Col xs={24} lg={12}>
              <ChartCard
                title="问题（按承办层级）"
                option={charts.problems}
                testId="chart-problems"
                table={<DataTable caption="未办结与逾期问题" head={['层级', '未办结', '逾期', '本期上移至此']} rows={s.problems.byLevel.map((l) => [LEVEL_NAMES[l.level] ?? l.level, l.open, l.overdue, l.escalatedHere])} />}
              />
            </Col>
          </Row>

          <Card title="资金与评价" size="small">
            <DataTable
              caption="补助资金（年度累计）与好差评"
              head={['下达', '支出', '结余', '本期支出', '评价数', '均分', '差评']}
              rows={[[formatYuan(s.funds.allocatedFen), formatYuan(s.funds.spentFen), formatYuan(s.funds.balanceFen), formatYuan(s.funds.spentInPeriodFen), s.ratings.count, s.ratings.average ?? '—', s.ratings.bad]]}
            />
          </Card>
          {s.cases.byItem ? (
            <Card title="按事项" size="small">
              <DataTable caption="各事项受理、办结、超时" head={['事项', '受理', '办结', '超时']} rows={s.cases.byItem.map((i) => [i.name, i.accepted, i.closed, i.late])} />
            </Card>
          ) : null}
        </>
      ) : null}
    </Space>
  );
}
