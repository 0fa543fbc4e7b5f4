import { strip } from '../../shared/db/store';
import { Tx, requireVersion } from '../../shared/db/tx';
import {
  Expenditure,
  Point,
  Publicity,
  PublicitySpendLink,
  PUBLICITY_KIND_NAMES,
  POINT_STAFF_TRAINING_KIND,
  StaffTraining,
  TASK_RECORD_NAMES,
  TaskRecord,
  Training,
  TrainingAttendance,
  type OrganiserLevel,
  type PublicityAttrs,
  type PublicityKind,
  type RegionAttrs,
  type StaffTrainingAttrs,
  type TaskRecordAttrs,
  type TaskRecordItem,
  type TrainingAttendanceAttrs,
  type TrainingAttrs,
  type TrainingKind,
} from '../../shared/db/entities';
import type { RequestCtx, StaffPrincipal } from '../../shared/http/context';
import { AppError, Conflict, Forbidden, NotFound, badField } from '../../shared/http/errors';
import { requireInScope, requireLevel, requirePointScope, requireRole, requireStaff, requireWriter, isAdmin } from '../../shared/security/authorize';
import { countyOf, depthOf, inRegionScope, pathContains, scopeBucketOf } from '../../shared/security/scope';
import { dateShanghai, isoShanghai } from '../../shared/clock';
import { newId } from '../../shared/ids';
import { bucketsUnder, findRegion } from '../../shared/regions';
import { tasksOfRegion } from '../reports/workplan';
import * as store from './store';

/**
 * Who may do what (docs/api-notes.md, "Training, publicity and the plan's tasks"):
 * - trainings: admins (system or business) record sessions organised in their region or below,
 *   and attendance of accounts in their own scope; every staff account reads the sessions it can see
 *   (organised in its region, below it or above it);
 * - publicity: the county's admins for any point or township of the county, an operator for its
 *   own point only;
 * - the tasks' hand records: the county's admins; the tasks' states: admins and supervisors;
 * - supervisors read everything in their region and never write; out of scope is 404.
 */

const LEVEL_BY_DEPTH: Record<number, OrganiserLevel> = { 0: 'province', 1: 'city', 2: 'county', 3: 'township' };
const logCounty = (path: string) => countyOf(path) ?? 'province';
const today = (ctx: RequestCtx) => dateShanghai(ctx.now);
const who = (p: StaffPrincipal) => ({ accountId: p.accountId, name: p.name });

async function regionInScope(p: StaffPrincipal, code: string | undefined, field = 'query.region'): Promise<RegionAttrs> {
  const region = await findRegion(code ?? p.regionCode);
  // Unknown and out of scope answer alike (404), as everywhere; `field` names where it came from.
  if (!region || !inRegionScope(p, region.path)) throw new AppError(404, 'REGION_NOT_FOUND', `区划 ${code} 不存在`, [{ field, message: '区划不存在' }]);
  return region;
}

function requireAdminWriter(p: StaffPrincipal): void {
  requireWriter(p);
  requireRole(p, 'sys_admin', 'biz_admin');
}

// ── training sessions

export function viewTraining(t: TrainingAttrs) {
  const { regionPath: _p, scopeBucket: _b, ...rest } = strip(t as unknown as Record<string, unknown>) as unknown as TrainingAttrs;
  void _p;
  void _b;
  return { ...rest, attended: t.attended ?? 0, absent: t.absent ?? 0 };
}
function viewAttendee(a: TrainingAttendanceAttrs) {
  const { trainingId: _t, regionPath: _p, recordedBy: _r, ...rest } = strip(a as unknown as Record<string, unknown>) as unknown as TrainingAttendanceAttrs;
  void _t;
  void _p;
  void _r;
  return rest;
}

/** A session is visible to those whose region contains its organiser, and to those below the organiser. */
function trainingVisible(p: StaffPrincipal, t: TrainingAttrs): boolean {
  return inRegionScope(p, t.regionPath) || pathContains(p.regionPath, t.organiserRegionCode);
}

async function visibleTraining(p: StaffPrincipal, id: string, consistent = false): Promise<TrainingAttrs> {
  const t = await store.getTraining(id, consistent);
  if (!t || !trainingVisible(p, t)) throw new NotFound('培训不存在', 'TRAINING_NOT_FOUND');
  return t;
}

export async function createTraining(
  ctx: RequestCtx,
  body: { organiserRegion?: string; topic: string; kind: TrainingKind; date: string; mode: 'onsite' | 'online'; place?: string; trainer: string; note?: string },
) {
  const p = requireStaff(ctx);
  requireAdminWriter(p);
  const region = await regionInScope(p, body.organiserRegion, 'body.organiserRegion');
  const level = LEVEL_BY_DEPTH[depthOf(region.path)];
  if (!level) throw badField('body.organiserRegion', '培训组织单位应为省、市、县或乡镇');
  const t: TrainingAttrs = {
    id: newId(),
    organiserRegionCode: region.code,
    organiserRegionName: region.name,
    organiserLevel: level,
    regionPath: region.path,
    scopeBucket: scopeBucketOf(region.path),
    topic: body.topic,
    kind: body.kind,
    date: body.date,
    mode: body.mode,
    ...(body.place ? { place: body.place } : {}),
    trainer: body.trainer,
    ...(body.note ? { note: body.note } : {}),
    attended: 0,
    absent: 0,
    recordedBy: who(p),
    recordedAt: isoShanghai(ctx.now),
  };
  await new Tx(ctx)
    .put(Training.item(t))
    .log({ action: 'training.created', targetType: 'Training', targetId: t.id, after: viewTraining(t), countyCode: logCounty(region.path), regionCode: region.code })
    .commit();
  return viewTraining(t);
}

export async function getTraining(ctx: RequestCtx, id: string) {
  const p = requireStaff(ctx);
  const t = await visibleTraining(p, id);
  const attendees = (await store.listAttendees(id)).filter((a) =>
    // Only the attendees in the reader's own scope; an operator sees its own line.
    p.roles.every((r) => r === 'operator') ? a.accountId === p.accountId : inRegionScope(p, a.regionPath),
  );
  return { ...viewTraining(t), attendees: attendees.map(viewAttendee) };
}

export async function listTrainings(ctx: RequestCtx, q: { region?: string; from?: string; to?: string; kind?: TrainingKind; limit: number; cursor?: string }) {
  const p = requireStaff(ctx);
  const region = await regionInScope(p, q.region);
  const parts = region.path.split('/');
  // Sessions organised above the region: the province and city buckets hold only their own.
  const above = parts.slice(0, Math.min(depthOf(region.path), 2)).map((code) => ({ bucket: code }));
  const kindFilter = q.kind ? { expression: '#k = :k', names: { '#k': 'kind' }, values: { ':k': q.kind } } : undefined;
  const withKind = (f?: { expression: string; names: Record<string, string>; values: Record<string, unknown> }) =>
    !f ? kindFilter : !kindFilter ? f : { expression: `(${f.expression}) AND ${kindFilter.expression}`, names: { ...f.names, ...kindFilter.names }, values: { ...f.values, ...kindFilter.values } };
  let queries: { bucket: string; filter?: ReturnType<typeof withKind> }[];
  if (depthOf(region.path) >= 2) {
    // The county bucket: sessions of the county and its townships — those on the region's own
    // chain (the county, the township above a village) and those in the region's subtree.
    const chain = parts.slice(2, depthOf(region.path)).map((_, i) => parts.slice(0, 3 + i).join('/'));
    const values: Record<string, unknown> = { ':scope': region.path };
    chain.forEach((c, i) => (values[`:c${i}`] = c));
    const expression = ['begins_with(#rp, :scope)', ...chain.map((_, i) => `#rp = :c${i}`)].join(' OR ');
    queries = [...above, { bucket: scopeBucketOf(region.path), filter: { expression, names: { '#rp': 'regionPath' }, values } }];
  } else {
    queries = [...above, ...(await bucketsUnder(region)).map((bucket) => ({ bucket }))];
  }
  const page = await store.trainingsPage(
    queries.map((x) => ({ bucket: x.bucket, filter: withKind(x.filter) })),
    store.dateRange(q.from, q.to),
    q.limit,
    q.cursor,
  );
  return { items: page.items.map(viewTraining), nextCursor: page.nextCursor };
}

/** A 404 that names the attendee it is about (the account is outside the caller's scope or does not exist). */
const attendeeNotFound = (i: number) =>
  new AppError(404, 'ACCOUNT_NOT_FOUND', `attendees.${i}.accountId: 账号不存在`, [{ field: `body.attendees.${i}.accountId`, message: '账号不存在' }]);

/**
 * Attendance of a session, for up to 40 accounts at once, in one Tx with its log entry: each
 * attendance line, each account's record of that kind of training (what makes an operator
 * trained) and the session's counters. Sending the same attendance again changes nothing.
 */
export async function recordAttendance(ctx: RequestCtx, id: string, body: { attendees: { accountId: string; attended: boolean; note?: string }[] }) {
  const p = requireStaff(ctx);
  requireAdminWriter(p);
  const t = await visibleTraining(p, id, true);
  if (t.date > today(ctx)) throw new Conflict(`培训日期 ${t.date} 尚未到，不能登记参训情况`, 'TRAINING_NOT_HELD', { date: t.date });
  const ids = body.attendees.map((a) => a.accountId);
  const [accounts, existing, records] = await Promise.all([
    store.getAccounts(ids),
    store.getAttendances(t.id, ids),
    store.getStaffTrainings(ids.map((accountId) => ({ accountId, kind: t.kind }))),
  ]);
  body.attendees.forEach((_, i) => {
    const a = accounts[i];
    if (!a || !inRegionScope(p, a.regionPath)) throw attendeeNotFound(i);
    if (a.status === 'deregistered') throw badField(`body.attendees.${i}.accountId`, '账号已注销，不能登记参训', 'ACCOUNT_DEREGISTERED');
    if (!pathContains(a.regionPath, t.organiserRegionCode)) {
      throw badField(`body.attendees.${i}.accountId`, `账号不在培训组织单位「${t.organiserRegionName}」的范围内`);
    }
  });

  const at = isoShanghai(ctx.now);
  const tx = new Tx(ctx);
  let attendedDelta = 0;
  let absentDelta = 0;
  const changes: { accountId: string; before?: boolean; after: boolean }[] = [];
  const lines: TrainingAttendanceAttrs[] = [];
  body.attendees.forEach((given, i) => {
    const a = accounts[i]!;
    const prev = existing[i];
    const line: TrainingAttendanceAttrs = {
      trainingId: t.id,
      accountId: a.id,
      name: a.name,
      regionCode: a.regionCode,
      regionPath: a.regionPath,
      ...(a.pointId ? { pointId: a.pointId } : {}),
      roles: a.roles,
      attended: given.attended,
      ...(given.note ? { note: given.note } : {}),
      recordedBy: p.accountId,
      recordedAt: at,
      version: prev ? prev.version + 1 : 1,
    };
    if (prev && prev.attended === given.attended && (prev.note ?? '') === (given.note ?? '')) {
      lines.push(prev);
      return;
    }
    lines.push(line);
    changes.push({ accountId: a.id, ...(prev ? { before: prev.attended } : {}), after: given.attended });
    if (prev) tx.replace(TrainingAttendance.item(line), prev.version);
    else tx.put(TrainingAttendance.item(line), { conflict: { code: 'STALE_VERSION', message: '参训情况已被他人登记，请刷新后重试' } });
    if (prev?.attended) attendedDelta -= 1;
    else if (prev) absentDelta -= 1;
    if (given.attended) attendedDelta += 1;
    else absentDelta += 1;
    // The account's record of this kind: the sessions it attended and the first date.
    if (prev?.attended === given.attended) return;
    const rec = records[i];
    const sessions = { ...(rec?.sessions ?? {}) };
    if (given.attended) sessions[t.id] = { date: t.date, organiserLevel: t.organiserLevel };
    else delete sessions[t.id];
    const dates = Object.values(sessions).map((s) => s.date).sort();
    const next: StaffTrainingAttrs = { accountId: a.id, kind: t.kind, sessions, ...(dates[0] ? { firstDate: dates[0] } : {}), version: rec ? rec.version + 1 : 1 };
    if (rec) tx.replace(StaffTraining.item(next), rec.version);
    else if (given.attended) tx.put(StaffTraining.item(next), { conflict: { code: 'STALE_VERSION', message: '参训记录已被他人修改，请重试' } });
  });
  if (changes.length === 0) return { ...viewTraining(t), attendees: lines.map(viewAttendee) };
  tx.update(Training.key({ id: t.id }), 'ADD attended :a, absent :b SET updatedAt = :u', {
    condition: 'attribute_exists(pk)',
    values: { ':a': attendedDelta, ':b': absentDelta, ':u': at },
    conflict: { code: 'TRAINING_NOT_FOUND', message: '培训不存在' },
  });
  tx.log({
    action: 'training.attendance_recorded',
    targetType: 'Training',
    targetId: t.id,
    before: changes.filter((c) => c.before !== undefined).map((c) => ({ accountId: c.accountId, attended: c.before })),
    after: changes.map((c) => ({ accountId: c.accountId, attended: c.after })),
    countyCode: logCounty(p.regionPath),
    regionCode: t.organiserRegionCode,
  });
  await tx.commit();
  return {
    ...viewTraining({ ...t, attended: (t.attended ?? 0) + attendedDelta, absent: (t.absent ?? 0) + absentDelta, updatedAt: at }),
    attendees: lines.map(viewAttendee),
  };
}

/** Whether a point's staff count as trained now: each active operator attended a session of the required kind. */
export async function pointStaffTraining(ctx: RequestCtx, pointId: string) {
  const p = requireStaff(ctx);
  const point = await store.getPoint(pointId);
  if (!point) throw new NotFound('服务点不存在', 'POINT_NOT_FOUND');
  requirePointScope(p, point.regionPath, point.id, '服务点');
  const operators = await store.activeOperatorsOf(point);
  const recs = await store.getStaffTrainings(operators.map((o) => ({ accountId: o.id, kind: POINT_STAFF_TRAINING_KIND })));
  const asOf = today(ctx);
  const rows = operators.map((o, i) => {
    const d = recs[i]?.firstDate;
    return { accountId: o.id, name: o.name, trainedOn: d && d <= asOf ? d : null };
  });
  return { pointId: point.id, requiredKind: POINT_STAFF_TRAINING_KIND, trained: rows.length > 0 && rows.every((r) => r.trainedOn !== null), operators: rows };
}

// ── publicity

export function viewPublicity(a: PublicityAttrs) {
  const { regionPath: _p, scopeBucket: _b, ...rest } = strip(a as unknown as Record<string, unknown>) as unknown as PublicityAttrs;
  void _p;
  void _b;
  return { ...rest, kindName: PUBLICITY_KIND_NAMES[a.kind] };
}

export async function createPublicity(
  ctx: RequestCtx,
  body: {
    pointId?: string;
    regionCode?: string;
    kind: PublicityKind;
    date: string;
    title?: string;
    place?: string;
    reach: { people?: number; copies?: number };
    expenditureId?: string;
    note?: string;
  },
) {
  const p = requireStaff(ctx);
  requireWriter(p);
  requireRole(p, 'sys_admin', 'biz_admin', 'operator');
  const admin = isAdmin(p);
  if (admin) requireLevel(p, 'county');
  let where: { regionCode: string; regionName: string; regionPath: string; pointId?: string; pointName?: string };
  if (body.pointId) {
    const point = await store.getPoint(body.pointId);
    if (!point) throw new NotFound('服务点不存在', 'POINT_NOT_FOUND');
    requirePointScope(p, point.regionPath, point.id, '服务点');
    if (!admin && p.pointId !== point.id) throw new NotFound('服务点不存在', 'POINT_NOT_FOUND');
    if (point.stage === 'closed') throw new Conflict('服务点已撤销', 'POINT_CLOSED');
    where = { regionCode: point.regionCode, regionName: point.name, regionPath: point.regionPath, pointId: point.id, pointName: point.name };
  } else {
    if (!admin) throw new Forbidden('操作员只能登记本服务点的宣传活动（请填写 pointId）', 'OWN_POINT_ONLY');
    const region = await regionInScope(p, body.regionCode, 'body.regionCode');
    if (region.level !== 'township' && region.level !== 'community_committee') throw badField('body.regionCode', '应为乡镇或社区联合党委；村、社区的活动请填写服务点');
    where = { regionCode: region.code, regionName: region.name, regionPath: region.path };
  }
  if (body.date > today(ctx)) throw badField('body.date', '日期不能晚于今天');

  let expenditure: PublicityAttrs['expenditure'];
  if (body.expenditureId) {
    const e = await store.getExpenditure(where.pointId!, body.expenditureId);
    if (!e) throw badField('body.expenditureId', '该服务点没有这笔补助资金支出', 'EXPENDITURE_NOT_FOUND');
    if (e.category !== 'publicity') throw badField('body.expenditureId', '这笔支出不是宣传类支出', 'NOT_PUBLICITY_SPENDING');
    expenditure = { id: e.id, amountFen: e.amountFen, voucherNumber: e.voucherNumber, date: e.date };
  }
  const a: PublicityAttrs = {
    id: newId(),
    ...where,
    scopeBucket: scopeBucketOf(where.regionPath),
    kind: body.kind,
    date: body.date,
    ...(body.title ? { title: body.title } : {}),
    ...(body.place ? { place: body.place } : {}),
    reach: { people: body.reach.people ?? 0, copies: body.reach.copies ?? 0 },
    ...(expenditure ? { expenditure } : {}),
    ...(body.note ? { note: body.note } : {}),
    recordedBy: who(p),
    recordedAt: isoShanghai(ctx.now),
  };
  const tx = new Tx(ctx).put(Publicity.item(a));
  if (where.pointId) {
    tx.check(Point.key({ id: where.pointId }), 'attribute_exists(pk) AND #stage <> :closed', { code: 'POINT_CLOSED', message: '服务点不存在或已撤销' }, { '#stage': 'stage' }, { ':closed': 'closed' });
  }
  if (expenditure) {
    tx.check(Expenditure.key({ pointId: where.pointId!, id: expenditure.id }), 'attribute_exists(pk)', { code: 'EXPENDITURE_NOT_FOUND', message: '补助资金支出不存在' });
    tx.put(PublicitySpendLink.item({ expenditureId: expenditure.id, publicityId: a.id }), {
      conflict: { code: 'EXPENDITURE_ALREADY_LINKED', message: '这笔支出已关联其他宣传活动' },
    });
  }
  tx.log({ action: 'publicity.recorded', targetType: 'Publicity', targetId: a.id, after: viewPublicity(a), countyCode: logCounty(a.regionPath), regionCode: a.regionCode, pointId: a.pointId });
  await tx.commit();
  return viewPublicity(a);
}

export async function listPublicity(ctx: RequestCtx, q: { region?: string; point?: string; from?: string; to?: string; kind?: PublicityKind; limit: number; cursor?: string }) {
  const p = requireStaff(ctx);
  const region = await regionInScope(p, q.region);
  const onlyOperator = p.roles.every((r) => r === 'operator');
  if (onlyOperator && q.point && q.point !== p.pointId) throw new NotFound('服务点不存在', 'POINT_NOT_FOUND');
  const point = onlyOperator ? p.pointId : q.point;
  if (onlyOperator && !point) return { items: [], nextCursor: null };
  const names: Record<string, string> = { '#rp': 'regionPath' };
  const values: Record<string, unknown> = { ':scope': region.path };
  const conds = ['begins_with(#rp, :scope)'];
  if (point) {
    names['#pid'] = 'pointId';
    values[':pid'] = point;
    conds.push('#pid = :pid');
  }
  if (q.kind) {
    names['#k'] = 'kind';
    values[':k'] = q.kind;
    conds.push('#k = :k');
  }
  const filter = { expression: conds.join(' AND '), names, values };
  const buckets = depthOf(region.path) >= 2 ? [scopeBucketOf(region.path)] : await bucketsUnder(region);
  const page = await store.publicityPage(buckets.map((bucket) => ({ bucket, filter })), store.dateRange(q.from, q.to), q.limit, q.cursor);
  return { items: page.items.map(viewPublicity), nextCursor: page.nextCursor };
}

// ── the plan's tasks: what the county records by hand

export function viewTaskRecord(r: TaskRecordAttrs) {
  const { regionPath: _p, ...rest } = strip(r as unknown as Record<string, unknown>) as unknown as TaskRecordAttrs;
  void _p;
  return { ...rest, itemName: TASK_RECORD_NAMES[r.item] };
}

async function countyInScope(p: StaffPrincipal, code: string | undefined): Promise<RegionAttrs> {
  const region = await regionInScope(p, code ?? countyOf(p.regionPath) ?? p.regionCode, 'body.region');
  if (region.level !== 'county') throw badField('body.region', '工作任务按县登记，应为县级区划');
  return region;
}

/**
 * Records (or corrects, with `version`) one of the plan's hand-kept facts for a county, in one
 * Tx with its log entry. The same record sent again is answered with the stored one.
 */
export async function recordTaskItem(
  ctx: RequestCtx,
  item: TaskRecordItem,
  body: { region?: string; date: string; reference?: string; note?: string; version?: number },
) {
  const p = requireStaff(ctx);
  requireAdminWriter(p);
  requireLevel(p, 'county');
  const county = await countyInScope(p, body.region);
  if (body.date > today(ctx)) throw badField('body.date', '日期不能晚于今天');
  const prev = await store.getTaskRecord(county.code, item);
  if (prev && prev.date === body.date && (prev.reference ?? '') === (body.reference ?? '') && (prev.note ?? '') === (body.note ?? '')) {
    return viewTaskRecord(prev);
  }
  if (prev && body.version === undefined) {
    throw new Conflict('该事项已登记；更正时请带上 version', 'TASK_RECORD_EXISTS', { currentVersion: prev.version });
  }
  if (prev) requireVersion(prev, body.version);
  const next: TaskRecordAttrs = {
    countyCode: county.code,
    regionPath: county.path,
    item,
    date: body.date,
    ...(body.reference ? { reference: body.reference } : {}),
    ...(body.note ? { note: body.note } : {}),
    recordedBy: who(p),
    recordedAt: isoShanghai(ctx.now),
    version: prev ? prev.version + 1 : 1,
  };
  const tx = new Tx(ctx);
  if (prev) tx.replace(TaskRecord.item(next), prev.version);
  else tx.put(TaskRecord.item(next), { conflict: { code: 'TASK_RECORD_EXISTS', message: '该事项已由他人登记，请刷新后更正' } });
  tx.log({
    action: prev ? 'plan_task.corrected' : 'plan_task.recorded',
    targetType: 'PlanTask',
    targetId: `${county.code}:${item}`,
    ...(prev ? { before: viewTaskRecord(prev) } : {}),
    after: viewTaskRecord(next),
    countyCode: county.code,
    regionCode: county.code,
  });
  await tx.commit();
  return viewTaskRecord(next);
}

/** The seven tasks' states for a region as of a date (default today), with the county's hand records. */
export async function planTasks(ctx: RequestCtx, q: { region?: string; asOf?: string }) {
  const p = requireStaff(ctx);
  requireRole(p, 'sys_admin', 'biz_admin', 'supervisor');
  const region = await regionInScope(p, q.region);
  const asOf = q.asOf ?? today(ctx);
  if (asOf > today(ctx)) throw badField('query.asOf', '不能晚于今天');
  // The report engine's own reads and evaluator, so the tasks here and in the reports agree.
  const { tasks, records } = await tasksOfRegion(region, asOf);
  return { regionCode: region.code, regionName: region.name, asOf, tasks, records: records.map(viewTaskRecord) };
}
