import { useState } from 'react';
import { Alert, Button, Input, Modal, Segmented, Select, Space, Table, Tag, Typography, message } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, errorText, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { formatDateTime } from '../../lib/format';
import { formatRate, formatYuan } from '../../lib/money';
import { ExportButton } from '../shared/ExportButton';
import { TYPE_NAMES, periodLabel, recentPeriods, type PeriodType } from './periods';

type Report = Schemas['Report'];

/** 报告: the stored 周小结/月盘点/季考评 of my region, downloads, make one now, regenerate with a reason. */
export default function ReportsScreen() {
  const { me, hasRole } = useSession();
  const qc = useQueryClient();
  const [type, setType] = useState<PeriodType>('monthly');
  const [period, setPeriod] = useState(recentPeriods('monthly')[1]!);
  const list = useQuery({ queryKey: ['reports', type], queryFn: () => unwrap(api.GET('/reports', { params: { query: { type, limit: 100 } } })) });
  const make = useMutation({
    mutationFn: (v: { regenerate?: boolean; reason?: string }) => unwrap(api.POST('/reports', { body: { type, region: me!.regionCode!, period, ...v } })),
    onSuccess: () => (message.success('报告已生成'), void qc.invalidateQueries({ queryKey: ['reports'] })),
  });
  const makeNow = () =>
    make.mutate(
      {},
      {
        onError: (e) => {
          if (e instanceof ApiError && e.code === 'REPORT_EXISTS') {
            let reason = '';
            Modal.confirm({
              title: '该期报告已存在',
              content: <Input.TextArea aria-label="重新生成的原因" placeholder="重新生成的原因（旧版本保留）" onChange={(x) => (reason = x.target.value)} />,
              okText: '重新生成',
              cancelText: '取消',
              onOk: () => {
                if (!reason.trim()) {
                  message.error('请填写原因');
                  return Promise.reject(new Error('reason'));
                }
                return make.mutateAsync({ regenerate: true, reason: reason.trim() });
              },
            });
          } else message.error(errorText(e));
        },
      },
    );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Segmented aria-label="报告类型" value={type} onChange={(v) => (setType(v as PeriodType), setPeriod(recentPeriods(v as PeriodType)[1]!))} options={(Object.keys(TYPE_NAMES) as PeriodType[]).map((k) => ({ label: TYPE_NAMES[k], value: k }))} />
        {hasRole('supervisor') ? (
          <>
            <Select aria-label="期间" style={{ width: 180 }} value={period} onChange={setPeriod} options={recentPeriods(type).map((k) => ({ value: k, label: periodLabel(k) }))} />
            <Button type="primary" onClick={makeNow} loading={make.isPending}>
              立即生成
            </Button>
          </>
        ) : null}
        <ExportButton path="/reports" query={{ type }} label="导出报告清单" />
      </Space>
      {list.error ? <Alert type="error" showIcon message={errorText(list.error)} /> : null}
      <Table<Report>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        expandable={{
          expandedRowRender: (r) => (
            <Typography.Paragraph>
              服务点 {r.summary.points} 个，正式运行 {r.summary.pointsInOperation}，受理办件 {r.summary.casesAccepted}，按时办结率 {formatRate(r.summary.onTimeRate)}，逾期未办结 {r.summary.overdueCases}，未办结问题 {r.summary.problemsOpen}，资金结余 {formatYuan(r.summary.balanceFen)}
            </Typography.Paragraph>
          ),
        }}
        columns={[
          { title: '报告', render: (_, r) => `${r.regionName} ${TYPE_NAMES[r.type as PeriodType]} ${periodLabel(r.period)}` },
          { title: '版本', render: (_, r) => (r.revision > 1 ? <Tag>第{r.revision}版：{r.reason}</Tag> : '第1版') },
          { title: '生成时间', render: (_, r) => formatDateTime(r.generatedAt) },
          {
            title: '下载',
            render: (_, r) => (
              <Space>
                <ExportButton path={`/reports/${r.id}`} query={{ format: 'xlsx' }} label="XLSX" />
                <ExportButton path={`/reports/${r.id}`} query={{ format: 'csv' }} label="CSV" />
              </Space>
            ),
          },
        ]}
      />
    </Space>
  );
}
