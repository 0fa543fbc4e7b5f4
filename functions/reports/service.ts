import { encodeTime } from 'ulid';
import { strip } from '../../shared/db/store';
import type { ReportAttrs, ReportTrigger, RegionAttrs } from '../../shared/db/entities';
import type { RequestCtx, StaffPrincipal } from '../../shared/http/context';
import { BadRequest, Conflict, NotFound, badField } from '../../shared/http/errors';
import { RawReply } from '../../shared/http/pipeline';
import { dateShanghai, isoShanghai } from '../../shared/clock';
import { config } from '../../shared/config';
import { newId } from '../../shared/ids';
import { findRegion } from '../../shared/regions';
import { requireInScope, requireLevel, requireRole, requireStaff } from '../../shared/security/authorize';
import { countyOf, depthOf } from '../../shared/security/scope';
import { computeReport, readInputs, type ReportContent } from './build';
import { parsePeriod, type ReportType } from './period';
import { renderCsv, renderXlsx } from './render';
import { XLSX_TYPE } from './api';
import { fileLink, readLocalFile } from './files';
import * as store from './store';

/** Supervisors read and make reports for their region; admins of the region read and make them too. */
export function requireReportReader(ctx: RequestCtx): StaffPrincipal {
  const p = requireStaff(ctx);
  requireRole(p, 'supervisor', 'sys_admin', 'biz_admin');
  return p;
}

const REPORT_LEVELS = ['province', 'city', 'county', 'township', 'community_committee'];

export async function reportRegion(code: string, p?: StaffPrincipal): Promise<RegionAttrs> {
  const region = await findRegion(code);
  if (!region) throw new NotFound(`区划 ${code} 不存在`, 'REGION_NOT_FOUND');
  if (p) requireInScope(p, region.path, '区划');
  if (!REPORT_LEVELS.includes(region.level)) throw badField('region', '报告区域应为省、市、县或乡镇');
  return region;
}

export function viewReport(r: ReportAttrs, currentId?: string) {
  const { id, type, period, periodStart, periodEnd, regionCode, regionName, regionLevel, revision, generatedAt, trigger, generatedBy, reason, replaces, summary } = r;
  return {
    id,
    type,
    period,
    periodStart,
    periodEnd,
    regionCode,
    regionName,
    regionLevel,
    revision,
    generatedAt,
    trigger,
    ...(generatedBy ? { generatedBy } : {}),
    ...(reason ? { reason } : {}),
    ...(replaces ? { replaces } : {}),
    ...(currentId !== undefined ? { current: currentId === id } : {}),
    summary,
  };
}

export interface MakeReport {
  type: ReportType;
  regionCode: string;
  period: string;
  regenerate?: boolean;
  reason?: string;
  trigger: ReportTrigger;
}

/**
 * Makes and stores one report. An existing (type, region, period) is never recomputed silently:
 * 409 unless `regenerate` with a reason, which stores a new revision and keeps the old one.
 */
export async function makeReport(ctx: RequestCtx, m: MakeReport): Promise<ReportAttrs> {
  const p = ctx.principal.kind === 'staff' ? ctx.principal : undefined;
  const region = await reportRegion(m.regionCode, p);
  const period = parsePeriod(m.type, m.period);
  if (!period) throw badField('period', `与报告类型 ${m.type} 不符或不存在`);
  if (period.start > dateShanghai(ctx.now)) throw badField('period', '期间尚未开始');
  const slot = await store.getSlot(m.type, region.code, period.key);
  if (slot && !m.regenerate) {
    throw new Conflict('该类型、区域和期间的报告已存在；如需重新生成请设置 regenerate 并说明原因', 'REPORT_EXISTS', { reportId: slot.reportId, revision: slot.revision });
  }
  const content = computeReport(await readInputs(region, period, ctx.now));
  const header: Omit<ReportAttrs, 'bodyParts' | 'bodyBytes'> = {
    id: newId(),
    type: m.type,
    period: period.key,
    periodStart: period.start,
    periodEnd: period.end,
    regionCode: region.code,
    regionName: region.name,
    regionLevel: region.level,
    regionPath: region.path,
    revision: slot ? slot.revision + 1 : 1,
    generatedAt: isoShanghai(ctx.now),
    trigger: m.trigger,
    ...(p ? { generatedBy: { accountId: p.accountId, name: p.name } } : {}),
    ...(slot && m.reason ? { reason: m.reason, replaces: slot.reportId } : {}),
    summary: content.summary,
  };
  return store.saveReport(ctx, header, content, slot);
}

export async function createReport(ctx: RequestCtx, body: { type: ReportType; region: string; period: string; regenerate?: boolean; reason?: string }) {
  // api.md: supervisors make reports on demand; admins read the stored ones.
  requireRole(requireStaff(ctx), 'supervisor');
  const r = await makeReport(ctx, { type: body.type, regionCode: body.region, period: body.period, regenerate: body.regenerate, reason: body.reason, trigger: 'manual' });
  return viewReport(r, r.id);
}

export async function listReports(ctx: RequestCtx, q: { type?: ReportType; region?: string; period?: string; limit: number; cursor?: string }) {
  const p = requireReportReader(ctx);
  const region = await reportRegion(q.region ?? p.regionCode, p);
  if (q.type && q.period && !parsePeriod(q.type, q.period)) throw badField('query.period', `与报告类型 ${q.type} 不符`);
  const page = await store.listReports(region.code, q.type, q.period, q.limit, q.cursor);
  return { items: page.items.map((r) => viewReport(r)), nextCursor: page.nextCursor };
}

function wantedFormat(format: string | undefined, accept: string | undefined): 'json' | 'csv' | 'xlsx' {
  if (format) return format as 'json' | 'csv' | 'xlsx';
  const a = (accept ?? '').toLowerCase();
  if (a.includes('spreadsheetml') || a.includes('xlsx')) return 'xlsx';
  if (a.includes('text/csv')) return 'csv';
  return 'json';
}

export function fileName(r: Pick<ReportAttrs, 'id' | 'revision'>, ext: 'csv' | 'xlsx'): string {
  return `${r.id}-r${r.revision}.${ext}`;
}

/** A report's human file name (Chinese, for Content-Disposition filename*). */
function downloadName(r: ReportAttrs, ext: string): string {
  const names: Record<string, string> = { weekly: '周小结', monthly: '月盘点', quarterly: '季考评' };
  return `${r.regionName}${names[r.type]}${r.period}${r.revision > 1 ? `（第${r.revision}版）` : ''}.${ext}`;
}

export async function getReport(ctx: RequestCtx, id: string, format: string | undefined, accept: string | undefined) {
  const p = requireReportReader(ctx);
  const { header, content } = await store.getReport(id);
  if (!header) throw new NotFound('报告不存在', 'REPORT_NOT_FOUND');
  requireInScope(p, header.regionPath, '报告');
  const want = wantedFormat(format, accept);
  if (want === 'json') {
    const slot = await store.getSlot(header.type, header.regionCode, header.period);
    return { ...viewReport(header, slot?.reportId), content };
  }
  const bytes = want === 'csv' ? renderCsv(content as ReportContent) : await renderXlsx(content as ReportContent);
  const type = want === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE;
  const disposition = `attachment; filename="${id}.${want}"; filename*=UTF-8''${encodeURIComponent(downloadName(header, want))}`;
  if (bytes.length > config().reportInlineMaxBytes) {
    // Too large for a Lambda reply: hand out a link (S3 pre-signed when deployed, local folder otherwise).
    const link = await fileLink(header, fileName(header, want), bytes, type, disposition, ctx.now);
    return new RawReply(303, JSON.stringify({ url: link.url, expiresAt: link.expiresAt, bytes: bytes.length }), {
      location: link.url,
      'content-type': 'application/json; charset=utf-8',
    });
  }
  return new RawReply(200, bytes, { 'content-type': type, 'content-disposition': disposition });
}

/** Local mode: the large-file link of getReport, with the same authorization. */
export async function getReportFile(ctx: RequestCtx, id: string, file: string) {
  const p = requireReportReader(ctx);
  const header = await store.getReportHeader(id);
  if (!header) throw new NotFound('报告不存在', 'REPORT_NOT_FOUND');
  requireInScope(p, header.regionPath, '报告');
  if (!file.startsWith(`${id}-r${header.revision}.`)) throw new NotFound('文件不存在');
  const bytes = await readLocalFile(file);
  if (!bytes) throw new NotFound('文件不存在（请重新请求报告以生成链接）');
  const ext = file.endsWith('.csv') ? 'csv' : 'xlsx';
  return new RawReply(200, bytes, {
    'content-type': ext === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE,
    'content-disposition': `attachment; filename="${file}"; filename*=UTF-8''${encodeURIComponent(downloadName(header, ext))}`,
  });
}

// ── audit ────────────────────────────────────────────────────────────────────────────────

function ulidBound(iso: string, end: boolean): string {
  const isDate = iso.length === 10;
  let ms = Date.parse(isDate ? `${iso}T00:00:00+08:00` : iso);
  if (isDate && end) ms += 86_400_000 - 1; // a date as "to" includes the whole day
  ms = Math.max(0, ms); // nothing was logged before the epoch ULIDs start at
  return encodeTime(ms, 10) + (end ? 'Z'.repeat(16) : '0'.repeat(16));
}

/** The operation log for county and province admins: their county's entries (province: any). */
export async function listAudit(
  ctx: RequestCtx,
  q: { target?: string; actor?: string; from?: string; to?: string; region?: string; limit: number; cursor?: string },
) {
  const p = requireStaff(ctx);
  requireRole(p, 'sys_admin', 'biz_admin');
  requireLevel(p, 'county', 'province');
  const province = depthOf(p.regionPath) === 0;
  let county: string | 'province';
  if (q.region) {
    const region = await findRegion(q.region);
    if (!region) throw new NotFound(`区划 ${q.region} 不存在`, 'REGION_NOT_FOUND');
    requireInScope(p, region.path, '区划');
    const d = depthOf(region.path);
    if (d === 0) county = 'province';
    else if (d === 2) county = region.code;
    else throw badField('query.region', '应为县级区划或省');
  } else county = province ? 'province' : countyOf(p.regionPath)!;
  const issues: { field: string; message: string }[] = [];
  const fromId = q.from ? ulidBound(q.from, false) : undefined;
  const toId = q.to ? ulidBound(q.to, true) : undefined;
  if (fromId && toId && fromId > toId) issues.push({ field: 'query.from', message: '开始时间晚于结束时间' });
  if (issues.length) throw new BadRequest(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  const [targetType, ...rest] = (q.target ?? '').split(':');
  const page = await store.queryAudit({
    target: q.target ? { type: targetType!, id: rest.join(':') } : undefined,
    actor: q.actor,
    county,
    fromId,
    toId,
    // A county admin sees only entries of their county, whichever index served the query.
    onlyCounty: province ? (q.region && (q.target || q.actor) ? (county === 'province' ? undefined : county) : undefined) : countyOf(p.regionPath),
    limit: q.limit,
    cursor: q.cursor,
  });
  return { items: page.items.map((l) => strip(l as unknown as Record<string, unknown>)), nextCursor: page.nextCursor };
}
