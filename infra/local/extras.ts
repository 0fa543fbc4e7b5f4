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
    const scheduler = startLocalScheduler();
    stops.push(async () => scheduler.stop());
    lines.push(`schedules      ${SCHEDULES.length} on their cron expressions, Asia/Shanghai (${SCHEDULES.map((x) => x.name).join(', ')})`);
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
