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
];

/** cron(m h dom mon dow y) as EventBridge Scheduler writes it. */
export function cronExpression(s: ScheduleDef): string {
  const c = s.cron;
  return `cron(${c.minute} ${c.hour} ${c.day ?? (c.weekDay ? '?' : '*')} ${c.month ?? '*'} ${c.weekDay ?? '?'} ${c.year ?? '*'})`;
}
