import { queryPages, strip } from '../../shared/db/store';
import { Tx, requireVersion } from '../../shared/db/tx';
import {
  Account,
  Agreement,
  Device,
  DeviceSerial,
  Expenditure,
  FundAllocation,
  Inspection,
  LatestInspection,
  Point,
  PointFund,
  PointKiosk,
  PointStageChange,
  Voucher,
  DEVICE_STAGES,
  type AgreementAttrs,
  type BaseStandard,
  type DeviceAttrs,
  type DeviceStage,
  type ExpenditureCategory,
  type InspectionAttrs,
  type InspectionItem,
  type PointAttrs,
  type PointKind,
  type PointStage,
  type RegionAttrs,
} from '../../shared/db/entities';
import { BadRequest, Conflict, NotFound, badField } from '../../shared/http/errors';
import type { RequestCtx, StaffPrincipal } from '../../shared/http/context';
import { requireInScope, requireLevel, requirePointScope, requireRole, requireStaff, requireWriter } from '../../shared/security/authorize';
import { countyOf, inRegionScope, scopeBucketOf } from '../../shared/security/scope';
import { dateShanghai, isoShanghai, monthShanghai } from '../../shared/clock';
import { newId } from '../../shared/ids';
import { countiesUnder, findRegion } from '../../shared/regions';
import { listCatalogItems } from '../catalog/service';
import * as store from './store';
import {
  KIOSK_MILESTONES,
  KIOSK_READY,
  SUBSIDY_PER_POINT_FEN,
  deviceOrderProblem,
  distanceMeters,
  inspectionVerdict,
  milestoneStatus,
  monthEnd,
  needsKiosk,
  stageOrderProblem,
} from './rules';

/**
 * Who may do what with points (decided here, documented in docs/points.md):
 * - create a point: the county system admin (api.md);
 * - change a point (stage, details, base standard, agreement, inspections, kiosks, funds): the
 *   county's admins — system admin or business admin — of the point's own county;
 * - read: any staff whose region contains the point; operators only their own point;
 *   supervisors read everything in their region and never write;
 * - another county's staff (or anyone out of scope) get 404; citizens 403 (staff-only routes).
 */

export function viewPoint(p: PointAttrs) {
  const { scopeBucket: _b, ...rest } = strip(p as unknown as Record<string, unknown>) as unknown as PointAttrs;
  void _b;
  return rest;
}
export function viewDevice(d: DeviceAttrs) {
  const { scopeBucket: _b, regionPath: _p, ...rest } = strip(d as unknown as Record<string, unknown>) as unknown as DeviceAttrs;
  void _b;
  void _p;
  return { ...rest, stageDates: d.stageDates ?? {} };
}
const view = <T extends object>(x: T) => strip(x as unknown as Record<string, unknown>);

// ── authorization helpers

async function pointFor(ctx: RequestCtx, id: string): Promise<{ p: StaffPrincipal; point: PointAttrs }> {
  const p = requireStaff(ctx);
  const point = await store.getPoint(id, true);
  if (!point) throw new NotFound('服务点不存在', 'POINT_NOT_FOUND');
  requirePointScope(p, point.regionPath, point.id, '服务点');
  return { p, point };
}

/** County admins (system or business) of the record's county; scope first so that others see 404. */
function requireCountyAdmin(p: StaffPrincipal): void {
  requireWriter(p);
  requireRole(p, 'sys_admin', 'biz_admin');
  requireLevel(p, 'county');
}

async function pointForWrite(ctx: RequestCtx, id: string) {
  const r = await pointFor(ctx, id);
  requireCountyAdmin(r.p);
  return r;
}

function checkDate(field: string, date: string, ctx: RequestCtx, notBefore?: string, what = '上一阶段'): void {
  if (date > dateShanghai(ctx.now)) throw badField(field, '日期不能晚于今天');
  if (notBefore && date < notBefore) throw badField(field, `日期不能早于${what}日期 ${notBefore}`);
}

/** The region a list is about: the one named (in the caller's scope) or the caller's own. */
export async function scopedRegion(p: StaffPrincipal, code: string | undefined): Promise<RegionAttrs> {
  const region = await findRegion(code ?? p.regionCode);
  if (!region || !inRegionScope(p, region.path)) throw new NotFound(`区划 ${code} 不存在`, 'REGION_NOT_FOUND');
  return region;
}


const onlyOperator = (p: StaffPrincipal) => p.roles.every((r) => r === 'operator');

// ── points (P1–P3)

export async function createPoint(
  ctx: RequestCtx,
  body: { regionCode: string; kind: PointKind; name: string; address: string; location?: { lat: number; lng: number }; phone?: string; hours?: string },
) {
  const p = requireStaff(ctx);
  requireWriter(p);
  requireRole(p, 'sys_admin');
  requireLevel(p, 'county');
  const region = await findRegion(body.regionCode);
  if (!region || !inRegionScope(p, region.path)) throw new NotFound(`区划 ${body.regionCode} 不存在`, 'REGION_NOT_FOUND');
  if (region.level !== body.kind) {
    throw badField('kind', `区划「${region.name}」的级别是 ${region.level}，服务点类型应与之相同（乡镇、社区联合党委、行政村或社区）`);
  }
  const point: PointAttrs = {
    id: newId(),
    regionCode: region.code,
    regionPath: region.path,
    scopeBucket: scopeBucketOf(region.path),
    kind: body.kind,
    name: body.name,
    address: body.address,
    ...(body.location ? { location: body.location } : {}),
    ...(body.phone ? { phone: body.phone } : {}),
    ...(body.hours ? { hours: body.hours } : {}),
    stage: 'planned',
    createdAt: isoShanghai(ctx.now),
    version: 1,
  };
  await new Tx(ctx)
    .put(Point.item(point))
    .log({ action: 'point.created', targetType: 'Point', targetId: point.id, after: viewPoint(point), countyCode: countyOf(region.path), regionCode: region.code })
    .commit();
  return viewPoint(point);
}

export async function getPoint(ctx: RequestCtx, id: string) {
  return viewPoint((await pointFor(ctx, id)).point);
}

export async function listPoints(ctx: RequestCtx, q: { region?: string; stage?: PointStage; limit: number; cursor?: string }) {
  const p = requireStaff(ctx);
  const region = await scopedRegion(p, q.region);
  if (onlyOperator(p)) {
    // Operators see their own point only.
    const own = p.pointId ? await store.getPoint(p.pointId) : undefined;
    const match = own && own.regionPath.startsWith(region.path) && (!q.stage || own.stage === q.stage);
    return { items: match ? [viewPoint(own)] : [], nextCursor: null };
  }
  const queries = (await countiesUnder(region)).map((b) => store.pointsQuery(b, region.path, q.stage));
  const page = await queryPages<PointAttrs>(queries, q.limit, q.cursor);
  return { items: page.items.map(viewPoint), nextCursor: page.nextCursor };
}

async function replacePoint(ctx: RequestCtx, point: PointAttrs, next: PointAttrs, expectVersion: number, action: string, tx = new Tx(ctx)) {
  requireVersion(point, expectVersion);
  const stored = { ...next, updatedAt: isoShanghai(ctx.now) };
  tx.replace(Point.item(stored), expectVersion);
  tx.log({ action, targetType: 'Point', targetId: point.id, before: viewPoint(point), after: viewPoint(stored), countyCode: point.scopeBucket, regionCode: point.regionCode });
  await tx.commit();
  return viewPoint({ ...stored, version: expectVersion + 1 });
}

export async function updatePoint(
  ctx: RequestCtx,
  id: string,
  body: { name?: string; address?: string; location?: { lat: number; lng: number } | null; phone?: string | null; hours?: string; version: number },
) {
  const { point } = await pointForWrite(ctx, id);
  const { version, ...changes } = body;
  const next = { ...point, ...changes } as PointAttrs & Record<string, unknown>;
  // null clears a wrongly entered location or phone; a location is never guessed.
  for (const k of ['location', 'phone'] as const) if (changes[k] === null) delete next[k];
  return replacePoint(ctx, point, next, version, 'point.updated');
}

export async function putBaseStandard(ctx: RequestCtx, id: string, body: BaseStandard & { version: number }) {
  const { point } = await pointForWrite(ctx, id);
  const { version, ...baseStandard } = body;
  return replacePoint(ctx, point, { ...point, baseStandard }, version, 'point.base_standard_recorded');
}

/**
 * P3: one step along the lifecycle. Each step's precondition is read first (to name what is
 * missing) and re-asserted in the same Tx with a ConditionCheck, so a concurrent change cannot
 * slip between the check and the write.
 */
export async function changeStage(ctx: RequestCtx, id: string, body: { to: Exclude<PointStage, 'planned'>; date: string; note?: string; version: number }) {
  const { p, point } = await pointForWrite(ctx, id);
  requireVersion(point, body.version);
  const order = stageOrderProblem(point.stage, body.to, point.resumeStage);
  if (order) throw new Conflict(order.message, order.code, { from: point.stage, to: body.to, ...(order.missing ? { missing: order.missing } : {}) });
  checkDate('date', body.date, ctx, point.stageDate);

  const tx = new Tx(ctx);
  const resuming = point.stage === 'suspended';
  const missing = (code: string, message: string, what: string) => new Conflict(message, code, { from: point.stage, to: body.to, missing: [what] });
  if (!resuming && body.to === 'agreement_signed') {
    if (!(await store.getAgreement(id, true))) throw missing('AGREEMENT_MISSING', '缺少合作协议：请先录入协议（PUT /points/{id}/agreement）', 'agreement');
    tx.check(Agreement.key({ pointId: id }), 'attribute_exists(pk)', { code: 'AGREEMENT_MISSING', message: '缺少合作协议' });
  }
  if (!resuming && body.to === 'accounts_configured') {
    const operator = await store.activeOperatorAt(point);
    if (!operator) throw missing('OPERATOR_MISSING', '缺少账号配置：本服务点还没有状态正常的业务操作员账号', 'operator_account');
    tx.check(
      Account.key({ id: operator.id }),
      '#st = :active AND #pid = :pid AND contains(#roles, :op)',
      { code: 'OPERATOR_MISSING', message: '本服务点的业务操作员账号已不可用' },
      { '#st': 'status', '#pid': 'pointId', '#roles': 'roles' },
      { ':active': 'active', ':pid': id, ':op': 'operator' },
    );
  }
  if (!resuming && body.to === 'accepted') {
    const latest = await store.getLatestInspection(id);
    if (!latest) throw missing('INSPECTION_MISSING', '缺少验收检查：请先进行验收检查', 'inspection');
    if (!latest.passed) throw missing('INSPECTION_FAILED', '最近一次验收检查未通过，请整改后重新验收', 'passed_inspection');
    tx.check(
      LatestInspection.key({ pointId: id }),
      'inspectionId = :iid AND passed = :t',
      { code: 'INSPECTION_CHANGED', message: '验收检查记录已变化，请刷新后重试' },
      undefined,
      { ':iid': latest.inspectionId, ':t': true },
    );
  }
  const change = {
    id: newId(),
    pointId: id,
    from: point.stage,
    to: body.to,
    date: body.date,
    ...(body.note ? { note: body.note } : {}),
    recordedBy: p.accountId,
    recordedByName: p.name,
    recordedAt: isoShanghai(ctx.now),
  };
  tx.put(PointStageChange.item(change));
  const { resumeStage: _r, ...rest } = point;
  void _r;
  const next: PointAttrs = { ...rest, stage: body.to, stageDate: body.date, ...(body.to === 'suspended' ? { resumeStage: point.stage } : {}) };
  return replacePoint(ctx, point, next, body.version, `point.stage.${body.to}`, tx);
}

export async function listStageHistory(ctx: RequestCtx, id: string, q: { limit: number; cursor?: string }) {
  await pointFor(ctx, id);
  const page = await store.stageHistoryPage(id, q.limit, q.cursor);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

// ── agreements (P4)

/** The point is still open when the write commits, not only when it was read (a close may race it). */
function pointStillOpen(tx: Tx, pointId: string): Tx {
  return tx.check(Point.key({ id: pointId }), '#stage <> :closed', { code: 'POINT_CLOSED', message: '服务点已关闭' }, { '#stage': 'stage' }, { ':closed': 'closed' });
}

type AgreementBody = Omit<AgreementAttrs, 'pointId' | 'recordedBy' | 'recordedAt' | 'version'> & { version?: number };

/** The cooperation agreement: the first PUT creates it, later PUTs change it with its `version`. */
export async function putAgreement(ctx: RequestCtx, id: string, body: AgreementBody) {
  const { p, point } = await pointForWrite(ctx, id);
  if (point.stage === 'closed') throw new Conflict('服务点已关闭', 'POINT_CLOSED');
  if (body.signedOn > dateShanghai(ctx.now)) throw badField('signedOn', '签订日期不能晚于今天');
  const existing = await store.getAgreement(id, true);
  const { version, ...content } = body;
  const agreement: AgreementAttrs = { ...content, pointId: id, recordedBy: p.accountId, recordedAt: isoShanghai(ctx.now), version: 1 };
  const tx = new Tx(ctx);
  if (existing) {
    if (version === undefined) throw badField('version', '修改已有协议须提供 version');
    requireVersion(existing, version);
    tx.replace(Agreement.item({ ...agreement, version }), version);
    agreement.version = version + 1;
  } else {
    tx.put(Agreement.item(agreement), { conflict: { code: 'STALE_VERSION', message: '协议已由他人录入，请刷新后重试' } });
  }
  pointStillOpen(tx, id);
  tx.log({ action: existing ? 'agreement.changed' : 'agreement.recorded', targetType: 'Point', targetId: id, before: existing ? view(existing) : undefined, after: agreement, countyCode: point.scopeBucket, regionCode: point.regionCode });
  await tx.commit();
  return agreement;
}

export async function getAgreement(ctx: RequestCtx, id: string) {
  await pointFor(ctx, id);
  const a = await store.getAgreement(id);
  if (!a) throw new NotFound('该服务点尚无合作协议', 'AGREEMENT_NOT_FOUND');
  return view(a);
}

// ── acceptance inspections (P5)

export async function createInspection(
  ctx: RequestCtx,
  id: string,
  body: { date?: string; inspector?: string; checklist: Record<InspectionItem, boolean>; baseStandard?: BaseStandard; result?: 'passed' | 'failed'; remarks?: string },
) {
  const { p, point } = await pointForWrite(ctx, id);
  if (point.stage === 'closed') throw new Conflict('服务点已关闭', 'POINT_CLOSED');
  const date = body.date ?? dateShanghai(ctx.now);
  checkDate('date', date, ctx);
  const base = body.baseStandard ?? point.baseStandard;
  const { passed, failedItems } = inspectionVerdict(body.checklist, base, point.kind);
  if (body.result && body.result !== (passed ? 'passed' : 'failed')) {
    throw badField('result', `与检查表不符：按检查表应为 ${passed ? 'passed' : 'failed'}${failedItems.length ? `（不合格项：${failedItems.join('、')}）` : ''}`);
  }
  const inspection: InspectionAttrs = {
    id: newId(),
    pointId: id,
    date,
    inspector: body.inspector ?? p.name,
    checklist: body.checklist,
    ...(base ? { baseStandard: base } : {}),
    passed,
    result: passed ? 'passed' : 'failed',
    failedItems,
    ...(body.remarks ? { remarks: body.remarks } : {}),
    recordedBy: p.accountId,
    recordedAt: isoShanghai(ctx.now),
  };
  await pointStillOpen(new Tx(ctx), id)
    .put(Inspection.item(inspection))
    .put(LatestInspection.item({ pointId: id, inspectionId: inspection.id, date, passed }), { overwrite: true })
    .log({ action: passed ? 'inspection.passed' : 'inspection.failed', targetType: 'Point', targetId: id, after: { inspectionId: inspection.id, passed, failedItems }, countyCode: point.scopeBucket, regionCode: point.regionCode })
    .commit();
  return inspection;
}

export async function listInspections(ctx: RequestCtx, id: string, q: { limit: number; cursor?: string }) {
  await pointFor(ctx, id);
  const page = await store.inspectionsPage(id, q.limit, q.cursor);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

// ── kiosks (P6)

export async function createDevice(ctx: RequestCtx, id: string, body: { serialNumber: string; terminalId?: string; model?: string; deliveredOn?: string }) {
  const { p, point } = await pointForWrite(ctx, id);
  if (!needsKiosk(point.kind)) throw new Conflict('自助设备仅配置给行政村和社区服务点', 'KIOSK_NOT_FOR_KIND', { kind: point.kind });
  if (point.stage === 'closed') throw new Conflict('服务点已关闭', 'POINT_CLOSED');
  if (body.deliveredOn) checkDate('deliveredOn', body.deliveredOn, ctx);
  const device: DeviceAttrs = {
    id: body.terminalId ?? newId(),
    pointId: id,
    regionCode: point.regionCode,
    regionPath: point.regionPath,
    scopeBucket: point.scopeBucket,
    serialNumber: body.serialNumber,
    ...(body.model ? { model: body.model } : {}),
    stage: 'delivered',
    stageDates: body.deliveredOn ? { delivered: body.deliveredOn } : {},
    createdAt: isoShanghai(ctx.now),
    version: 1,
  };
  await pointStillOpen(new Tx(ctx), id)
    .put(Device.item(device), { conflict: { code: 'DUPLICATE_TERMINAL', message: `终端号 ${device.id} 已登记` } })
    .put(DeviceSerial.item({ serialNumber: device.serialNumber, deviceId: device.id }), { conflict: { code: 'DUPLICATE_SERIAL', message: `序列号 ${device.serialNumber} 已登记` } })
    .put(PointKiosk.item({ pointId: id, deviceId: device.id, stage: 'delivered' }), { conflict: { code: 'KIOSK_EXISTS', message: '该服务点已配置自助设备（每点 1 台）' } })
    .log({ action: 'device.delivered', targetType: 'Device', targetId: device.id, after: viewDevice(device), countyCode: point.scopeBucket, regionCode: point.regionCode })
    .commit();
  void p;
  return viewDevice(device);
}

async function deviceFor(ctx: RequestCtx, id: string) {
  const p = requireStaff(ctx);
  const device = await store.getDevice(id, true);
  if (!device) throw new NotFound('设备不存在', 'DEVICE_NOT_FOUND');
  requirePointScope(p, device.regionPath, device.pointId, '设备');
  return { p, device };
}

export async function getDevice(ctx: RequestCtx, id: string) {
  return viewDevice((await deviceFor(ctx, id)).device);
}

export async function listPointDevices(ctx: RequestCtx, id: string, q: { limit: number; cursor?: string }) {
  await pointFor(ctx, id);
  const page = await store.devicesOfPointPage(id, q.limit, q.cursor);
  return { items: page.items.map(viewDevice), nextCursor: page.nextCursor };
}

export async function changeDeviceStage(
  ctx: RequestCtx,
  id: string,
  body: { to: DeviceStage; date: string; assetNumber?: string; note?: string; version: number; publicKey?: DeviceAttrs['publicKey'] },
) {
  const { p, device } = await deviceFor(ctx, id);
  requireCountyAdmin(p);
  requireVersion(device, body.version);
  const order = deviceOrderProblem(device.stage, body.to);
  if (order) throw new Conflict(order.message, order.code, { from: device.stage, to: body.to, ...(order.missing ? { missing: order.missing } : {}) });
  if (body.to === 'asset_transferred' && !body.assetNumber) throw badField('assetNumber', '资产划转须填写资产编号');
  if (body.to !== 'asset_transferred' && body.assetNumber) throw badField('assetNumber', '资产编号在资产划转时填写');
  if (body.publicKey && body.to !== 'registered') throw badField('publicKey', '设备公钥在登记 (registered) 时提供');
  checkDate('date', body.date, ctx, device.stageDates?.[device.stage]);
  const next: DeviceAttrs = {
    ...device,
    stage: body.to,
    stageDates: { ...(device.stageDates ?? {}), [body.to]: body.date },
    ...(body.assetNumber ? { assetNumber: body.assetNumber } : {}),
    ...(body.publicKey ? { publicKey: body.publicKey, keyRegisteredAt: isoShanghai(ctx.now) } : {}),
    updatedAt: isoShanghai(ctx.now),
  };
  await new Tx(ctx)
    .replace(Device.item(next), device.version)
    .update(PointKiosk.key({ pointId: device.pointId }), 'SET #st = :st', {
      condition: 'deviceId = :d',
      names: { '#st': 'stage' },
      values: { ':st': body.to, ':d': device.id },
      conflict: { code: 'KIOSK_MISMATCH', message: '服务点的设备记录不一致' },
    })
    .log({ action: `device.${body.to}`, targetType: 'Device', targetId: id, before: { stage: device.stage }, after: { stage: body.to, date: body.date, assetNumber: body.assetNumber, note: body.note, ...(body.publicKey ? { publicKey: body.publicKey } : {}) }, countyCode: device.scopeBucket, regionCode: device.regionCode })
    .commit();
  return viewDevice({ ...next, version: device.version + 1 });
}

/**
 * P6 progress per county as of a date: kiosks planned (one per village/community point that is
 * not closed), how many reached each stage by then, and the plan's two milestones.
 */
export async function deviceProgress(ctx: RequestCtx, q: { region?: string; asOf?: string }) {
  const p = requireStaff(ctx);
  const region = await scopedRegion(p, q.region);
  const asOf = q.asOf ?? dateShanghai(ctx.now);
  const counties = [];
  for (const bucket of await countiesUnder(region)) {
    const [points, devices] = await Promise.all([store.allPointsIn(bucket, region.path), store.devicesIn(bucket, region.path)]);
    const target = points.filter((pt) => needsKiosk(pt.kind) && pt.stage !== 'closed').length;
    const reachedBy = (stage: DeviceStage, date: string) =>
      devices.filter((d) =>
        DEVICE_STAGES.slice(DEVICE_STAGES.indexOf(stage)).some((s) => (d.stageDates?.[s] ?? (s === 'delivered' ? d.createdAt.slice(0, 10) : '9999')) <= date),
      ).length;
    const byStage = Object.fromEntries(DEVICE_STAGES.map((s) => [s, reachedBy(s, asOf)]));
    const ready = reachedBy('debugged', asOf);
    counties.push({
      countyCode: bucket,
      name: (await findRegion(bucket))?.name ?? bucket,
      target,
      reached: byStage,
      ready,
      readyPercent: target === 0 ? 0 : Math.floor((ready * 1000) / target) / 10,
      milestones: KIOSK_MILESTONES.map((m) => milestoneStatus(target, m.percent, reachedBy('debugged', m.due < asOf ? m.due : asOf), m.due, asOf)),
    });
  }
  return { region: region.code, asOf, readyMeans: 'debugged', counties };
}

// ── subsidies (P7)

/**
 * The year's subsidy for a county, from its points (all not closed): 150000 fen each. Once per
 * county-year: a second call returns the first allocation (`alreadyAllocated: true`). Point accounts are written
 * in chunks (each its own Tx with a log entry, idempotent: if_not_exists), the county header
 * last — the header's conditional Put is what makes the allocation happen once.
 */
export async function allocateFunds(ctx: RequestCtx, body: { regionCode: string; year: number; receivedOn?: string }) {
  const p = requireStaff(ctx);
  const region = await findRegion(body.regionCode);
  if (!region || !inRegionScope(p, region.path)) throw new NotFound(`区划 ${body.regionCode} 不存在`, 'REGION_NOT_FOUND');
  requireCountyAdmin(p);
  if (region.level !== 'county') throw badField('regionCode', '补助资金按县下达：应为县级区划代码');
  const receivedOn = body.receivedOn ?? dateShanghai(ctx.now);
  checkDate('receivedOn', receivedOn, ctx);
  const existing = await store.getAllocation(region.code, body.year, true);
  if (existing) return { ...view(existing), alreadyAllocated: true };

  const points = (await store.allPointsIn(region.code, region.path)).filter((pt) => pt.stage !== 'closed');
  const CHUNK = 90;
  for (let i = 0; i < points.length; i += CHUNK) {
    const tx = new Tx(ctx);
    const chunk = points.slice(i, i + CHUNK);
    for (const pt of chunk) {
      const item = PointFund.item({ pointId: pt.id, year: body.year, regionPath: pt.regionPath, scopeBucket: pt.scopeBucket, allocatedFen: SUBSIDY_PER_POINT_FEN, spentFen: 0, balanceFen: SUBSIDY_PER_POINT_FEN });
      tx.update(
        { pk: item.pk, sk: item.sk },
        'SET #e = :e, pointId = :pid, #yr = :yr, regionPath = :rp, scopeBucket = :b, gsi3pk = :g3pk, gsi3sk = :g3sk, allocatedFen = if_not_exists(allocatedFen, :amt), spentFen = if_not_exists(spentFen, :zero), balanceFen = if_not_exists(balanceFen, :amt)',
        {
          names: { '#e': 'entity', '#yr': 'year' },
          values: { ':e': item.entity, ':pid': pt.id, ':yr': body.year, ':rp': pt.regionPath, ':b': pt.scopeBucket, ':g3pk': item.gsi3pk, ':g3sk': item.gsi3sk, ':amt': SUBSIDY_PER_POINT_FEN, ':zero': 0 },
        },
      );
    }
    tx.log({ action: 'funds.point_accounts_opened', targetType: 'FundAllocation', targetId: `${region.code}#${body.year}`, after: { points: chunk.map((c) => c.id) }, countyCode: region.code });
    await tx.commit();
  }
  const allocation = {
    countyCode: region.code,
    year: body.year,
    pointCount: points.length,
    perPointFen: SUBSIDY_PER_POINT_FEN,
    totalFen: points.length * SUBSIDY_PER_POINT_FEN,
    receivedOn,
    allocatedBy: p.accountId,
    allocatedAt: isoShanghai(ctx.now),
  };
  try {
    await new Tx(ctx)
      .put(FundAllocation.item(allocation), { conflict: { code: 'ALREADY_ALLOCATED', message: '该县该年度补助资金已下达' } })
      .log({ action: 'funds.allocated', targetType: 'FundAllocation', targetId: `${region.code}#${body.year}`, after: allocation, countyCode: region.code, regionCode: region.code })
      .commit();
  } catch (err) {
    // A concurrent call allocated first: answer with its allocation, as a retry would get.
    if (err instanceof Conflict && err.code === 'ALREADY_ALLOCATED') {
      const first = await store.getAllocation(region.code, body.year, true);
      if (first) return { ...view(first), alreadyAllocated: true };
    }
    throw err;
  }
  return { ...allocation, alreadyAllocated: false };
}

export async function recordExpenditure(
  ctx: RequestCtx,
  body: { pointId: string; category: ExpenditureCategory; amountFen: number; date: string; voucherNumber: string; note?: string },
) {
  const { p, point } = await pointForWrite(ctx, body.pointId);
  checkDate('date', body.date, ctx);
  const year = Number(body.date.slice(0, 4));
  // The spend moves the balance from the value read to that value less the amount (or the
  // whole spend is read and tried again), so the reply's balanceFen is the one this spend left.
  for (let attempt = 0; ; attempt++) {
    const fund = await store.getPointFund(point.id, year);
    if (!fund) throw new Conflict(`${year} 年度补助资金尚未下达到该服务点`, 'NO_ALLOCATION', { year });
    if (fund.balanceFen < body.amountFen) {
      throw new Conflict('支出超过服务点补助余额', 'INSUFFICIENT_BALANCE', { balanceFen: fund.balanceFen, amountFen: body.amountFen });
    }
    const expenditure = {
      id: newId(),
      pointId: point.id,
      regionPath: point.regionPath,
      scopeBucket: point.scopeBucket,
      year,
      category: body.category,
      amountFen: body.amountFen,
      date: body.date,
      voucherNumber: body.voucherNumber,
      ...(body.note ? { note: body.note } : {}),
      recordedBy: p.accountId,
      recordedAt: isoShanghai(ctx.now),
    };
    const tx = new Tx(ctx)
      .update(PointFund.key({ pointId: point.id, year }), 'SET spentFen = spentFen + :a, balanceFen = balanceFen - :a', {
        condition: 'balanceFen = :seen AND balanceFen >= :a',
        values: { ':a': body.amountFen, ':seen': fund.balanceFen },
        conflict: { code: 'BALANCE_MOVED', message: '余额已被同时进行的支出改变，请重试' },
      })
      .put(Expenditure.item(expenditure))
      .put(Voucher.item({ countyCode: point.scopeBucket, voucherNumber: body.voucherNumber, expenditureId: expenditure.id }), {
        conflict: { code: 'DUPLICATE_VOUCHER', message: `凭证号 ${body.voucherNumber} 已使用` },
      })
      .log({ action: 'funds.spent', targetType: 'Point', targetId: point.id, after: expenditure, countyCode: point.scopeBucket, regionCode: point.regionCode });
    try {
      await tx.commit();
    } catch (err) {
      if (err instanceof Conflict && err.code === 'BALANCE_MOVED' && attempt < 8) continue;
      throw err;
    }
    return { ...expenditure, balanceFen: fund.balanceFen - body.amountFen };
  }
}

/**
 * The monthly execution statistic: per point (at county level and below) and per county,
 * allocated (if received by month end), spent up to the month's end, spent in the month and
 * the balance at the month's end. All integer fen.
 */
export async function fundsSummary(ctx: RequestCtx, q: { region?: string; month?: string }) {
  const p = requireStaff(ctx);
  const region = await scopedRegion(p, q.region);
  const month = q.month ?? monthShanghai(ctx.now);
  const year = Number(month.slice(0, 4));
  const last = monthEnd(month);
  const perPoint = Boolean(countyOf(region.path));
  const total = { allocatedFen: 0, spentFen: 0, spentInMonthFen: 0, balanceFen: 0 };
  const counties = [];
  const points = [];
  for (const bucket of await countiesUnder(region)) {
    const county = await findRegion(bucket);
    const prefix = region.path;
    const [allocation, funds, spending, pointList] = await Promise.all([
      store.getAllocation(bucket, year),
      store.pointFundsIn(bucket, year, prefix),
      store.expendituresUpTo(bucket, year, prefix, last),
      perPoint ? store.allPointsIn(bucket, prefix) : Promise.resolve([] as PointAttrs[]),
    ]);
    const own = onlyOperator(p) ? (x: { pointId: string }) => x.pointId === p.pointId : () => true;
    const sum = { allocatedFen: 0, spentFen: 0, spentInMonthFen: 0, balanceFen: 0 };
    const names = new Map(pointList.map((pt) => [pt.id, pt]));
    for (const f of funds.filter(own)) {
      const spent = spending.filter((e) => e.pointId === f.pointId);
      const row = {
        allocatedFen: f.allocatedFen,
        spentFen: spent.reduce((a, e) => a + e.amountFen, 0),
        spentInMonthFen: spent.filter((e) => e.date.startsWith(month)).reduce((a, e) => a + e.amountFen, 0),
        balanceFen: 0,
      };
      row.balanceFen = row.allocatedFen - row.spentFen;
      for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += row[k];
      if (perPoint) {
        const pt = names.get(f.pointId);
        points.push({ pointId: f.pointId, name: pt?.name, regionCode: pt?.regionCode, ...row });
      }
    }
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += sum[k];
    counties.push({
      countyCode: bucket,
      name: county?.name ?? bucket,
      pointCount: allocation?.pointCount ?? 0,
      receivedOn: allocation?.receivedOn,
      ...sum,
      executionPercent: sum.allocatedFen === 0 ? 0 : Math.floor((sum.spentFen * 1000) / sum.allocatedFen) / 10,
    });
  }
  return {
    region: region.code,
    month,
    year,
    perPointFen: SUBSIDY_PER_POINT_FEN,
    ...(perPoint ? { points } : {}),
    counties,
    total: { ...total, executionPercent: total.allocatedFen === 0 ? 0 : Math.floor((total.spentFen * 1000) / total.allocatedFen) / 10 },
  };
}

// ── public directory (P8)

const DEFAULT_HOURS = '周一至周五 8:30-12:00, 14:30-17:30（法定节假日除外）';

function offsetCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const m = /^o(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new BadRequest('cursor: 无效的分页游标', [{ field: 'cursor', message: '无效的分页游标' }]);
  return Number(m[1]);
}

/**
 * Points in formal operation in a region subtree — one Query per county on gsi2 (bucket#stage,
 * begins_with path), kiosks by BatchGet — nearest first when `near` is given (great-circle
 * distance; points without a location last). Pages are slices of that order.
 */
export async function publicPoints(ctx: RequestCtx, q: { region: string; near?: { lat: number; lng: number }; limit: number; cursor?: string }) {
  const region = await findRegion(q.region);
  if (!region) throw new NotFound(`区划 ${q.region} 不存在`, 'REGION_NOT_FOUND');
  const buckets = await countiesUnder(region);
  const points = (await Promise.all(buckets.map((b) => store.allPointsIn(b, region.path, 'in_operation')))).flat();
  const kiosks = await store.kiosksOf(points.map((pt) => pt.id));
  const catalogue = (await listCatalogItems(ctx)).items;
  const rows = points.map((pt) => {
    const kiosk = kiosks.get(pt.id);
    const hasKiosk = Boolean(kiosk && KIOSK_READY.includes(kiosk.stage));
    const channels = hasKiosk ? ['window', 'self_service', 'assisted', 'home_visit'] : ['window', 'home_visit'];
    return {
      id: pt.id,
      name: pt.name,
      kind: pt.kind,
      regionCode: pt.regionCode,
      address: pt.address,
      ...(pt.location ? { location: pt.location } : {}),
      ...(q.near && pt.location ? { distanceMeters: distanceMeters(q.near, pt.location) } : {}),
      hours: pt.hours ?? DEFAULT_HOURS,
      ...(pt.phone ? { phone: pt.phone } : {}),
      hasKiosk,
      channels,
      itemCodes: catalogue.filter((i) => i.channels.some((c) => channels.includes(c))).map((i) => i.code),
    };
  });
  rows.sort((a, b) => {
    if (q.near) {
      const da = a.distanceMeters ?? Number.POSITIVE_INFINITY;
      const db = b.distanceMeters ?? Number.POSITIVE_INFINITY;
      if (da !== db) return da - db;
    }
    return a.regionCode === b.regionCode ? a.id.localeCompare(b.id) : a.regionCode.localeCompare(b.regionCode);
  });
  const from = offsetCursor(q.cursor);
  const items = rows.slice(from, from + q.limit);
  const next = from + q.limit < rows.length ? Buffer.from(`o${from + q.limit}`).toString('base64url') : null;
  return { items, nextCursor: next, ...(q.near ? { near: q.near } : {}) };
}
