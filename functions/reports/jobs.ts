/**
 * Scheduled report makers (shared/schedules.ts → EventBridge Scheduler deployed, the local
 * scheduler on a laptop). Each run reports on the period before the scheduled time, for every
 * county (townships are sections inside). A report that already exists is left as it is, so a
 * retried run only makes what is missing; any county that failed fails the run (retry, then DLQ).
 */
import type { Context } from 'aws-lambda';
import { clock } from '../../shared/clock';
import { systemCtx } from '../../shared/http/context';
import { AppError } from '../../shared/http/errors';
import { logger } from '../../shared/log';
import { PROVINCE_CODE, countiesUnder, requireRegion } from '../../shared/regions';
import { makeReport } from './service';
import { REPORT_TYPES, previousPeriod, type ReportType } from './period';

/** The platform's province (山西省): the root of the region tree the schedules walk. */

export interface ScheduledReportEvent {
  type: ReportType;
  /** EventBridge Scheduler's <aws.scheduler.scheduled-time> (the local scheduler fills it in too). */
  scheduledTime?: string;
  /** Optional overrides for a manual re-run: one period, some regions. */
  period?: string;
  regions?: string[];
}

export interface ScheduledReportResult {
  type: ReportType;
  period: string;
  made: { regionCode: string; reportId: string }[];
  existing: string[];
  failed: { regionCode: string; error: string }[];
}


export async function runScheduledReports(event: ScheduledReportEvent, requestId = 'schedule'): Promise<ScheduledReportResult> {
  if (!REPORT_TYPES.includes(event.type)) throw new Error(`unknown report type ${String(event.type)}`);
  const scheduled = event.scheduledTime && !event.scheduledTime.startsWith('<') ? new Date(event.scheduledTime) : clock.now();
  if (Number.isNaN(scheduled.getTime())) throw new Error(`bad scheduledTime ${event.scheduledTime}`);
  const period = event.period ?? previousPeriod(event.type, scheduled).key;
  const regions = event.regions ?? (await countiesUnder(await requireRegion(PROVINCE_CODE)));
  const result: ScheduledReportResult = { type: event.type, period, made: [], existing: [], failed: [] };
  for (const regionCode of regions) {
    try {
      const r = await makeReport(systemCtx(`${requestId}:${regionCode}`, clock.now()), { type: event.type, regionCode, period, trigger: 'schedule' });
      result.made.push({ regionCode, reportId: r.id });
    } catch (err) {
      if (err instanceof AppError && err.code === 'REPORT_EXISTS') result.existing.push(regionCode);
      else {
        logger.error('scheduled report failed', { regionCode, type: event.type, period, error: err as Error });
        result.failed.push({ regionCode, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  logger.info('scheduled reports', { ...result });
  if (result.failed.length > 0) throw new Error(`${result.failed.length} of ${regions.length} ${event.type} reports failed for ${period}`);
  return result;
}

/** The Lambda export named by the schedules. */
export async function scheduledReports(event: ScheduledReportEvent, context?: Context): Promise<ScheduledReportResult> {
  return runScheduledReports(event, context?.awsRequestId ?? 'schedule');
}
