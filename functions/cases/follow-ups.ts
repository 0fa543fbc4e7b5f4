import { getItem, queryPages, strip, type PatternQuery } from '../../shared/db/store';
import { Tx, requireVersion } from '../../shared/db/tx';
import { RatingFollowUp, followUpsOfCounty, followUpsOfPoint, type RatingFollowUpAttrs } from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import { Conflict, Forbidden, NotFound, badField } from '../../shared/http/errors';
import { isoShanghai } from '../../shared/clock';
import { findRegion } from '../../shared/regions';
import { requireCaseRights, requireInScope, requirePointScope, requireStaff } from '../../shared/security/authorize';
import { countyOf } from '../../shared/security/scope';
import { getPoint } from './store';

/**
 * 好差评 follow-ups: a bad rating (1–2) opens one on the point (in the rating's transaction);
 * the point's operator records what was done about it and closes it; the county and
 * supervisors read them per point or per region.
 */
const view = (f: RatingFollowUpAttrs) => strip(f as unknown as Record<string, unknown>);

export async function listFollowUps(ctx: RequestCtx, q: { limit: number; cursor?: string; point?: string; region?: string; status?: 'open' | 'closed' }) {
  const p = requireStaff(ctx);
  requireCaseRights(p, 'operator', 'reviewer', 'supervisor');
  const onlyOperator = p.roles.every((r) => r === 'operator');
  const pointId = q.point ?? (onlyOperator ? p.pointId : undefined);
  let query: PatternQuery;
  if (pointId) {
    const point = await getPoint(pointId);
    if (!point) throw new NotFound('服务点不存在', 'POINT_NOT_FOUND');
    requirePointScope(p, point.regionPath, point.id, '服务点');
    query = { ...followUpsOfPoint(point.id), descending: true, ...(q.status ? { filter: { expression: '#s = :s', names: { '#s': 'status' }, values: { ':s': q.status } } } : {}) };
  } else {
    const region = await findRegion(q.region ?? p.regionCode);
    if (!region) throw new NotFound('区划不存在', 'REGION_NOT_FOUND');
    requireInScope(p, region.path, '区划');
    const county = countyOf(region.path);
    if (!county) throw badField('query.region', '市、省级账号请指定县或以下区划 (region) 或服务点 (point)');
    query = { ...followUpsOfCounty(county, q.status ?? 'open'), skPrefix: region.path };
  }
  const page = await queryPages<RatingFollowUpAttrs>([query], q.limit, q.cursor);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

export async function closeFollowUp(ctx: RequestCtx, id: string, body: { resolution: string; version?: number }) {
  const p = requireStaff(ctx);
  const f = await getItem<RatingFollowUpAttrs>(RatingFollowUp.key({ id }), true);
  if (!f) throw new NotFound('回访记录不存在', 'FOLLOW_UP_NOT_FOUND');
  requirePointScope(p, f.regionPath, f.pointId, '回访记录');
  requireCaseRights(p, 'operator');
  if (p.pointId !== f.pointId) throw new Forbidden('只有该服务点的操作员可以办结整改回访', 'NOT_POINT_OPERATOR');
  requireVersion(f, body.version);
  if (f.status !== 'open') throw new Conflict('回访已办结', 'FOLLOW_UP_CLOSED');
  const next: RatingFollowUpAttrs = { ...f, status: 'closed', closedAt: isoShanghai(ctx.now), closedBy: p.accountId, closedByName: p.name, resolution: body.resolution };
  await new Tx(ctx)
    .replace(RatingFollowUp.item(next), f.version, { condition: '#s = :open', names: { '#s': 'status' }, values: { ':open': 'open' }, conflict: { code: 'FOLLOW_UP_CLOSED', message: '回访已办结' } })
    .log({ action: 'case.follow_up_closed', targetType: 'RatingFollowUp', targetId: f.id, before: { status: 'open' }, after: { status: 'closed', caseId: f.caseId }, countyCode: f.scopeBucket, pointId: f.pointId })
    .commit();
  return view({ ...next, version: f.version + 1 });
}
