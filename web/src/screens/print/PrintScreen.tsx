import { useEffect, useState } from 'react';
import { Alert, Button, Radio, Spin } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import QRCode from 'qrcode';
import { ApiError, api, errorText, unwrap, type Schemas } from '../../api/client';
import { CHANNEL_NAMES, formatDate, formatDateTime } from '../../lib/format';
import { NotFoundScreen } from '../common/NotFoundScreen';
import './print.css';

type Doc = Schemas['CaseDocument'];
type Kind = 'receipt' | 'notification' | 'supplement-notice';
const KINDS: Kind[] = ['receipt', 'notification', 'supplement-notice'];

/**
 * 受理回执, 一次性告知书, 补正材料通知书 — from GET /cases/{id}/documents/{kind}, exactly what the
 * server says the page shows (the applicant already masked). A4 or A5, printed with window.print().
 */
export default function PrintScreen() {
  const { kind, id } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const size = params.get('size') === 'A5' ? 'A5' : params.get('size') === 'A4' ? 'A4' : kind === 'receipt' ? 'A5' : 'A4';
  const valid = KINDS.includes(kind as Kind);
  const q = useQuery({
    queryKey: ['document', kind, id],
    queryFn: () => unwrap(api.GET('/cases/{id}/documents/{kind}', { params: { path: { id: id!, kind: kind as Kind } } })),
    enabled: valid && Boolean(id),
    retry: false,
  });
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    if (q.data?.statusQrContent) void QRCode.toDataURL(q.data.statusQrContent, { margin: 0, width: 240 }).then(setQr);
  }, [q.data?.statusQrContent]);
  useEffect(() => {
    if (q.data) document.title = `${q.data.title} ${q.data.number}`;
  }, [q.data]);

  if (!valid || (q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 400))) return <NotFoundScreen what="文书" />;
  if (q.error) return <Alert type="error" showIcon title={errorText(q.error)} style={{ margin: 24 }} />;
  if (!q.data) return <Spin size="large" style={{ display: 'block', margin: 80 }} />;
  const d = q.data;
  return (
    <>
      {/* The page size follows the choice on screen; the printer dialog gets it from @page. */}
      <style>{`@page { size: ${size}; margin: ${size === 'A5' ? '8mm' : '15mm'}; }`}</style>
      <div className="print-toolbar no-print">
        <Radio.Group value={size} optionType="button" onChange={(e) => setParams({ size: e.target.value as string }, { replace: true })} options={[{ value: 'A4', label: 'A4' }, { value: 'A5', label: 'A5' }]} aria-label="纸张大小" />
        <Button type="primary" onClick={() => window.print()}>打印</Button>
        <Button onClick={() => navigate(`/clerk/cases/${d.caseId}`)}>返回办件</Button>
      </div>
      <main className="print-page" data-size={size} data-testid="print-page">
        <h1>{d.title}</h1>
        <div className="meta">
          <span>办件编号：{d.number}</span>
          <span>{d.point.name}</span>
        </div>
        {kind === 'receipt' ? <Receipt d={d} /> : kind === 'notification' ? <Notification d={d} /> : <SupplementNotice d={d} />}
        <div className="qr-block">
          {qr ? <img src={qr} alt="办件进度查询二维码" width={96} height={96} /> : null}
          <div>
            扫码或访问 {d.statusUrl} 查询办理进度
            <br />
            查询码：<strong data-testid="check-code">{d.checkCode}</strong>
          </div>
        </div>
        <div className="signature">
          <span>经办人：{d.clerk.name}</span>
          <span>申请人签字：__________</span>
          <span>{formatDate(d.issuedAt)}</span>
        </div>
      </main>
    </>
  );
}

function Applicant({ d }: { d: Doc }) {
  return (
    <>
      <tr>
        <th>申请人</th>
        <td>{d.applicant.name}</td>
      </tr>
      <tr>
        <th>身份证号</th>
        <td>{d.applicant.idNumber}</td>
      </tr>
      <tr>
        <th>联系电话</th>
        <td>{d.applicant.phone}</td>
      </tr>
      {d.proxy ? (
        <tr>
          <th>代办人</th>
          <td>{`${d.proxy.name}（${d.proxy.relation}） ${d.proxy.idNumber}`}</td>
        </tr>
      ) : null}
    </>
  );
}

function Receipt({ d }: { d: Doc }) {
  return (
    <table>
      <tbody>
        <tr>
          <th>办理事项</th>
          <td>{d.itemCode} {d.itemName}</td>
        </tr>
        <Applicant d={d} />
        <tr>
          <th>受理服务点</th>
          <td>{d.point.name}{d.point.phone ? `（电话 ${d.point.phone}）` : ''}</td>
        </tr>
        <tr>
          <th>受理渠道</th>
          <td>{CHANNEL_NAMES[d.channel] ?? d.channel}</td>
        </tr>
        <tr>
          <th>受理人</th>
          <td>{d.clerk.name}</td>
        </tr>
        <tr>
          <th>受理日期</th>
          <td>{formatDateTime(d.acceptedAt)}</td>
        </tr>
        <tr>
          <th>承诺办结日期</th>
          <td>{formatDate(d.dueDate)}（{d.timeLimitWorkingDays} 个工作日{d.calendarProvisional ? '，按暂定日历' : ''}）</td>
        </tr>
        <tr>
          <th>已收取材料</th>
          <td>
            <ol style={{ margin: 0, paddingLeft: '1.4em' }}>
              {d.materialsReceived.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ol>
          </td>
        </tr>
        {d.materialsOutstanding.length ? (
          <tr>
            <th>尚需补交</th>
            <td>{d.materialsOutstanding.join('、')}</td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

function Notification({ d }: { d: Doc }) {
  const n = d.notification;
  return (
    <>
      <p>
        {d.applicant.name}（身份证号 {d.applicant.idNumber}）：您申请办理的“{n?.itemName ?? d.itemName}”，依据有关规定，现将所需材料、办理程序和时限一次性告知如下。
      </p>
      <table>
        <tbody>
          <tr>
            <th>办理事项</th>
            <td>{d.itemCode} {n?.itemName ?? d.itemName}</td>
          </tr>
          <tr>
            <th>设定依据</th>
            <td>{n?.legalBasis ?? '—'}</td>
          </tr>
          <tr>
            <th>办理时限</th>
            <td>{(n?.timeLimitWorkingDays ?? d.timeLimitWorkingDays) > 0 ? `${n?.timeLimitWorkingDays ?? d.timeLimitWorkingDays} 个工作日` : '即时办结'}</td>
          </tr>
          <tr>
            <th>收费标准</th>
            <td>{n?.fees ?? '不收费'}</td>
          </tr>
          <tr>
            <th>监督投诉电话</th>
            <td>{n?.complaintPhone ?? '12333'}</td>
          </tr>
        </tbody>
      </table>
      <h2>所需材料</h2>
      <ol>
        {(n?.materials ?? d.materialsNotified).map((m) => (
          <li key={m}>
            {m}
            {d.materialsReceived.includes(m) ? '（已收取）' : '（请补交）'}
          </li>
        ))}
      </ol>
      <h2>办理程序</h2>
      <ol>
        {(n?.procedure ?? []).map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
    </>
  );
}

function SupplementNotice({ d }: { d: Doc }) {
  const s = d.supplement;
  return (
    <>
      <p>
        {d.applicant.name}（身份证号 {d.applicant.idNumber}）：您于 {formatDate(d.acceptedAt)} 申请办理的“{d.itemName}”，经县级审核，需补正以下材料。请备齐后到 {d.point.name} 办理补正，补正期间暂停计算办理时限。
      </p>
      <h2>需补正的材料</h2>
      <ol data-testid="supplement-materials">
        {(s?.missingMaterials ?? []).map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ol>
      <table>
        <tbody>
          {s?.reason ? (
            <tr>
              <th>补正理由</th>
              <td>{s.reason}</td>
            </tr>
          ) : null}
          <tr>
            <th>审核人</th>
            <td>{s?.askedBy ?? '—'}</td>
          </tr>
          <tr>
            <th>退回时间</th>
            <td>{formatDateTime(s?.askedAt)}</td>
          </tr>
        </tbody>
      </table>
    </>
  );
}
