/**
 * Pieces of the local runtime beyond the API: the escalation state machine and the schedules.
 * Each domain that needs one registers its starter here.
 */
export interface LocalExtras {
  lines: string[];
  stop(): Promise<void>;
}

export async function startLocalRuntimeExtras(): Promise<LocalExtras> {
  const stops: (() => Promise<void>)[] = [];
  const lines: string[] = [];
  {
    // Every entry of shared/schedules.ts on its cron, Asia/Shanghai (reports, account lock, …).
    const { startLocalScheduler } = await import('./scheduler');
    const { SCHEDULES } = await import('../../shared/schedules');
    const { nextRun } = await import('./scheduler');
    const { cronExpression } = await import('../../shared/schedules');
    const { isoShanghai } = await import('../../shared/clock');
    const scheduler = startLocalScheduler();
    stops.push(async () => scheduler.stop());
    // As EventBridge Scheduler: a run whose time passed while this process was not running is not made up.
    const now = new Date();
    const width = Math.max(...SCHEDULES.map((x) => x.name.length));
    lines.push(`schedules      ${SCHEDULES.length} on their cron expressions, Asia/Shanghai; next runs:`);
    for (const x of SCHEDULES) {
      const next = nextRun(x.cron, now);
      lines.push(`                 ${x.name.padEnd(width)}  ${cronExpression(x).padEnd(24)}  ${next ? isoShanghai(next).slice(0, 16).replace('T', ' ') : 'never'}`);
    }
    lines.push('               a run whose time passed while npm start was not running is NOT made up at the next start, as');
    lines.push('               EventBridge Scheduler never fires for a time already past; make a missed report by hand:');
    lines.push('               npm run report -- <weekly|monthly|quarterly> <period> <region code>');
  }
  {
    // The problem escalation flow: the synthesized ASL on aws-local-stepfunctions, tasks in process.
    const { startLocalEscalation } = await import('./escalation');
    const escalation = await startLocalEscalation();
    stops.push(escalation.stop);
    lines.push(...escalation.lines);
  }
  return {
    lines,
    stop: async () => {
      for (const s of stops) await s();
    },
  };
}
