import { queryAll, queryPage, queryPages, type PatternQuery } from '../../shared/db/store';
import { Tx, requireVersion } from '../../shared/db/tx';
import {
  CASE_STATUSES,
  CLOSED_STATUSES,
  Case,
  CaseStep,
  RUNNING_STATUSES,
  RatingFollowUp,
  casesOfApplicant,
  casesOfCounty,
  casesOfPoint,
  pointStatusDueBefore,
  pointStatusDueFrom,
  pointStatusPrefix,
  type CaseAttrs,
  type CaseStatus,
  type CaseStepAttrs,
  type Channel,
  type DeviceAttrs,
  type DeviceStage,
  type PointStage,
  type RatingReason,
  type ResultDelivery,
} from '../../shared/db/entities';
import type { CitizenPrincipal, RequestCtx, StaffPrincipal } from '../../shared/http/context';
import { BadRequest, Conflict, Forbidden, NotFound, badField, type FieldIssue } from '../../shared/http/errors';
import { dateShanghai, isoShanghai } from '../../shared/clock';
import { newId } from '../../shared/ids';
import { dueDateOf, previousWorkingDay } from '../../shared/calendar';
import { countiesUnder, findRegion } from '../../shared/regions';
import { refuseOwnCase } from '../../shared/security/conflict-of-interest';
import { levelOf, requireCaseRights, requireInScope, requireLevel, requirePointScope, requireStaff } from '../../shared/security/authorize';
import { countyOf } from '../../shared/security/scope';
import { blindIndex, sealPerson, unseal } from '../../shared/security/crypto';
import { currentVersion } from '../catalog/store';
import { numberCase, numberingView, withCaseNumber } from './numbering';
import { findByApplicant, findByNumber } from './lookup';
import { caseRisk, hasLiveRisk, risksOf, type Risk } from './risk';
import { bumpCounters, caseWithSteps, getCase, getKiosk, getPoint, provisionalMarkers, readForAccept, syncProvisionalMarkers } from './store';

/**
 * Cases 办件: accept at a point (C1, C2), county review (C3), working-day time limits (C4),
 * result and rating (C5), and a step record for every change (C6).
 */

/** A point accepts cases from its trial run on (验收 "accepted" lies between trial run and formal operation). */
const POINT_ACCEPTS: readonly PointStage[] = ['trial_run', 'accepted', 'in_operation'];
/** A kiosk is usable once registered to its point. */
const KIOSK_READY: readonly DeviceStage[] = ['registered', 'installed', 'debugged', 'asset_transferred'];
const TERMINAL_RE = /^[0-9A-Za-z_-]{1,64}$/;

interface Person {
  name: string;
  idNumber: string;
  phone: string;
}
/**
 * A proxy (代理办) is optional on every channel, home visits included: at a home visit the
 * elderly or disabled applicant often signs themself. When someone else acts, their name, ID
 * number, phone and relation are required together and recorded (sealed) on the case and step.
 */
export interface AcceptInput {
  itemCode: string;
  channel: Channel;
  /** The ID number may be left out only by a citizen on a kiosk (taken from their QR login). */
  applicant: Omit<Person, 'idNumber'> & { idNumber?: string };
  proxy?: Person & { relation: string };
  materialsNotified: string[];
  materialsReceived: string[];
}

const uniq = (xs: string[]) => [...new Set(xs)];

/** The step record of a change (C6), written in the change's transaction. */
function step(
  ctx: RequestCtx,
  c: CaseAttrs,
  action: string,
  role: string,
  from: CaseStatus | undefined,
  note?: string,
  details?: Record<string, unknown>,
  /** Who acted when it is not the caller: the kiosk moving its own case on. */
  by?: { actorId: string; actorName: string },
) {
  const p = ctx.principal;
  const attrs: CaseStepAttrs = {
    caseId: c.id,
    id: newId(),
    action,
    at: isoShanghai(ctx.now),
    actorId: by ? by.actorId : p.kind === 'staff' ? p.accountId : p.kind === 'citizen' ? `citizen:${p.personIndex.slice(0, 16)}` : 'system',
    ...(by ? { actorName: by.actorName } : p.kind === 'staff' ? { actorName: p.name } : {}),
    role,
    // Where: the case's point (a citizen rating or a county reviewer acts on the point's case).
    pointId: p.kind === 'staff' && p.pointId ? p.pointId : c.pointId,
    ...(ctx.terminalId ? { terminalId: ctx.terminalId } : {}),
    applicantIndex: c.applicantIndex,
    applicantMasked: c.applicant.idNumberMasked,
    ...(from ? { fromStatus: from } : {}),
    toStatus: c.status,
    ...(note ? { note } : {}),
    ...(details ? { details } : {}),
  };
  return CaseStep.item(attrs);
}

/** What the op-log keeps of a case: its state, never its personal data. */
const logState = (c: CaseAttrs) => ({ status: c.status, dueDate: c.dueDate, version: c.version, calendarProvisional: c.calendarProvisional });

function operatorAtPoint(ctx: RequestCtx): StaffPrincipal & { pointId: string } {
  const p = requireStaff(ctx);
  requireCaseRights(p, 'operator');
  if (!p.pointId) throw new Forbidden('账号未绑定服务点，不能办件', 'NO_POINT');
  return p as StaffPrincipal & { pointId: string };
}

/**
 * 首问负责制: who answers for the case at the point. An operator's case belongs to its acceptor;
 * a case a citizen accepted alone on a kiosk belongs to the kiosk's point, so any operator of
 * that point acts as its owner. The same test keeps owners from reviewing (separation of duties).
 */
export function isCaseOwner(p: StaffPrincipal, c: Pick<CaseAttrs, 'acceptorId' | 'ownerPointId'>): boolean {
  if (c.ownerPointId !== undefined) return p.roles.includes('operator') && p.pointId === c.ownerPointId;
  return c.acceptorId === p.accountId;
}

/** The case's owner is the only one who moves it at the point. */
async function ownCase(ctx: RequestCtx, id: string): Promise<{ p: StaffPrincipal; c: CaseAttrs }> {
  const p = operatorAtPoint(ctx);
  const c = await getCase(id);
  if (!c) throw new NotFound('办件不存在', 'CASE_NOT_FOUND');
  requirePointScope(p, c.regionPath, c.pointId, '办件');
  if (c.pointId !== p.pointId) throw new NotFound('办件不存在', 'CASE_NOT_FOUND');
  if (!isCaseOwner(p, c)) throw new Forbidden('首问负责制：仅受理人可办理此件', 'NOT_CASE_OWNER');
  await refuseOwnCase(ctx, p, c, 'handle');
  return { p, c };
}

function requireStatus(c: CaseAttrs, allowed: CaseStatus[], what: string): void {
  if (!allowed.includes(c.status)) {
    throw new Conflict(`办件当前状态为 ${c.status}，不能${what}`, 'INVALID_CASE_STATE', { status: c.status, allowed });
  }
}

const stateCondition = (status: CaseStatus) => ({ condition: '#st = :st', names: { '#st': 'status' }, values: { ':st': status } });

// ---------------------------------------------------------------------------------- accept

/**
 * Who accepts: an operator at their own point (the acceptor owns the case), or a citizen alone on
 * a registered kiosk of a point (C1 self-service: the point owns the case, the kiosk acts for it).
 */
type Acceptor =
  | { kind: 'operator'; p: StaffPrincipal & { pointId: string }; pointId: string }
  | { kind: 'kiosk'; citizen: CitizenPrincipal; kiosk: DeviceAttrs; pointId: string; terminalId: string };

/**
 * A citizen token on a kiosk: self-service only, at a kiosk registered (or further) to its point,
 * for themself. Refusals come before anything is read that the answer would depend on.
 */
async function kioskAcceptor(ctx: RequestCtx, citizen: CitizenPrincipal, body: AcceptInput): Promise<Acceptor> {
  if (body.channel !== 'self_service') {
    const message = '群众本人只能在自助终端自助办理 (channel: self_service)';
    throw new Forbidden(message, 'SELF_SERVICE_ONLY', [{ field: 'body.channel', message }]);
  }
  const terminalId = ctx.terminalId;
  if (!terminalId) throw badField('header.x-terminal-id', '自助办理须在服务点已登记的自助终端上进行 (X-Terminal-Id)', 'TERMINAL_REQUIRED');
  if (body.applicant.idNumber !== undefined && (await blindIndex('id', body.applicant.idNumber)) !== citizen.personIndex) {
    throw new Forbidden('自助办理的申请人须为扫码登录的本人', 'APPLICANT_NOT_SELF', [{ field: 'body.applicant.idNumber', message: '与扫码登录的身份证号不一致' }]);
  }
  const kiosk = await getKiosk(terminalId);
  if (!kiosk || !KIOSK_READY.includes(kiosk.stage)) throw new Forbidden('终端不是已登记的自助终端', 'TERMINAL_NOT_REGISTERED');
  return { kind: 'kiosk', citizen, kiosk, pointId: kiosk.pointId, terminalId };
}

/** How a kiosk signs the steps it takes itself (the immediate submit or completion). */
const kioskActor = (a: Extract<Acceptor, { kind: 'kiosk' }>, pointName: string) => ({
  actorId: `kiosk:${a.terminalId}`,
  actorName: `${pointName}自助终端（${a.terminalId}）`,
});

/**
 * Accepts once more if another acceptance in the county took the number meanwhile. `within`:
 * more items for the acceptance's own transaction (an offline kiosk's client-id marker).
 */
export const acceptCase = (ctx: RequestCtx, body: AcceptInput, within?: (tx: Tx, c: CaseAttrs) => void) =>
  withCaseNumber(() => acceptOnce(ctx, body, within));

async function acceptOnce(ctx: RequestCtx, body: AcceptInput, within?: (tx: Tx, c: CaseAttrs) => void) {
  const principal = ctx.principal;
  const terminalId = ctx.terminalId;
  const acceptor: Acceptor =
    principal.kind === 'citizen'
      ? await kioskAcceptor(ctx, principal, body)
      : (() => {
          const p = operatorAtPoint(ctx);
          return { kind: 'operator' as const, p, pointId: p.pointId };
        })();
  if (terminalId !== undefined && !TERMINAL_RE.test(terminalId)) throw badField('header.x-terminal-id', '无效的终端编号');
  const nowMs = ctx.now.getTime();
  const version = await currentVersion(nowMs);
  const { point, item, device } = await readForAccept(acceptor.pointId, version, body.itemCode, acceptor.kind === 'operator' ? terminalId : undefined);
  if (!point) {
    throw acceptor.kind === 'kiosk' ? new Forbidden('终端所属服务点不存在', 'TERMINAL_NOT_REGISTERED') : new Forbidden('账号绑定的服务点不存在', 'NO_POINT');
  }
  if (!POINT_ACCEPTS.includes(point.stage)) {
    throw new Conflict(`服务点处于「${point.stage}」阶段，未试运行或正式运行，不能受理`, 'POINT_NOT_IN_OPERATION', { stage: point.stage });
  }
  if (acceptor.kind === 'operator' && terminalId !== undefined && (!device || device.pointId !== point.id || !KIOSK_READY.includes(device.stage))) {
    throw new Forbidden('终端不是本服务点已登记的自助终端', 'TERMINAL_NOT_REGISTERED');
  }
  if (!item) throw badField('body.itemCode', `事项 ${body.itemCode} 不在当前目录（第 ${version} 版）中`, 'ITEM_NOT_FOUND');

  // Every refusal of the request at once, each naming its field.
  const issues: FieldIssue[] = [];
  const codes: string[] = [];
  if (!item.channels.includes(body.channel)) {
    issues.push({ field: 'body.channel', message: `事项 ${item.code} 不提供渠道 ${body.channel}（可用: ${item.channels.join(', ')}）` });
    codes.push('CHANNEL_NOT_OFFERED');
  } else if (body.channel === 'self_service' && !terminalId) {
    issues.push({ field: 'header.x-terminal-id', message: '自助办理须在本服务点已登记的自助终端上进行 (X-Terminal-Id)' });
    codes.push('TERMINAL_REQUIRED');
  }
  if (acceptor.kind === 'operator' && body.applicant.idNumber === undefined) {
    issues.push({ field: 'body.applicant.idNumber', message: '请填写申请人身份证号' });
    codes.push('INVALID_INPUT');
  }
  if (acceptor.kind === 'kiosk' && body.proxy) {
    issues.push({ field: 'body.proxy', message: '自助办理由申请人本人操作，不设代理人' });
    codes.push('INVALID_INPUT');
  }
  const notified = uniq(body.materialsNotified);
  const missing = item.materials.filter((m) => !notified.includes(m));
  if (missing.length > 0) {
    issues.push({ field: 'body.materialsNotified', message: `一次性告知缺少: ${missing.join('、')}` });
    codes.push('MATERIALS_NOT_NOTIFIED');
  }
  const received = uniq(body.materialsReceived);
  const strange = received.filter((m) => !notified.includes(m));
  if (strange.length > 0) {
    issues.push({ field: 'body.materialsReceived', message: `收取的材料不在告知清单中: ${strange.join('、')}` });
    codes.push('MATERIAL_NOT_NOTIFIED');
  }
  if (body.proxy && body.proxy.idNumber === body.applicant.idNumber) {
    issues.push({ field: 'body.proxy.idNumber', message: '代理人不能是申请人本人' });
    codes.push('INVALID_INPUT');
  }
  if (issues.length > 0) {
    throw new BadRequest(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues, codes.length === 1 ? codes[0] : 'INVALID_INPUT');
  }
  // On a kiosk the applicant is the person the QR login proved.
  const applicantIdNumber = body.applicant.idNumber ?? (acceptor.kind === 'kiosk' ? await unseal(acceptor.citizen.idNumberSealed) : '');

  const acceptDate = dateShanghai(ctx.now);
  const limit = item.review === 'none' ? 0 : item.timeLimitWorkingDays;
  const due = await dueDateOf(acceptDate, limit, [], nowMs);
  const [applicant, applicantIndex, proxy] = await Promise.all([
    sealPerson({ ...body.applicant, idNumber: applicantIdNumber }),
    acceptor.kind === 'kiosk' ? Promise.resolve(acceptor.citizen.personIndex) : blindIndex('id', applicantIdNumber),
    body.proxy ? sealPerson(body.proxy) : Promise.resolve(undefined),
  ]);
  if (acceptor.kind === 'operator') await refuseOwnCase(ctx, acceptor.p, { applicantIndex, regionPath: point.regionPath }, 'accept');
  const county = countyOf(point.regionPath) ?? point.scopeBucket;
  const kiosk = acceptor.kind === 'kiosk' ? kioskActor(acceptor, point.name) : undefined;
  const numbering = await numberCase(county, acceptDate);
  const c: CaseAttrs = {
    id: newId(),
    number: numbering.number,
    checkCode: numbering.checkCode,
    itemCode: item.code,
    itemName: item.nameZh,
    catalogVersion: item.version,
    item: { review: item.review, timeLimitWorkingDays: limit, channels: item.channels, materials: item.materials },
    channel: body.channel,
    applicant,
    applicantIndex,
    ...(proxy && body.proxy ? { proxy: { ...proxy, relation: body.proxy.relation } } : {}),
    materialsNotified: notified,
    materialsReceived: received,
    status: 'accepted',
    pointId: point.id,
    pointName: point.name,
    regionCode: point.regionCode,
    regionPath: point.regionPath,
    scopeBucket: county,
    ...(acceptor.kind === 'operator'
      ? { acceptorId: acceptor.p.accountId, acceptorName: acceptor.p.name }
      : { acceptorId: kiosk!.actorId, acceptorName: kiosk!.actorName, ownerPointId: point.id }),
    ...(terminalId ? { terminalId } : {}),
    acceptedAt: isoShanghai(ctx.now),
    acceptDate,
    dueDate: due.dueDate,
    calendarProvisional: due.provisional,
    provisionalYears: due.provisionalYears,
    pauses: [],
    pausedWorkingDays: 0,
    violations: [],
    version: 1,
  };
  // Overdue risk before the citizen leaves: a COUNT on the county queue and the county's pace (risk.ts).
  if (c.item.review === 'county') c.risk = await caseRisk(c, ctx.now);
  const where = { countyCode: county, regionCode: c.regionCode, ...(acceptor.kind === 'kiosk' ? { pointId: point.id } : {}) };
  const counters: Record<string, number> = { accepted: 1, [`ch_${c.channel}`]: 1, [`item_${c.itemCode}`]: 1, ...(c.risk?.level === 'high' ? { riskHigh: 1 } : {}) };
  const tx = new Tx(ctx)
    .put(
      step(ctx, c, 'accept', acceptor.kind === 'kiosk' ? 'citizen' : 'operator', undefined, undefined, {
        itemCode: c.itemCode,
        catalogVersion: c.catalogVersion,
        channel: c.channel,
        materialsNotified: c.materialsNotified,
        materialsReceived: c.materialsReceived,
        dueDate: c.dueDate,
        ...(c.proxy ? { proxy: { name: c.proxy.name, idNumber: c.proxy.idNumberMasked, relation: c.proxy.relation } } : {}),
      }),
    )
    .log({ action: 'case.accept', targetType: 'Case', targetId: c.id, after: logState(c), ...where });

  // A kiosk has no one to carry the case on: in the same transaction it goes to the county at
  // once, or, needing no review, completes on the kiosk with the result handed over on the spot.
  let final = c;
  if (kiosk && item.review !== 'none') {
    final = { ...c, status: 'submitted', submittedAt: isoShanghai(ctx.now) };
    tx.put(step(ctx, final, 'submit', 'kiosk', c.status, '自助终端受理后即时报送县级审核', undefined, kiosk))
      .log({ action: 'case.submit', targetType: 'Case', targetId: c.id, before: logState(c), after: logState(final), ...where });
    counters.submitted = 1;
  } else if (kiosk) {
    const onTime = acceptDate <= c.dueDate;
    const now = isoShanghai(ctx.now);
    final = { ...c, status: 'completed', result: { text: '已在自助终端办结，结果当场交付', delivery: 'on_the_spot', at: now }, closedAt: now, closedDate: acceptDate, onTime };
    tx.put(step(ctx, final, 'complete', 'kiosk', c.status, undefined, { delivery: 'on_the_spot', onTime }, kiosk))
      .log({ action: 'case.complete', targetType: 'Case', targetId: c.id, before: logState(c), after: logState(final), ...where });
    Object.assign(counters, closingCounters(c, onTime, 'completed'));
  }
  tx.put(Case.item(final));
  // One counter update per item per transaction: the accept's and the kiosk's follow-on counts together.
  bumpCounters(tx, c, ctx.now, counters);
  // A case closed on the spot has a fixed verdict: no provisional marker.
  if (final.status !== 'completed') syncProvisionalMarkers(tx, c.id, [], c.provisionalYears, c.dueDate);
  numbering.claim(tx, c.id);
  within?.(tx, final);
  await tx.commit();
  // A kiosk screen is shared: the reply shows the numbers masked even to the applicant.
  return caseView(ctx, final, { reveal: false });
}

// ---------------------------------------------------------------------------------- the acceptor's steps

export async function submitCase(ctx: RequestCtx, id: string, body?: { version?: number; note?: string }) {
  const { c } = await ownCase(ctx, id);
  requireVersion(c, body?.version);
  requireStatus(c, ['accepted'], '报送审核');
  if (c.item.review === 'none') throw new Conflict('此事项无需县级审核，请直接办结', 'NO_REVIEW_NEEDED');
  const next: CaseAttrs = { ...c, status: 'submitted', submittedAt: isoShanghai(ctx.now) };
  const tx = new Tx(ctx)
    .replace(Case.item(next), c.version, stateCondition('accepted'))
    .put(step(ctx, next, 'submit', 'operator', c.status, body?.note))
    .log({ action: 'case.submit', targetType: 'Case', targetId: c.id, before: logState(c), after: logState({ ...next, version: c.version + 1 }), countyCode: c.scopeBucket, regionCode: c.regionCode });
  bumpCounters(tx, c, ctx.now, { submitted: 1 });
  await tx.commit();
  return caseView(ctx, { ...next, version: c.version + 1 }, { reveal: false });
}

export async function supplementCase(ctx: RequestCtx, id: string, input: { materialsReceived?: string[]; note?: string; version?: number }) {
  const { c } = await ownCase(ctx, id);
  const body = { ...input, materialsReceived: input.materialsReceived ?? c.decision?.missingMaterials ?? [] };
  requireVersion(c, body.version);
  requireStatus(c, ['returned'], '补正');
  const today = dateShanghai(ctx.now);
  const pauses = c.pauses.map((x, i) => (i === c.pauses.length - 1 && !x.supplementedOn ? { ...x, supplementedOn: today } : x));
  const due = await dueDateOf(c.acceptDate, c.item.timeLimitWorkingDays, pauses, ctx.now.getTime());
  const last = pauses[pauses.length - 1];
  const pausedNow = due.pausedWorkingDays - c.pausedWorkingDays;
  if (last) last.workingDays = pausedNow;
  const next: CaseAttrs = {
    ...c,
    status: 'submitted',
    pauses,
    pausedWorkingDays: due.pausedWorkingDays,
    dueDate: due.dueDate,
    calendarProvisional: due.provisional,
    provisionalYears: due.provisionalYears,
    materialsReceived: uniq([...c.materialsReceived, ...body.materialsReceived]),
    submittedAt: isoShanghai(ctx.now),
  };
  const tx = new Tx(ctx)
    .replace(Case.item(next), c.version, stateCondition('returned'))
    .put(step(ctx, next, 'supplement', 'operator', c.status, body.note, { materialsReceived: uniq(body.materialsReceived), pausedWorkingDays: pausedNow, dueDateBefore: c.dueDate, dueDate: next.dueDate }))
    .log({ action: 'case.supplement', targetType: 'Case', targetId: c.id, before: logState(c), after: logState({ ...next, version: c.version + 1 }), countyCode: c.scopeBucket, regionCode: c.regionCode });
  bumpCounters(tx, c, ctx.now, { supplemented: 1 });
  syncProvisionalMarkers(tx, c.id, c.provisionalYears, next.provisionalYears, next.dueDate);
  await tx.commit();
  return caseView(ctx, { ...next, version: c.version + 1 }, { reveal: false });
}

/** Closing counts the case once, in the month it closes: on time or late, by item. */
function closingCounters(c: CaseAttrs, onTime: boolean, outcome: 'completed' | 'rejected'): Record<string, number> {
  return {
    [outcome]: 1,
    [onTime ? 'onTime' : 'overdue']: 1,
    [`done_${c.itemCode}`]: 1,
    ...(onTime ? {} : { [`late_${c.itemCode}`]: 1 }),
    // Judged high-risk at acceptance: the weekly report counts how many still ended on time.
    ...(c.risk?.level === 'high' ? { riskHighClosed: 1, ...(onTime ? { riskHighOnTime: 1 } : {}) } : {}),
  };
}

export async function completeCase(ctx: RequestCtx, id: string, body: { result: string; delivery: ResultDelivery; version?: number }) {
  const { c } = await ownCase(ctx, id);
  requireVersion(c, body.version);
  if (c.status === 'accepted' && c.item.review !== 'none') {
    throw new Conflict('此事项须经县级审核通过后才能办结', 'REVIEW_REQUIRED', { status: c.status });
  }
  requireStatus(c, ['accepted', 'approved'], '办结');
  const today = dateShanghai(ctx.now);
  const onTime = today <= c.dueDate;
  const next: CaseAttrs = {
    ...c,
    status: 'completed',
    result: { text: body.result, delivery: body.delivery, at: isoShanghai(ctx.now) },
    closedAt: isoShanghai(ctx.now),
    closedDate: today,
    onTime,
    calendarProvisional: c.calendarProvisional,
  };
  const tx = new Tx(ctx)
    .replace(Case.item(next), c.version, stateCondition(c.status))
    .put(step(ctx, next, 'complete', 'operator', c.status, undefined, { delivery: body.delivery, onTime }))
    .log({ action: 'case.complete', targetType: 'Case', targetId: c.id, before: logState(c), after: logState({ ...next, version: c.version + 1 }), countyCode: c.scopeBucket, regionCode: c.regionCode });
  bumpCounters(tx, c, ctx.now, closingCounters(c, onTime, 'completed'));
  // A closed case's verdict is fixed: it leaves the provisional recomputation.
  syncProvisionalMarkers(tx, c.id, c.provisionalYears, [], c.dueDate);
  await tx.commit();
  return caseView(ctx, { ...next, version: c.version + 1 }, { reveal: false });
}

// ---------------------------------------------------------------------------------- county review

export async function reviewCase(
  ctx: RequestCtx,
  id: string,
  body: { decision: 'approve' | 'reject' | 'return'; reason?: string; version: number; missingMaterials?: string[] },
) {
  const p = requireStaff(ctx);
  requireCaseRights(p, 'reviewer');
  requireLevel(p, 'county');
  const c = await getCase(id);
  if (!c) throw new NotFound('办件不存在', 'CASE_NOT_FOUND');
  requireInScope(p, c.regionPath, '办件');
  if (isCaseOwner(p, c)) throw new Forbidden('不得审核本人受理（负责）的办件', 'SEPARATION_OF_DUTIES');
  await refuseOwnCase(ctx, p, c, 'review');
  requireStatus(c, ['submitted'], '审核');
  requireVersion(c, body.version);

  const now = isoShanghai(ctx.now);
  const today = dateShanghai(ctx.now);
  const counters: Record<string, number> = {};
  let next: CaseAttrs = {
    ...c,
    decision: {
      decision: body.decision,
      ...(body.reason ? { reason: body.reason } : {}),
      by: p.accountId,
      byName: p.name,
      at: now,
      ...(body.missingMaterials ? { missingMaterials: uniq(body.missingMaterials) } : {}),
    },
  };
  let violation: string[] = [];
  if (body.decision === 'approve') {
    next = { ...next, status: 'approved' };
    counters.approved = 1;
  } else if (body.decision === 'reject') {
    const onTime = today <= c.dueDate;
    next = { ...next, status: 'rejected', closedAt: now, closedDate: today, onTime };
    Object.assign(counters, closingCounters(c, onTime, 'rejected'));
  } else {
    // 一次性告知: asking for something that was not on the checklist is a violation, recorded and counted.
    violation = uniq(body.missingMaterials ?? []).filter((m) => !c.materialsNotified.includes(m));
    next = {
      ...next,
      status: 'returned',
      pauses: [...c.pauses, { returnedOn: today }],
      violations: violation.length > 0 ? [...c.violations, { kind: 'material_not_notified', at: now, by: p.accountId, materials: violation }] : c.violations,
    };
    counters.returned = 1;
    if (violation.length > 0) counters.violations = 1;
  }
  const tx = new Tx(ctx)
    .replace(Case.item(next), body.version, { ...stateCondition('submitted'), conflict: { code: 'STALE_VERSION', message: '办件已被他人审核或修改，请刷新' } })
    .put(
      step(ctx, next, `review.${body.decision}`, 'reviewer', c.status, body.reason, {
        ...(body.missingMaterials ? { missingMaterials: uniq(body.missingMaterials) } : {}),
        ...(violation.length > 0 ? { violation: { kind: 'material_not_notified', materials: violation } } : {}),
      }),
    )
    .log({ action: `case.review.${body.decision}`, targetType: 'Case', targetId: c.id, before: logState(c), after: logState({ ...next, version: c.version + 1 }), countyCode: c.scopeBucket, regionCode: c.regionCode });
  bumpCounters(tx, c, ctx.now, counters);
  if (next.status === 'rejected') syncProvisionalMarkers(tx, c.id, c.provisionalYears, [], c.dueDate);
  await tx.commit();
  // Decided, the case is no longer under review: masked like every reply but the logged clear view.
  return caseView(ctx, { ...next, version: c.version + 1 }, { reveal: false });
}

// ---------------------------------------------------------------------------------- citizen

export async function rateCase(ctx: RequestCtx, id: string, body: { score: number; reason?: RatingReason; comment?: string }) {
  const p = ctx.principal;
  if (p.kind !== 'citizen') throw new Forbidden('仅限申请人本人评价', 'CITIZEN_ONLY');
  const c = await getCase(id);
  // Someone else's case does not exist for this citizen.
  if (!c || c.applicantIndex !== p.personIndex) throw new NotFound('办件不存在', 'CASE_NOT_FOUND');
  requireStatus(c, ['completed'], '评价');
  if (c.rating) throw new Conflict('此件已评价', 'ALREADY_RATED');
  const next: CaseAttrs = { ...c, rating: { score: body.score, ...(body.reason ? { reason: body.reason } : {}), ...(body.comment ? { comment: body.comment } : {}), at: isoShanghai(ctx.now) } };
  const bad = body.score <= 2;
  const tx = new Tx(ctx)
    .replace(Case.item(next), c.version, { condition: 'attribute_not_exists(rating)', conflict: { code: 'ALREADY_RATED', message: '此件已评价' } })
    .put(step(ctx, next, 'rate', 'citizen', c.status, undefined, { score: body.score }))
    .log({ action: 'case.rate', targetType: 'Case', targetId: c.id, after: { score: body.score }, countyCode: c.scopeBucket, regionCode: c.regionCode });
  bumpCounters(tx, c, ctx.now, { ratingSum: body.score, ratingCount: 1, ...(bad ? { badRatings: 1 } : {}) });
  if (bad) {
    const followUp = RatingFollowUp.item({
      id: newId(),
      caseId: c.id,
      pointId: c.pointId,
      regionPath: c.regionPath,
      scopeBucket: c.scopeBucket,
      score: body.score,
      ...(body.reason ? { reason: body.reason } : {}),
      ...(body.comment ? { comment: body.comment } : {}),
      status: 'open',
      openedAt: isoShanghai(ctx.now),
      version: 1,
    });
    tx.put(followUp).log({ action: 'case.follow_up_opened', targetType: 'RatingFollowUp', targetId: followUp.id, after: { caseId: c.id, score: body.score }, countyCode: c.scopeBucket, regionCode: c.regionCode });
  }
  await tx.commit();
  return caseView(ctx, { ...next, version: c.version + 1 }, { reveal: true });
}

export async function myCases(ctx: RequestCtx, limit: number, cursor?: string) {
  const p = ctx.principal;
  if (p.kind !== 'citizen') throw new Forbidden('仅限群众本人', 'CITIZEN_ONLY');
  const page = await queryPage<CaseAttrs>({ ...casesOfApplicant(p.personIndex), descending: true }, limit, cursor);
  return { items: await Promise.all(page.items.map((c) => caseView(ctx, c, { reveal: true }))), nextCursor: page.nextCursor };
}

// ---------------------------------------------------------------------------------- reads

/** Staff who may read cases at all: handlers, reviewers, supervisors — never admins (A3). */
function caseReader(ctx: RequestCtx): StaffPrincipal {
  const p = requireStaff(ctx);
  requireCaseRights(p, 'operator', 'reviewer', 'supervisor');
  return p;
}

/** The county reviewer working on the case sees the applicant's numbers in clear. */
function reviewerOnCase(p: StaffPrincipal, c: CaseAttrs): boolean {
  return p.roles.includes('reviewer') && levelOf(p) === 2 && p.regionCode === c.scopeBucket && c.status === 'submitted';
}

export async function getCaseById(ctx: RequestCtx, id: string) {
  const { found, steps } = await caseWithSteps(id);
  const p = ctx.principal;
  if (p.kind === 'citizen') {
    if (!found || found.applicantIndex !== p.personIndex) throw new NotFound('办件不存在', 'CASE_NOT_FOUND');
    return caseView(ctx, found, { reveal: true, steps });
  }
  const staff = caseReader(ctx);
  if (!found) throw new NotFound('办件不存在', 'CASE_NOT_FOUND');
  requirePointScope(staff, found.regionPath, found.pointId, '办件');
  const reveal = reviewerOnCase(staff, found);
  const risk = hasLiveRisk(found) ? await caseRisk(found, ctx.now) : undefined;
  // S1/S2: who saw a citizen's numbers in clear, and when, is in the operation log.
  if (reveal) {
    await new Tx(ctx)
      .log({ action: 'case.pii_viewed', targetType: 'Case', targetId: found.id, countyCode: found.scopeBucket, regionCode: found.regionCode, pointId: found.pointId })
      .commit();
  }
  return caseView(ctx, found, { reveal, steps, risk });
}

export async function listCases(
  ctx: RequestCtx,
  q: { limit: number; cursor?: string; point?: string; status?: CaseStatus; overdue?: 'true' | 'false'; region?: string; number?: string; applicantIdNumber?: string },
) {
  const p = caseReader(ctx);
  if (q.number !== undefined || q.applicantIdNumber !== undefined) {
    const found = q.number !== undefined ? { items: await findByNumber(ctx, p, q.number), nextCursor: null } : await findByApplicant(ctx, p, q.applicantIdNumber!, q.limit, q.cursor);
    return { items: await Promise.all(found.items.map((c) => caseView(ctx, c, { reveal: false }))), nextCursor: found.nextCursor };
  }
  const today = dateShanghai(ctx.now);
  const statuses: CaseStatus[] = q.status ? [q.status] : [...CASE_STATUSES];
  const onlyOperator = p.roles.every((r) => r === 'operator');
  let queries: PatternQuery[];

  const pointId = q.point ?? (onlyOperator ? p.pointId : undefined);
  if (onlyOperator && !p.pointId) throw new Forbidden('账号未绑定服务点', 'NO_POINT');
  if (pointId) {
    const point = await getPoint(pointId);
    if (!point) throw new NotFound('服务点不存在', 'POINT_NOT_FOUND');
    requirePointScope(p, point.regionPath, point.id, '服务点');
    const base = casesOfPoint(point.id);
    if (!q.status && q.overdue === undefined) {
      queries = [base];
    } else {
      queries = statuses.flatMap((s): PatternQuery[] => {
        if (q.overdue === 'true') return RUNNING_STATUSES.includes(s) ? [{ ...base, skBetween: pointStatusDueBefore(s, today) }] : [];
        if (q.overdue === 'false' && RUNNING_STATUSES.includes(s)) return [{ ...base, skBetween: pointStatusDueFrom(s, today) }];
        return [{ ...base, skPrefix: pointStatusPrefix(s) }];
      });
    }
  } else {
    const regionCode = q.region ?? p.regionCode;
    const region = await findRegion(regionCode);
    if (!region) throw new NotFound('区划不存在', 'REGION_NOT_FOUND');
    requireInScope(p, region.path, '区划');
    const county = countyOf(region.path);
    if (!county) throw badField('query.region', '市、省级账号请指定县或以下区划 (region) 或服务点 (point)');
    // Below a county (a township supervisor): the county partition, narrowed to the subtree.
    const filter =
      region.path.split('/').length > 3
        ? { expression: 'begins_with(#rp, :rp)', names: { '#rp': 'regionPath' }, values: { ':rp': region.path } }
        : undefined;
    queries = statuses.flatMap((s): PatternQuery[] => {
      const base = { ...casesOfCounty(county, s), ...(filter ? { filter } : {}) };
      if (q.overdue === 'true') return RUNNING_STATUSES.includes(s) ? [{ ...base, skTo: today }] : [];
      if (q.overdue === 'false' && RUNNING_STATUSES.includes(s)) return [{ ...base, skFrom: today }];
      return [base];
    });
  }
  if (queries.length === 0) return { items: [], nextCursor: null };
  const page = await queryPages<CaseAttrs>(queries, q.limit, q.cursor);
  // The reviewers' queue shows each case's risk now; the unfiltered county queue is one run in order.
  const risks = q.status === 'submitted' ? await risksOf(page.items, ctx.now, !pointId && queries.length === 1 && !queries[0]!.filter) : new Map<string, Risk>();
  return {
    // Lists stay masked for everyone: the numbers in clear are one case at a time, and logged.
    items: await Promise.all(page.items.map((c) => caseView(ctx, c, { reveal: false, risk: risks.get(c.id) }))),
    nextCursor: page.nextCursor,
  };
}

// ---------------------------------------------------------------------------------- calendar recomputation

/**
 * A case's due date computed again on the calendar as it now stands, in its own transaction
 * with a step and a log entry; `year` is the calendar year that changed. A case that moved
 * meanwhile is read again; a closed one only loses its provisional marker.
 */
async function recomputeDueDate(ctx: RequestCtx, caseId: string, year: number, why: string): Promise<'changed' | 'same' | 'closed'> {
  for (let attempt = 0; ; attempt++) {
    const c = await getCase(caseId);
    const tx = new Tx(ctx);
    if (!c || CLOSED_STATUSES.includes(c.status)) {
      syncProvisionalMarkers(tx, caseId, [year], [], c?.dueDate ?? '');
      await tx.log({ action: 'case.due_marker_dropped', targetType: 'Case', targetId: caseId, after: { year } }).commit();
      return 'closed';
    }
    const due = await dueDateOf(c.acceptDate, c.item.timeLimitWorkingDays, c.pauses, ctx.now.getTime());
    const next: CaseAttrs = { ...c, dueDate: due.dueDate, calendarProvisional: due.provisional, provisionalYears: due.provisionalYears, pausedWorkingDays: due.pausedWorkingDays };
    tx.replace(Case.item(next), c.version)
      .put(step(ctx, next, 'due_recomputed', 'system', c.status, why, { year, dueDateBefore: c.dueDate, dueDate: next.dueDate }))
      .log({ action: 'case.due_recomputed', targetType: 'Case', targetId: c.id, before: logState(c), after: logState({ ...next, version: c.version + 1 }), countyCode: c.scopeBucket, regionCode: c.regionCode });
    syncProvisionalMarkers(tx, c.id, c.provisionalYears.includes(year) ? c.provisionalYears : [...c.provisionalYears, year], next.provisionalYears, next.dueDate);
    try {
      await tx.commit();
      return next.dueDate === c.dueDate ? 'same' : 'changed';
    } catch (err) {
      if (err instanceof Conflict && err.code === 'STALE_VERSION' && attempt < 2) continue;
      throw err;
    }
  }
}

/**
 * A newly loaded year replaces the weekday guess: every open case whose due date was computed
 * provisionally in that year (found by Query on the year's markers) gets its due date again.
 */
export async function recomputeProvisionalDueDates(ctx: RequestCtx, year: number): Promise<{ recomputed: number; changed: number }> {
  let recomputed = 0;
  let changed = 0;
  for (const m of await provisionalMarkers(year)) {
    const r = await recomputeDueDate(ctx, m.caseId, year, `${year} 年工作日历已加载`);
    if (r !== 'closed') recomputed += 1;
    if (r === 'changed') changed += 1;
  }
  return { recomputed, changed };
}

/**
 * A correction of a year that was already known (loaded before, or built in): open cases of
 * every county under `rootRegion` whose clock may run through that year — due on or after its
 * first day, accepted by its last — get their due dates again. Queries per county and open
 * status on the county index (never a Scan); the cost grows with the open cases concerned.
 */
export async function recomputeOpenDueDatesIn(ctx: RequestCtx, year: number, rootRegion: string): Promise<{ recomputed: number; changed: number }> {
  const root = await findRegion(rootRegion);
  const counties = root ? await countiesUnder(root) : [];
  let recomputed = 0;
  let changed = 0;
  for (const county of counties) {
    for (const status of [...RUNNING_STATUSES, 'returned'] as CaseStatus[]) {
      const open = await queryAll<CaseAttrs>({ ...casesOfCounty(county, status), skFrom: `${year}-01-01` });
      for (const c of open.filter((x) => x.acceptDate <= `${year}-12-31`)) {
        const r = await recomputeDueDate(ctx, c.id, year, `${year} 年工作日历已更正`);
        if (r !== 'closed') recomputed += 1;
        if (r === 'changed') changed += 1;
      }
    }
  }
  return { recomputed, changed };
}

// ---------------------------------------------------------------------------------- view

async function caseView(ctx: RequestCtx, c: CaseAttrs, opts: { reveal: boolean; steps?: CaseStepAttrs[]; risk?: Risk }) {
  const today = dateShanghai(ctx.now);
  const paused = c.status === 'returned';
  const closed = CLOSED_STATUSES.includes(c.status);
  let overdue = false;
  let warning = false;
  if (closed) overdue = c.onTime === false;
  else if (!paused) {
    overdue = today > c.dueDate;
    if (!overdue) warning = today >= (await previousWorkingDay(c.dueDate, ctx.now.getTime())).value;
  }
  const person = async (x: { name: string; idNumberSealed: string; idNumberMasked: string; phoneSealed: string; phoneMasked: string }) =>
    opts.reveal
      ? { name: x.name, idNumber: await unseal(x.idNumberSealed), phone: await unseal(x.phoneSealed) }
      : { name: x.name, idNumber: x.idNumberMasked, phone: x.phoneMasked };
  return {
    id: c.id,
    ...numberingView(ctx, c),
    itemCode: c.itemCode,
    itemName: c.itemName,
    catalogVersion: c.catalogVersion,
    channel: c.channel,
    applicant: await person(c.applicant),
    ...(c.proxy ? { proxy: { ...(await person(c.proxy)), relation: c.proxy.relation } } : {}),
    materialsNotified: c.materialsNotified,
    materialsReceived: c.materialsReceived,
    status: c.status,
    pointId: c.pointId,
    pointName: c.pointName,
    regionCode: c.regionCode,
    acceptorId: c.acceptorId,
    acceptorName: c.acceptorName,
    ...(c.terminalId ? { terminalId: c.terminalId } : {}),
    acceptedAt: c.acceptedAt,
    dueDate: c.dueDate,
    timeLimitWorkingDays: c.item.timeLimitWorkingDays,
    pausedWorkingDays: c.pausedWorkingDays,
    paused,
    warning,
    overdue,
    calendarProvisional: c.calendarProvisional,
    violations: c.violations,
    ...(c.decision ? { decision: { decision: c.decision.decision, ...(c.decision.reason ? { reason: c.decision.reason } : {}), at: c.decision.at, byName: c.decision.byName, ...(c.decision.missingMaterials ? { missingMaterials: c.decision.missingMaterials } : {}) } } : {}),
    ...(c.result ? { result: c.result } : {}),
    ...(c.rating ? { rating: c.rating } : {}),
    ...(c.onTime !== undefined ? { onTime: c.onTime } : {}),
    // A re-review after a leak freeze found a step wrong: staff and the applicant see the mark.
    ...(c.flagged ? { flagged: { at: c.flagged.at, note: c.flagged.note, action: c.flagged.action } } : {}),
    // Live in the queue and the case view; otherwise as judged at acceptance.
    ...(opts.risk ?? c.risk ? { risk: opts.risk ?? c.risk } : {}),
    version: c.version,
    ...(opts.steps
      ? {
          steps: opts.steps.map((s) => ({
            id: s.id,
            action: s.action,
            at: s.at,
            actorId: s.actorId,
            ...(s.actorName ? { actorName: s.actorName } : {}),
            role: s.role,
            ...(s.pointId ? { pointId: s.pointId } : {}),
            ...(s.terminalId ? { terminalId: s.terminalId } : {}),
            ...(s.fromStatus ? { fromStatus: s.fromStatus } : {}),
            toStatus: s.toStatus,
            ...(s.note ? { note: s.note } : {}),
            ...(s.details ? { details: s.details } : {}),
          })),
        }
      : {}),
  };
}
