import { useState } from 'react';
import { Alert, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, InputNumber, Select, Space, Table, Tag, Typography, message } from 'antd';
import dayjs from 'dayjs';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { ApiError, api, errorText, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { formatDate } from '../../lib/format';
import { DEVICE_LINE, DEVICE_STAGE_NAMES, KIND_NAMES, STAGE_LINE, STAGE_NAMES, formatYuan } from '../../lib/money';

const CHECKLIST: [string, string][] = [
  ['hasSign', '有标识'],
  ['hasWindow', '有窗口'],
  ['hasEquipment', '有设备'],
  ['hasStaff', '有人员'],
  ['hasNetwork', '有网络'],
  ['hasSystem', '有系统'],
  ['canHandle', '能办事'],
];
const today = () => dayjs().format('YYYY-MM-DD');
const MISSING: Record<string, string> = { agreement: '合作协议', operator_account: '状态正常的业务操作员账号', inspection: '验收检查（通过）' };

/** 服务点详情: details and coordinates, the next lifecycle step, agreement, inspections, kiosks and the subsidy ledger. */
export default function PointScreen() {
  const { id } = useParams();
  const { hasRole } = useSession();
  const writer = hasRole('sys_admin', 'biz_admin');
  const qc = useQueryClient();
  const point = useQuery({ queryKey: ['point', id], queryFn: () => unwrap(api.GET('/points/{id}', { params: { path: { id: id! } } })) });
  const agreement = useQuery({
    queryKey: ['agreement', id],
    queryFn: () => unwrap(api.GET('/points/{id}/agreement', { params: { path: { id: id! } } })).catch((e) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
  });
  const inspections = useQuery({ queryKey: ['inspections', id], queryFn: () => unwrap(api.GET('/points/{id}/inspections', { params: { path: { id: id! }, query: { limit: 50 } } })) });
  const devices = useQuery({ queryKey: ['devices', id], queryFn: () => unwrap(api.GET('/points/{id}/devices', { params: { path: { id: id! }, query: { limit: 50 } } })) });
  const p = point.data;
  const funds = useQuery({
    queryKey: ['funds', p?.regionCode],
    enabled: Boolean(p),
    queryFn: () => unwrap(api.GET('/funds/summary', { params: { query: { region: p!.regionCode } } })),
  });
  const refresh = () => qc.invalidateQueries();
  const onError = (e: unknown) => {
    const details = e instanceof ApiError ? (e.details as { missing?: string[] } | undefined) : undefined;
    message.error(`${errorText(e)}${details?.missing ? `（缺少：${details.missing.map((m) => MISSING[m] ?? STAGE_NAMES[m] ?? m).join('、')}）` : ''}`);
  };
  const [stageDate, setStageDate] = useState(today());

  const nextStage = p ? (p.stage === 'suspended' ? p.resumeStage : STAGE_LINE[STAGE_LINE.indexOf(p.stage as never) + 1]) : undefined;
  const advance = useMutation({
    mutationFn: () => unwrap(api.POST('/points/{id}/stage', { params: { path: { id: id! } }, body: { to: nextStage as never, date: stageDate, version: p!.version } })),
    onSuccess: () => (message.success(`已进入「${STAGE_NAMES[nextStage!]}」`), void refresh()),
    onError,
  });
  const saveDetails = useMutation({
    mutationFn: (v: { lat?: number | null; lng?: number | null; phone?: string }) =>
      unwrap(
        api.PUT('/points/{id}', {
          params: { path: { id: id! } },
          body: {
            ...(typeof v.lat === 'number' && typeof v.lng === 'number' ? { location: { lat: v.lat, lng: v.lng } } : {}),
            ...(v.phone ? { phone: v.phone } : {}),
            version: p!.version,
          },
        }),
      ),
    onSuccess: () => (message.success('已保存'), void refresh()),
    onError,
  });
  const saveAgreement = useMutation({
    mutationFn: (v: { countyParty: string; localParty: string; content: string; rightsAndDuties: string; responsibilities: string; majorProblemHandling: string; term: string }) =>
      unwrap(api.PUT('/points/{id}/agreement', { params: { path: { id: id! } }, body: { ...v, signedOn: today(), ...(agreement.data ? { version: agreement.data.version } : {}) } })),
    onSuccess: () => (message.success('协议已保存'), void refresh()),
    onError,
  });
  const inspect = useMutation({
    mutationFn: (v: { inspector: string; items: string[]; remarks?: string }) =>
      unwrap(
        api.POST('/points/{id}/inspections', {
          params: { path: { id: id! } },
          body: { date: today(), inspector: v.inspector, checklist: Object.fromEntries(CHECKLIST.map(([k]) => [k, (v.items ?? []).includes(k)])) as never, ...(v.remarks ? { remarks: v.remarks } : {}) },
        }),
      ),
    onSuccess: (r) => (r.passed ? message.success('验收检查通过') : message.warning(`未通过：${r.failedItems.join('、')}`), void refresh()),
    onError,
  });
  const addDevice = useMutation({
    mutationFn: (v: { serialNumber: string }) => unwrap(api.POST('/points/{id}/devices', { params: { path: { id: id! } }, body: { serialNumber: v.serialNumber, deliveredOn: today() } })),
    onSuccess: () => (message.success('设备已登记到货'), void refresh()),
    onError,
  });
  const deviceStep = useMutation({
    mutationFn: (d: Schemas['Device']) => {
      const to = DEVICE_LINE[DEVICE_LINE.indexOf(d.stage as never) + 1]!;
      return unwrap(api.POST('/devices/{id}/stage', { params: { path: { id: d.id } }, body: { to: to as never, date: today(), version: d.version, ...(to === 'asset_transferred' ? { assetNumber: `ZC-${d.serialNumber}` } : {}) } }));
    },
    onSuccess: () => (message.success('设备阶段已更新'), void refresh()),
    onError,
  });
  const spend = useMutation({
    mutationFn: (v: { category: 'network' | 'publicity'; yuan: number; voucherNumber: string }) =>
      unwrap(api.POST('/funds/expenditures', { body: { pointId: id!, category: v.category, amountFen: Math.round(v.yuan * 100), date: today(), voucherNumber: v.voucherNumber } })),
    onSuccess: () => (message.success('支出已登记'), void refresh()),
    onError,
  });

  if (point.isLoading) return null;
  if (point.error) return <Alert type="error" showIcon message={errorText(point.error)} data-testid="point-error" />;
  if (!p) return null;
  const fundRow = ((funds.data as { points?: { pointId: string; allocatedFen: number; spentFen: number; spentInMonthFen: number; balanceFen: number }[] } | undefined)?.points ?? []).find((x) => x.pointId === p.id);
  const needsKiosk = p.kind === 'village' || p.kind === 'community';
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title={p.name} data-testid="point-details">
        <Descriptions column={2} size="small">
          <Descriptions.Item label="类型">{KIND_NAMES[p.kind]}</Descriptions.Item>
          <Descriptions.Item label="阶段">
            <Tag color="#0b3d73" data-testid="point-stage">{STAGE_NAMES[p.stage]}</Tag>
            {p.stageDate ? formatDate(p.stageDate) : ''}
          </Descriptions.Item>
          <Descriptions.Item label="地址">{p.address}</Descriptions.Item>
          <Descriptions.Item label="坐标">{p.location ? `${p.location.lat}, ${p.location.lng}` : '未录入'}</Descriptions.Item>
          <Descriptions.Item label="电话">{p.phone ?? '未录入'}</Descriptions.Item>
        </Descriptions>
        {writer ? (
          <Form layout="inline" style={{ marginTop: 12 }} onFinish={(v) => saveDetails.mutate(v)} initialValues={{ lat: p.location?.lat, lng: p.location?.lng, phone: p.phone }}>
            <Form.Item name="lat" label="纬度" rules={[{ type: 'number', min: -90, max: 90 }]}>
              <InputNumber step={0.000001} style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="lng" label="经度" rules={[{ type: 'number', min: -180, max: 180 }]}>
              <InputNumber step={0.000001} style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="phone" label="联系电话">
              <Input style={{ width: 160 }} />
            </Form.Item>
            <Button htmlType="submit" loading={saveDetails.isPending}>
              保存坐标和电话
            </Button>
          </Form>
        ) : null}
      </Card>

      {writer && nextStage ? (
        <Card title="阶段" size="small">
          <Space wrap>
            <span>下一步：</span>
            <Tag>{STAGE_NAMES[nextStage]}</Tag>
            <DatePicker aria-label="阶段日期" allowClear={false} value={dayjs(stageDate)} onChange={(d) => d && setStageDate(d.format('YYYY-MM-DD'))} />
            <Button type="primary" onClick={() => advance.mutate()} loading={advance.isPending} data-testid="advance-stage">
              推进到「{STAGE_NAMES[nextStage]}」
            </Button>
          </Space>
        </Card>
      ) : null}

      <Card title="合作协议" size="small" data-testid="agreement">
        {agreement.data ? (
          <Descriptions column={2} size="small">
            <Descriptions.Item label="协议双方">{agreement.data.parties.join('、')}</Descriptions.Item>
            <Descriptions.Item label="签订日期">{formatDate(agreement.data.signedOn)}</Descriptions.Item>
            <Descriptions.Item label="期限">{agreement.data.term ?? `${formatDate(agreement.data.termStart)}至${formatDate(agreement.data.termEnd)}`}</Descriptions.Item>
            <Descriptions.Item label="合作内容">{agreement.data.content}</Descriptions.Item>
          </Descriptions>
        ) : (
          <Typography.Text>尚未录入合作协议。</Typography.Text>
        )}
        {writer && !agreement.data ? (
          <Form
            layout="vertical"
            style={{ marginTop: 12, maxWidth: 640 }}
            onFinish={(v) => saveAgreement.mutate(v)}
            initialValues={{ countyParty: '县人力资源和社会保障局', localParty: p.name.replace('就业社保服务点', ''), term: '三年', content: '共建就业社保服务点，提供就近办理服务', rightsAndDuties: '按协议履行', responsibilities: '按协议落实', majorProblemHandling: '重大问题报县人社局协商处理' }}
          >
            {(
              [
                ['countyParty', '县级一方'],
                ['localParty', '乡村一方'],
                ['content', '合作内容'],
                ['rightsAndDuties', '权利义务'],
                ['responsibilities', '工作责任'],
                ['majorProblemHandling', '重大问题处理'],
                ['term', '协议期限'],
              ] as const
            ).map(([k, label]) => (
              <Form.Item key={k} name={k} label={label} rules={[{ required: true, message: `请填写${label}` }]}>
                <Input />
              </Form.Item>
            ))}
            <Button htmlType="submit" type="primary" loading={saveAgreement.isPending}>
              保存协议（签订日期：今天）
            </Button>
          </Form>
        ) : null}
      </Card>

      <Card title="验收检查" size="small" data-testid="inspections">
        <Table<Schemas['Inspection']>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={inspections.data?.items ?? []}
          columns={[
            { title: '日期', render: (_, i) => formatDate(i.date) },
            { title: '检查人', dataIndex: 'inspector' },
            { title: '结果', render: (_, i) => (i.passed ? <Tag color="#135200">通过</Tag> : <Tag color="#a8071a">未通过</Tag>) },
            { title: '不合格项', render: (_, i) => i.failedItems.join('、') || '—' },
          ]}
        />
        {writer ? (
          <Form layout="vertical" style={{ marginTop: 12 }} onFinish={(v) => inspect.mutate(v)} initialValues={{ items: [] }}>
            <Form.Item name="items" label="检查表">
              <Checkbox.Group options={CHECKLIST.map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="inspector" label="检查人" rules={[{ required: true, message: '请填写检查人' }]}>
              <Input style={{ width: 200 }} />
            </Form.Item>
            <Form.Item name="remarks" label="备注">
              <Input.TextArea rows={2} />
            </Form.Item>
            <Button htmlType="submit" loading={inspect.isPending}>
              提交验收检查
            </Button>
          </Form>
        ) : null}
      </Card>

      {needsKiosk ? (
        <Card title="自助设备" size="small" data-testid="devices">
          <Table<Schemas['Device']>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={devices.data?.items ?? []}
            columns={[
              { title: '序列号', dataIndex: 'serialNumber' },
              { title: '阶段', render: (_, d) => <Tag data-testid="device-stage">{DEVICE_STAGE_NAMES[d.stage]}</Tag> },
              {
                title: '下一步',
                render: (_, d) => {
                  const to = DEVICE_LINE[DEVICE_LINE.indexOf(d.stage as never) + 1];
                  return writer && to ? (
                    <Button size="small" onClick={() => deviceStep.mutate(d)} loading={deviceStep.isPending}>
                      {DEVICE_STAGE_NAMES[to]}
                    </Button>
                  ) : (
                    '—'
                  );
                },
              },
            ]}
          />
          {writer ? (
            <Form layout="inline" style={{ marginTop: 12 }} onFinish={(v) => addDevice.mutate(v)}>
              <Form.Item name="serialNumber" label="序列号" rules={[{ required: true, message: '请填写序列号' }]}>
                <Input style={{ width: 200 }} />
              </Form.Item>
              <Button htmlType="submit" loading={addDevice.isPending}>
                登记到货
              </Button>
            </Form>
          ) : null}
        </Card>
      ) : null}

      <Card title="补助资金（本年度）" size="small" data-testid="funds">
        <Descriptions column={4} size="small">
          <Descriptions.Item label="下达">{formatYuan(fundRow?.allocatedFen ?? 0)}</Descriptions.Item>
          <Descriptions.Item label="支出">{formatYuan(fundRow?.spentFen ?? 0)}</Descriptions.Item>
          <Descriptions.Item label="本月支出">{formatYuan(fundRow?.spentInMonthFen ?? 0)}</Descriptions.Item>
          <Descriptions.Item label="结余">{formatYuan(fundRow?.balanceFen ?? 0)}</Descriptions.Item>
        </Descriptions>
        {writer && fundRow ? (
          <Form layout="inline" style={{ marginTop: 12 }} onFinish={(v) => spend.mutate(v)} initialValues={{ category: 'network' }}>
            <Form.Item name="category" label="用途">
              <Select style={{ width: 120 }} options={[{ value: 'network', label: '网络' }, { value: 'publicity', label: '宣传' }]} />
            </Form.Item>
            <Form.Item name="yuan" label="金额（元）" rules={[{ required: true, message: '请填写金额' }]}>
              <InputNumber min={0.01} precision={2} style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="voucherNumber" label="凭证号" rules={[{ required: true, message: '请填写凭证号' }]}>
              <Input style={{ width: 160 }} />
            </Form.Item>
            <Button htmlType="submit" loading={spend.isPending}>
              登记支出
            </Button>
          </Form>
        ) : null}
      </Card>
    </Space>
  );
}
