import { gunzipSync, gzipSync } from 'node:zlib';
import { getItem, queryAll, queryPage, type Page } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import {
  Report,
  ReportBody,
  ReportSlot,
  opLogByActor,
  opLogByCounty,
  opLogByTarget,
  reportBodyParts,
  reportSortPrefix,
  reportsOfRegion,
  type OpLogAttrs,
  type ReportAttrs,
  type ReportBodyAttrs,
  type ReportSlotAttrs,
} from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import { countyOf } from '../../shared/security/scope';
import type { PatternQuery } from '../../shared/db/store';

/** Body parts stay well below DynamoDB's 400 KB item limit (binary, gzip of the JSON). */
const PART_BYTES = 300 * 1024;

export async function getSlot(type: string, regionCode: string, period: string): Promise<ReportSlotAttrs | undefined> {
  return getItem<ReportSlotAttrs>(ReportSlot.key({ type, regionCode, period }), true);
}

/**
 * Stores a report revision in one transaction: header, body parts, the slot (created, or moved
 * from the revision it replaces with its version checked) and the op-log entry. A concurrent
 * maker of the same report loses with 409, never overwrites.
 */
export async function saveReport(ctx: RequestCtx, header: Omit<ReportAttrs, 'bodyParts' | 'bodyBytes'>, content: unknown, previous?: ReportSlotAttrs): Promise<ReportAttrs> {
  const zipped = gzipSync(Buffer.from(JSON.stringify(content), 'utf8'));
  const parts: Buffer[] = [];
  for (let i = 0; i < zipped.length; i += PART_BYTES) parts.push(zipped.subarray(i, i + PART_BYTES));
  const report: ReportAttrs = { ...header, bodyParts: parts.length, bodyBytes: zipped.length };
  const tx = new Tx(ctx).put(Report.item(report));
  parts.forEach((data, part) => tx.put(ReportBody.item({ id: report.id, part, data })));
  const slotKey = { type: report.type, regionCode: report.regionCode, period: report.period };
  if (previous) {
    tx.replace(ReportSlot.item({ ...slotKey, reportId: report.id, revision: report.revision, version: previous.version }), previous.version, {
      conflict: { code: 'REPORT_REVISED_CONCURRENTLY', message: '该报告正在被他人重新生成，请刷新后重试' },
    });
  } else {
    tx.put(ReportSlot.item({ ...slotKey, reportId: report.id, revision: 1, version: 1 }), {
      conflict: { code: 'REPORT_EXISTS', message: '该类型、区域和期间的报告已存在' },
    });
  }
  tx.log({
    action: previous ? 'report.regenerated' : 'report.generated',
    targetType: 'Report',
    targetId: report.id,
    countyCode: countyOf(report.regionPath) ?? 'province',
    regionCode: report.regionCode,
    after: { type: report.type, regionCode: report.regionCode, period: report.period, revision: report.revision, reason: report.reason },
  });
  await tx.commit();
  return report;
}

export async function getReport(id: string): Promise<{ header?: ReportAttrs; content?: unknown }> {
  const items = await queryAll<Record<string, unknown>>({ pk: Report.key({ id }).pk });
  const header = items.find((i) => i.entity === 'Report') as ReportAttrs | undefined;
  if (!header) return {};
  const parts = (items.filter((i) => i.entity === 'ReportBody') as unknown as ReportBodyAttrs[]).sort((a, b) => a.part - b.part);
  if (parts.length !== header.bodyParts) throw new Error(`report ${id}: ${parts.length} of ${header.bodyParts} body parts`);
  const zipped = Buffer.concat(parts.map((p) => Buffer.from(p.data)));
  return { header, content: JSON.parse(gunzipSync(zipped).toString('utf8')) };
}

export async function getReportHeader(id: string): Promise<ReportAttrs | undefined> {
  return getItem<ReportAttrs>(Report.key({ id }));
}

export async function listReports(regionCode: string, type: string | undefined, period: string | undefined, limit: number, cursor?: string): Promise<Page<ReportAttrs>> {
  const q: PatternQuery = { ...reportsOfRegion(regionCode), descending: true };
  const prefix = reportSortPrefix(type, period);
  if (prefix) q.skPrefix = prefix;
  else if (period) q.filter = { expression: '#period = :period', names: { '#period': 'period' }, values: { ':period': period } };
  return queryPage<ReportAttrs>(q, limit, cursor);
}

export { reportBodyParts };

// ── audit (the op-log) ───────────────────────────────────────────────────────────────────

export interface AuditQuery {
  target?: { type: string; id: string };
  actor?: string;
  county?: string | 'province';
  fromId?: string;
  toId?: string;
  /** Entries must belong to one of these counties (undefined = any, for the province). */
  onlyCounty?: string;
  limit: number;
  cursor?: string;
}

/**
 * One Query on the narrowest pattern asked for: the target's partition, the actor's index or the
 * county's index, with the time range on the ULID sort key. Extra conditions are filters.
 */
export async function queryAudit(a: AuditQuery): Promise<Page<OpLogAttrs>> {
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let q: PatternQuery;
  const range = (prefix: string): Pick<PatternQuery, 'skBetween' | 'skPrefix'> =>
    a.fromId || a.toId ? { skBetween: [`${prefix}${a.fromId ?? '0'}`, `${prefix}${a.toId ?? '\uffff'}`] } : { skPrefix: prefix };
  if (a.target) {
    const byTarget = opLogByTarget(a.target.type, a.target.id);
    q = { pk: byTarget.pk, ...range(byTarget.skPrefix) };
    if (a.actor) {
      filters.push('#actor = :actor');
      names['#actor'] = 'actorId';
      values[':actor'] = a.actor;
    }
  } else if (a.actor) {
    q = { ...opLogByActor(a.actor), ...range('') };
  } else {
    q = { ...opLogByCounty(a.county ?? 'province'), ...range('') };
  }
  if (q.skPrefix === '') delete q.skPrefix;
  if (a.onlyCounty) {
    filters.push('#county = :county');
    names['#county'] = 'countyCode';
    values[':county'] = a.onlyCounty;
  }
  if (filters.length) q.filter = { expression: filters.join(' AND '), names, values };
  return queryPage<OpLogAttrs>({ ...q, descending: true }, a.limit, a.cursor);
}
