import { Descriptions, Tag, Timeline, Typography } from 'antd';
import type { Schemas } from '../../api/client';
import { TAG, CHANNEL_NAMES, ROLE_NAMES, STATUS_COLORS, STATUS_NAMES, formatDate, formatDateTime } from '../../lib/format';
import { daysLeftText, useWorkingDaysLeft } from '../../lib/workingDays';

type Case = Schemas['Case'];

const ACTION_NAMES: Record<string, string> = {
  accept: '受理',
  accepted: '受理',
  submit: '报送县级审核',
  submitted: '报送县级审核',
  review: '审核',
  approve: '审核通过',
  reject: '驳回',
  return: '退回补正',
  supplement: '补正后重新报送',
  complete: '办结',
  rate: '评价',
};

/** Due date and working days left, with the warning and overdue flags (shared by clerk and reviewer). */
export function DueDate({ c }: { c: Pick<Case, 'dueDate' | 'overdue' | 'warning' | 'paused' | 'status'> }) {
  const left = useWorkingDaysLeft(c.status === 'completed' || c.status === 'rejected' ? undefined : c.dueDate);
  return (
    <span data-testid="due-date">
      {formatDate(c.dueDate)}
      {c.status !== 'completed' && c.status !== 'rejected' ? (
        <>
          {' '}
          {c.paused ? <Tag color={TAG.warn}>补正中，暂停计时</Tag> : <span data-testid="days-left">{daysLeftText(left, c.overdue)}</span>}
          {c.overdue ? <Tag color={TAG.danger}>已超期</Tag> : c.warning ? <Tag color={TAG.warn}>即将到期</Tag> : null}
        </>
      ) : null}
    </span>
  );
}

/** The case as both staff roles read it: who, what, when, and every step (who, when, where). */
export function CaseSummary({ c, showPersonNotice }: { c: Case; showPersonNotice?: boolean }) {
  const missing = (c.decision as { missingMaterials?: string[] } | undefined)?.missingMaterials;
  return (
    <>
      <Descriptions bordered column={{ xs: 1, lg: 2 }} size="middle" data-testid="case-summary">
        <Descriptions.Item label="办件编号">{c.number}</Descriptions.Item>
        <Descriptions.Item label="状态">
          <Tag color={STATUS_COLORS[c.status]} data-testid="case-status">{STATUS_NAMES[c.status] ?? c.status}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label="事项">{c.itemCode} {c.itemName}</Descriptions.Item>
        <Descriptions.Item label="渠道">{CHANNEL_NAMES[c.channel] ?? c.channel}</Descriptions.Item>
        <Descriptions.Item label="申请人">{c.applicant.name}</Descriptions.Item>
        <Descriptions.Item label="身份证号">
          <span data-testid="applicant-id">{c.applicant.idNumber}</span>
          {showPersonNotice && !c.applicant.idNumber.includes('*') ? <Tag color={TAG.gold} style={{ marginLeft: 8 }}>明文查看已记录</Tag> : null}
        </Descriptions.Item>
        <Descriptions.Item label="手机号">{c.applicant.phone}</Descriptions.Item>
        {c.proxy ? <Descriptions.Item label="代办人">{`${c.proxy.name}（${c.proxy.relation}）${c.proxy.idNumber}`}</Descriptions.Item> : null}
        <Descriptions.Item label="受理服务点">{c.pointName}</Descriptions.Item>
        <Descriptions.Item label="受理人">{c.acceptorName}</Descriptions.Item>
        <Descriptions.Item label="受理时间">{formatDateTime(c.acceptedAt)}</Descriptions.Item>
        <Descriptions.Item label="到期日">
          <DueDate c={c} />
        </Descriptions.Item>
        <Descriptions.Item label="已告知材料" span={2}>{c.materialsNotified.join('、') || '—'}</Descriptions.Item>
        <Descriptions.Item label="已收取材料" span={2}>{c.materialsReceived.join('、') || '—'}</Descriptions.Item>
        {c.decision ? (
          <Descriptions.Item label="审核意见" span={2}>
            {`${ACTION_NAMES[c.decision.decision] ?? c.decision.decision}（${c.decision.byName}，${formatDateTime(c.decision.at)}）${c.decision.reason ? `：${c.decision.reason}` : ''}`}
            {missing?.length ? <div data-testid="missing-materials">所缺材料：{missing.join('、')}</div> : null}
          </Descriptions.Item>
        ) : null}
        {c.result ? <Descriptions.Item label="办理结果" span={2}>{c.result.text}</Descriptions.Item> : null}
        {c.rating ? <Descriptions.Item label="评价" span={2}>{`${c.rating.score} 分${c.rating.comment ? `：${c.rating.comment}` : ''}`}</Descriptions.Item> : null}
      </Descriptions>
      <Typography.Title level={4} style={{ marginTop: 24 }}>办理环节</Typography.Title>
      <Timeline
        data-testid="case-steps"
        items={(c.steps ?? []).map((s) => ({
          key: s.id,
          content: (
            <div>
              <strong>{ACTION_NAMES[s.action] ?? s.action}</strong>
              {s.toStatus ? ` → ${STATUS_NAMES[s.toStatus] ?? s.toStatus}` : ''}
              <div>
                {formatDateTime(s.at)} · {s.actorName ?? s.actorId}（{ROLE_NAMES[s.role] ?? (s.role === 'citizen' ? '申请人' : s.role)}）
                {s.pointId === c.pointId ? ` · ${c.pointName}` : ''}
                {s.terminalId ? ` · 终端 ${s.terminalId}` : ''}
              </div>
              {s.note ? <div>{s.note}</div> : null}
            </div>
          ),
        }))}
      />
    </>
  );
}

export const missingOf = (c: Case): string[] => (c.decision as { missingMaterials?: string[] } | undefined)?.missingMaterials ?? [];
