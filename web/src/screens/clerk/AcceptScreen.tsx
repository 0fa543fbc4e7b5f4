import { useMemo, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Form, Input, Radio, Row, Select, Space, Table, Typography, App } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ApiError, api, errorText, unwrap, type Schemas } from '../../api/client';
import { CATEGORY_NAMES, CHANNEL_NAMES } from '../../lib/format';
import { idNumberProblem, isMobile } from '../../lib/idNumber';
import { showFieldErrors } from '../../lib/forms';
import { useIdempotentSubmit } from '../../lib/useIdempotentSubmit';

type Item = Schemas['CatalogItem'];
type Channel = 'window' | 'assisted' | 'home_visit';
const STAFF_CHANNELS: Channel[] = ['window', 'assisted', 'home_visit'];

interface AcceptForm {
  itemCode?: string;
  channel?: Channel;
  applicant: { name: string; idNumber: string; phone: string };
  proxy?: { name: string; idNumber: string; phone: string; relation: string };
}

const idRule = { validator: (_: unknown, v: string) => (idNumberProblem(v ?? '') ? Promise.reject(new Error(idNumberProblem(v ?? ''))) : Promise.resolve()) };
const phoneRule = { validator: (_: unknown, v: string) => (isMobile(v ?? '') ? Promise.resolve() : Promise.reject(new Error('请输入 11 位手机号'))) };

/**
 * 受理: the item (search by name or code, grouped by the four categories), the channel, the
 * applicant with a live ID check digit, the item's whole material list ticked as notified
 * (一次性告知) and as received, then one POST /cases under one Idempotency-Key.
 */
export default function AcceptScreen() {
  const [form] = Form.useForm<AcceptForm>();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [notified, setNotified] = useState<string[]>([]);
  const [received, setReceived] = useState<string[]>([]);
  const [formError, setFormError] = useState<string>();
  const itemCode = Form.useWatch('itemCode', form);
  const channel = Form.useWatch('channel', form);

  const items = useQuery({ queryKey: ['catalog'], queryFn: () => unwrap(api.GET('/public/catalog/items')), staleTime: 10 * 60_000 });
  const staffItems = useMemo(() => (items.data?.items ?? []).filter((i) => i.channels.some((c) => STAFF_CHANNELS.includes(c as Channel))), [items.data]);
  const item: Item | undefined = staffItems.find((i) => i.code === itemCode);
  const options = useMemo(
    () =>
      Object.entries(CATEGORY_NAMES).map(([cat, label]) => ({
        label,
        title: label,
        options: staffItems.filter((i) => i.category === cat).map((i) => ({ value: i.code, label: `${i.code} ${i.nameZh}`, search: `${i.code} ${i.nameZh}` })),
      })),
    [staffItems],
  );

  const accept = useIdempotentSubmit((key: string, body: AcceptBody) =>
    unwrap(api.POST('/cases', { body, params: { header: { 'idempotency-key': key } } })),
  );

  const pickItem = (code: string) => {
    const next = staffItems.find((i) => i.code === code);
    setNotified([]);
    setReceived([]);
    const ch = form.getFieldValue('channel') as Channel | undefined;
    if (next && (!ch || !next.channels.includes(ch))) form.setFieldValue('channel', next.channels.find((c) => STAFF_CHANNELS.includes(c as Channel)));
  };

  const onFinish = async (v: AcceptForm) => {
    setFormError(undefined);
    if (!item) return;
    const materials = item.materials;
    if (notified.length !== materials.length) {
      setFormError('请逐项告知申请人全部所需材料（一次性告知），并勾选“已告知”');
      return;
    }
    const body: AcceptBody = {
      itemCode: item.code,
      channel: v.channel!,
      applicant: { name: v.applicant.name.trim(), idNumber: v.applicant.idNumber.trim().toUpperCase(), phone: v.applicant.phone.trim() },
      ...(v.channel === 'home_visit' || v.channel === 'assisted' ? (v.proxy?.name ? { proxy: { ...v.proxy, idNumber: v.proxy.idNumber.trim().toUpperCase() } } : {}) : {}),
      materialsNotified: materials.filter((m) => notified.includes(m)),
      materialsReceived: materials.filter((m) => received.includes(m)),
    };
    try {
      const created = await accept.submit(body);
      message.success(`已受理，办件编号 ${created.number ?? created.id}`);
      navigate(`/clerk/cases/${created.id}?accepted=1`);
    } catch (err) {
      const rest = showFieldErrors(form, err);
      const named = err instanceof ApiError && err.fieldIssues.length > rest.length;
      setFormError(rest.length ? rest.join('；') : named ? '请按提示修改标红的内容' : errorText(err));
    }
  };

  const materials = item?.materials ?? [];
  const needsProxy = channel === 'home_visit';
  return (
    <Form form={form} layout="vertical" onFinish={onFinish} initialValues={{ channel: 'window' }} scrollToFirstError requiredMark>
      {accept.networkLost ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title="网络中断，办件尚未确认提交。已填写的内容都在，恢复网络后点“重试提交”，不会重复受理。"
          action={<Button onClick={() => form.submit()}>重试提交</Button>}
          data-testid="retry-banner"
        />
      ) : null}
      <Row gutter={16}>
        <Col xs={24} xl={12}>
          <Card title="1. 办理事项" style={{ marginBottom: 16 }}>
            <Form.Item name="itemCode" label="事项（可输入名称或代码搜索）" rules={[{ required: true, message: '请选择办理事项' }]}>
              <Select
                showSearch={{ optionFilterProp: 'search' }}
                placeholder="如：失业登记、S01"
                options={options}
                loading={items.isPending}
                onChange={pickItem}
                aria-label="办理事项"
              />
            </Form.Item>
            {item ? (
              <Typography.Paragraph data-testid="item-summary">
                {item.needsReview ? `需县级审核，法定时限 ${item.timeLimitWorkingDays} 个工作日` : '无需审核，可当场办结'}
              </Typography.Paragraph>
            ) : null}
            <Form.Item name="channel" label="办理渠道" rules={[{ required: true, message: '请选择渠道' }]}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={STAFF_CHANNELS.map((c) => ({ value: c, label: CHANNEL_NAMES[c], disabled: item ? !item.channels.includes(c) : false }))}
              />
            </Form.Item>
          </Card>
          <Card title="2. 申请人" style={{ marginBottom: 16 }}>
            <Form.Item name={['applicant', 'name']} label="姓名" rules={[{ required: true, whitespace: true, message: '请输入姓名' }]}>
              <Input autoComplete="off" maxLength={50} />
            </Form.Item>
            <Form.Item name={['applicant', 'idNumber']} label="身份证号" validateTrigger={['onChange', 'onBlur']} rules={[idRule]} hasFeedback>
              <Input autoComplete="off" maxLength={18} inputMode="text" />
            </Form.Item>
            <Form.Item name={['applicant', 'phone']} label="手机号" rules={[phoneRule]}>
              <Input autoComplete="off" maxLength={11} inputMode="numeric" />
            </Form.Item>
          </Card>
          {needsProxy || channel === 'assisted' ? (
            <Card title={needsProxy ? '3. 代办人（上门办须填写）' : '3. 代办人（如有）'} style={{ marginBottom: 16 }}>
              <Form.Item name={['proxy', 'name']} label="代办人姓名" rules={needsProxy ? [{ required: true, message: '请输入代办人姓名' }] : []}>
                <Input autoComplete="off" maxLength={50} />
              </Form.Item>
              <Form.Item name={['proxy', 'idNumber']} label="代办人身份证号" rules={needsProxy ? [idRule] : []} validateTrigger={['onChange', 'onBlur']}>
                <Input autoComplete="off" maxLength={18} />
              </Form.Item>
              <Form.Item name={['proxy', 'phone']} label="代办人手机号" rules={needsProxy ? [phoneRule] : []}>
                <Input autoComplete="off" maxLength={11} />
              </Form.Item>
              <Form.Item name={['proxy', 'relation']} label="与申请人关系" rules={needsProxy ? [{ required: true, message: '如：子女、配偶、村干部' }] : []}>
                <Input autoComplete="off" maxLength={20} placeholder="如：子女、配偶、村干部" />
              </Form.Item>
            </Card>
          ) : null}
        </Col>
        <Col xs={24} xl={12}>
          <Card title="4. 材料清单（一次性告知）" style={{ marginBottom: 16 }}>
            {item ? (
              <>
                <Space style={{ marginBottom: 12 }} wrap>
                  <Button onClick={() => setNotified(materials)}>全部已告知</Button>
                  <Button onClick={() => setReceived(materials)}>全部已收取</Button>
                </Space>
                <Table<{ m: string }>
                  rowKey="m"
                  size="middle"
                  pagination={false}
                  dataSource={materials.map((m) => ({ m }))}
                  data-testid="materials"
                  columns={[
                    { title: '材料', dataIndex: 'm' },
                    {
                      title: '已告知',
                      width: 90,
                      render: (_, r) => (
                        <Checkbox
                          aria-label={`已告知：${r.m}`}
                          checked={notified.includes(r.m)}
                          onChange={(e) => setNotified((s) => (e.target.checked ? [...s, r.m] : s.filter((x) => x !== r.m)))}
                        />
                      ),
                    },
                    {
                      title: '已收取',
                      width: 90,
                      render: (_, r) => (
                        <Checkbox
                          aria-label={`已收取：${r.m}`}
                          checked={received.includes(r.m)}
                          onChange={(e) => setReceived((s) => (e.target.checked ? [...s, r.m] : s.filter((x) => x !== r.m)))}
                        />
                      ),
                    },
                  ]}
                />
                {received.length < materials.length && notified.length === materials.length ? (
                  <Typography.Paragraph style={{ marginTop: 12 }}>未收取的材料将在一次性告知书上列明，请申请人补齐。</Typography.Paragraph>
                ) : null}
              </>
            ) : (
              <Typography.Text>请先选择办理事项。</Typography.Text>
            )}
          </Card>
          {formError ? <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} role="alert" data-testid="form-error" /> : null}
          <Button type="primary" htmlType="submit" size="large" block loading={accept.pending} disabled={!item}>
            确认受理
          </Button>
        </Col>
      </Row>
    </Form>
  );
}

type AcceptBody = {
  itemCode: string;
  channel: Channel;
  applicant: { name: string; idNumber: string; phone: string };
  proxy?: { name: string; idNumber: string; phone: string; relation: string };
  materialsNotified: string[];
  materialsReceived: string[];
};
