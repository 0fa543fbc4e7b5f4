/**
 * Every scheduled job, in one module read by the CDK stack (EventBridge Scheduler, Asia/Shanghai)
 * and by the local runtime (fired in process on the same cron expressions).
 * `domain`/`exportName`: the Lambda (functions/<domain>/jobs.ts) and the export it runs.
 */
export interface ScheduleDef {
  name: string;
  description: string;
  /** EventBridge Scheduler cron(...) fields: minutes hours day-of-month month day-of-week year */
  cron: { minute: string; hour: string; day?: string; month?: string; weekDay?: string; year?: string };
  timezone: 'Asia/Shanghai';
  domain: string;
  exportName: string;
  /** Static input passed to the job. */
  input: Record<string, unknown>;
}

export const SCHEDULES: ScheduleDef[] = [
  {
    name: 'accounts-lock-inactive',
    description: 'A8: lock accounts with no login for more than 3 calendar months',
    cron: { minute: '0', hour: '1' },
    timezone: 'Asia/Shanghai',
    domain: 'accounts',
    exportName: 'lockInactiveAccounts',
    input: {},
  },
  {
    name: 'accounts-monthly-audit',
    description: "A7: keep last month's account audit for the province and every county",
    cron: { minute: '30', hour: '7', day: '1' },
    timezone: 'Asia/Shanghai',
    domain: 'accounts',
    exportName: 'buildMonthlyAccountAudits',
    input: {},
  },
  // R1 周小结 / 月盘点 / 季考评: the period before, for every county (functions/reports/jobs.ts)
  {
    name: 'reports-weekly',
    description: 'R1 周小结: last ISO week, every county (township sections inside)',
    cron: { minute: '0', hour: '8', weekDay: 'MON' },
    timezone: 'Asia/Shanghai',
    domain: 'reports',
    exportName: 'scheduledReports',
    input: { type: 'weekly', scheduledTime: '<aws.scheduler.scheduled-time>' },
  },
  {
    name: 'reports-monthly',
    description: 'R1 月盘点: last month, every county',
    cron: { minute: '0', hour: '8', day: '1' },
    timezone: 'Asia/Shanghai',
    domain: 'reports',
    exportName: 'scheduledReports',
    input: { type: 'monthly', scheduledTime: '<aws.scheduler.scheduled-time>' },
  },
  {
    name: 'reports-quarterly',
    description: 'R1 季考评: last quarter, every county, with the assessment score per township',
    cron: { minute: '0', hour: '8', day: '1', month: '1,4,7,10' },
    timezone: 'Asia/Shanghai',
    domain: 'reports',
    exportName: 'scheduledReports',
    input: { type: 'quarterly', scheduledTime: '<aws.scheduler.scheduled-time>' },
  },
];

/** cron(m h dom mon dow y) as EventBridge Scheduler writes it. */
export function cronExpression(s: ScheduleDef): string {
  const c = s.cron;
  return `cron(${c.minute} ${c.hour} ${c.day ?? (c.weekDay ? '?' : '*')} ${c.month ?? '*'} ${c.weekDay ?? '?'} ${c.year ?? '*'})`;
}
