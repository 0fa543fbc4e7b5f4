import type { z } from 'zod';
import { logger } from '../../shared/log';
import { afterCommit, Tx } from '../../shared/db/tx';
import { claimSerial, isSerialRace } from '../../shared/db/serial';
import { queryPages, strip, type PatternQuery } from '../../shared/db/store';
import {
  BUSINESS_CATEGORIES,
  ESCALATED_TO,
  LEVEL_DEPTH,
  PROBLEM_LEVELS,
  Problem,
  ProblemCounter,
  ProblemDesignation,
  ProblemEvent,
  ProblemNotice,
  holderKeyOf,
  ledgerSerial,
  problemsAtUnit,
  problemsHeldBy,
  problemsInBucket,
  type BusinessCategory,
  type ProblemAttrs,
  type ProblemEventKind,
  type ProblemLevel,
  type ProblemNoticeAttrs,
} from '../../shared/db/entities';
import { Conflict, Forbidden, NotFound, badField } from '../../shared/http/errors';
import type { RequestCtx, StaffPrincipal } from '../../shared/http/context';
import { isAdmin, requireInScope, requireLevel, requireRole, requireStaff } from '../../shared/security/authorize';
import { countyOf, depthOf, scopeBucketOf } from '../../shared/security/scope';
import { bucketsUnder, findRegion, requireRegion } from '../../shared/regions';
import { dateShanghai, isoShanghai } from '../../shared/clock';
import { addWorkingDays } from '../../shared/calendar';
import { config } from '../../shared/config';
import { newId } from '../../shared/ids';
import { startEscalation } from './flow';
import * as store from './store';
import type { AnswerBody, FileProblemBody, ListProblemsQuery, RegionPageQuery } from './schemas';

/**
 * Response windows in working days (E3, E4): the county answers guidance within 3, the city
 * within 5, the province task force within 5; an overdue problem at the province is reminded
 * every 2. After an answer without a promised date, the filer has 5 to resolve or reopen
 * before the flow stops watching (a reopen starts it again).
 */
export const RESPONSE_WORKING_DAYS: Record<ProblemLevel, number> = { county: 3, city: 5, province: 5 };
export const REMIND_WORKING_DAYS = 2;
export const FOLLOW_UP_WORKING_DAYS = 5;

const rank = (l: ProblemLevel) => PROBLEM_LEVELS.indexOf(l);
const nextLevelOf = (l: ProblemLevel): ProblemLevel | undefined => PROBLEM_LEVELS[rank(l) + 1];

/**
 * The end of the n-th working day after `from` (Asia/Shanghai, China's official calendar).
 * With the local time-scale (ESCALATION_WORKING_DAY_SECONDS) a working day lasts that many
 * seconds, so that a person can watch an escalation on a laptop.
 */
export async function workingDeadline(from: Date, workingDays: number): Promise<Date> {
  const scale = config().escalationWorkingDaySeconds;
  if (scale) return new Date(from.getTime() + workingDays * scale * 1000);
  const day = await addWorkingDays(dateShanghai(from), workingDays, from.getTime());
  return new Date(`${day.value}T23:59:59.999+08:00`);
}

/** Step Functions Wait wants an RFC 3339 timestamp; whole seconds in UTC, rounded up. */
export const waitTimestamp = (iso: string): string => new Date(Math.ceil(new Date(iso).getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const overdueOf = (p: Pick<ProblemAttrs, 'status' | 'deadline'>, now: Date) => p.status === 'open' && new Date(p.deadline).getTime() < now.getTime();

interface Holding {
  level: ProblemLevel;
  holderRegionCode: string;
  holderId?: string;
  holderName: string;
}

/** The region code at a level on a path (province 0, city 1, county 2). */
function unitAt(regionPath: string, level: ProblemLevel): string {
  const parts = regionPath.split('/');
  const code = parts[LEVEL_DEPTH[level]];
  if (!code) throw new Error(`no ${level} on path ${regionPath}`);
  return code;
}

async function unitName(code: string, level: ProblemLevel): Promise<string> {
  if (level === 'province') return '省工作专班';
  const r = await findRegion(code);
  return `${r?.name ?? code}人社局`;
}

/** A designated backbone still counts only while the account is an active, non-admin county reviewer. */
async function designatedHolder(countyCode: string, businessCategory: BusinessCategory) {
  const group = BUSINESS_CATEGORIES[businessCategory].group;
  const cats = businessCategory === group ? [businessCategory] : [businessCategory, group];
  // Both designations at once: the category's own, then its group's as the fallback.
  const found = await Promise.all(cats.map((cat) => store.getDesignation(countyCode, cat)));
  for (const d of found) {
    if (!d) continue;
    const a = await store.getAccount(d.accountId);
    if (a && a.status === 'active' && a.roles.includes('reviewer') && !isAdmin(a) && a.regionCode === countyCode) {
      return { holderId: a.id, holderName: a.name };
    }
  }
  return undefined;
}

/**
 * E2, E3: system and functional problems go to the province task force; guidance goes to the
 * filer's county HR bureau — to the backbone designated for the business category, or, with
 * none designated, to the county's reviewers as a whole. A filer above any county keeps
 * guidance at their own level.
 */
export async function initialHolding(p: Pick<ProblemAttrs, 'category' | 'businessCategory' | 'regionPath'>): Promise<Holding> {
  if (p.category !== 'guidance') {
    const code = unitAt(p.regionPath, 'province');
    return { level: 'province', holderRegionCode: code, holderName: await unitName(code, 'province') };
  }
  const depth = depthOf(p.regionPath);
  const level: ProblemLevel = depth >= 2 ? 'county' : depth === 1 ? 'city' : 'province';
  const code = unitAt(p.regionPath, level);
  const person = level === 'county' && p.businessCategory ? await designatedHolder(code, p.businessCategory) : undefined;
  return { level, holderRegionCode: code, ...(person ?? {}), holderName: person?.holderName ?? (await unitName(code, level)) };
}

/** The holding unit one level up (E3: county → city → province task force); always its reviewers as a whole. */
async function holdingAt(p: Pick<ProblemAttrs, 'regionPath'>, level: ProblemLevel): Promise<Holding> {
  const code = unitAt(p.regionPath, level);
  return { level, holderRegionCode: code, holderName: await unitName(code, level) };
}

/** The current holder: the designated person, or any non-admin reviewer of the holding unit (A3). */
export function isCurrentHolder(p: StaffPrincipal, problem: Pick<ProblemAttrs, 'holderId' | 'holderRegionCode'>): boolean {
  if (isAdmin(p)) return false;
  if (problem.holderId) return p.accountId === problem.holderId;
  return p.roles.includes('reviewer') && p.regionCode === problem.holderRegionCode;
}

function actorOf(ctx: RequestCtx): { actorId: string; actorName?: string } {
  const p = ctx.principal;
  if (p.kind === 'staff') return { actorId: p.accountId, actorName: p.name };
  return { actorId: 'escalation-flow', actorName: '升级流程' };
}

function event(ctx: RequestCtx, p: ProblemAttrs, kind: ProblemEventKind, note?: string) {
  return ProblemEvent.item({
    problemId: p.id,
    id: newId(),
    at: isoShanghai(ctx.now),
    kind,
    ...actorOf(ctx),
    level: p.level,
    holderRegionCode: p.holderRegionCode,
    ...(p.holderId ? { holderId: p.holderId } : {}),
    holderName: p.holderName,
    deadline: p.deadline,
    ...(note ? { note } : {}),
  });
}

function notice(ctx: RequestCtx, p: ProblemAttrs, kind: ProblemNoticeAttrs['kind'], message: string, recipientKey = holderKeyOf(p)) {
  return ProblemNotice.item({
    recipientKey,
    id: newId(),
    at: isoShanghai(ctx.now),
    problemId: p.id,
    number: p.number,
    kind,
    level: p.level,
    deadline: p.deadline,
    message,
  });
}

const logTarget = (p: ProblemAttrs) => ({ targetType: 'Problem', targetId: p.id, countyCode: countyOf(p.regionPath) ?? 'province', regionCode: p.regionCode });
const brief = (p: ProblemAttrs) => ({ status: p.status, level: p.level, holderRegionCode: p.holderRegionCode, holderId: p.holderId, deadline: p.deadline, version: p.version });

export function viewProblem(p: ProblemAttrs, now: Date, history?: ReturnType<typeof strip>[]) {
  const { holderId, holderName, holderRegionCode, heldSince, regionPath: _rp, scopeBucket: _sb, remindUntil: _ru, followUpUntil: _fu, answeredBy: _ab, flowRound: _fr, ...rest } =
    strip(p as unknown as Record<string, unknown>) as unknown as ProblemAttrs;
  return {
    ...rest,
    holder: { level: p.level, regionCode: holderRegionCode, ...(holderId ? { accountId: holderId } : {}), name: holderName, since: heldSince },
    overdue: overdueOf(p, now),
    ...(history ? { history } : {}),
  };
}

async function loadInScope(ctx: RequestCtx, id: string): Promise<{ me: StaffPrincipal; problem: ProblemAttrs }> {
  const me = requireStaff(ctx);
  const problem = await store.getProblem(id, true);
  if (!problem) throw new NotFound('问题不存在', 'PROBLEM_NOT_FOUND');
  requireInScope(me, problem.regionPath, '问题');
  return { me, problem };
}

/** After a commit: start the flow; a failed start is written on the problem so that the ledger shows it. */
async function startFlow(ctx: RequestCtx, problem: ProblemAttrs): Promise<ProblemAttrs> {
  try {
    await startEscalation({ problemId: problem.id, category: problem.category, round: problem.flowRound });
    return problem;
  } catch (err) {
    logger.error('escalation start failed', { problemId: problem.id, error: err as Error });
    const failed = { ...problem, flowActive: false, flowFailed: true };
    await new Tx(ctx)
      .replace(Problem.item(failed), problem.version)
      .put(event(ctx, failed, 'flow_failed', '升级流程未能启动'))
      .log({ action: 'problem.flow_failed', ...logTarget(problem), before: brief(problem), after: brief(failed) })
      .commit()
      .catch((e: unknown) => logger.error('could not record the failed start', { problemId: problem.id, error: e as Error }));
    return { ...failed, version: problem.version + 1 };
  }
}

// ───────────────────────────── filing, answering, resolving (E1–E3) ─────────────────────────────

export async function fileProblem(ctx: RequestCtx, body: z.output<typeof FileProblemBody>) {
  const me = requireStaff(ctx);
  // The ledger number counts per county (or per city/province for filers above a county) and year.
  const unitCode = countyOf(me.regionPath) ?? me.regionCode;
  const year = dateShanghai(ctx.now).slice(0, 4);
  // Independent reads side by side: who holds it, the ledger counter, the unit's name.
  const [holding, firstN, unit] = await Promise.all([
    initialHolding({ category: body.category, businessCategory: body.businessCategory, regionPath: me.regionPath }),
    store.counterValue(unitCode, year),
    requireRegion(unitCode),
  ]);
  const deadline = isoShanghai(await workingDeadline(ctx.now, RESPONSE_WORKING_DAYS[holding.level]));
  const id = newId();
  for (let attempt = 0; ; attempt++) {
    const n = attempt === 0 ? firstN : await store.counterValue(unitCode, year);
    const problem: ProblemAttrs = {
      id,
      number: `${unit.name}-${year}-${ledgerSerial(n + 1)}`,
      category: body.category,
      ...(body.businessCategory ? { businessCategory: body.businessCategory } : {}),
      description: body.description,
      suggestion: body.suggestion,
      ...(body.caseId ? { caseId: body.caseId } : {}),
      ...(body.screenshots?.length ? { screenshots: body.screenshots } : {}),
      filerId: me.accountId,
      filerName: me.name,
      regionCode: me.regionCode,
      regionPath: me.regionPath,
      scopeBucket: scopeBucketOf(me.regionPath),
      status: 'open',
      ...holding,
      heldSince: isoShanghai(ctx.now),
      deadline,
      filedAt: isoShanghai(ctx.now),
      flowActive: true,
      flowRound: 1,
      version: 1,
    };
    // The counter moves from the value read to the next one, or the whole filing retries.
    const tx = claimSerial(new Tx(ctx), store.ledgerCounter(unitCode, year), n)
      .put(Problem.item(problem))
      .put(event(ctx, problem, 'filed', body.description.slice(0, 200)))
      .put(event(ctx, problem, 'assigned', `${holding.holderName} 接办`))
      .put(notice(ctx, problem, 'assigned', `新问题 ${problem.number} 待答复，期限 ${deadline}`))
      .log({ action: 'problem.filed', ...logTarget(problem), after: brief(problem) });
    store.bumpProblemStats(tx, problem, ctx.now, {
      filed: 1,
      [`cat_${problem.category}`]: 1,
      ...(problem.businessCategory ? { [`biz_${problem.businessCategory}`]: 1 } : {}),
    });
    try {
      await tx.commit();
    } catch (err) {
      if (isSerialRace(err, store.ledgerCounter(unitCode, year)) && attempt < 8) continue;
      throw err;
    }
    // With an Idempotency-Key the filing is written only once the reply is known: the flow starts after.
    const started = (await afterCommit(() => startFlow(ctx, problem))) ?? problem;
    return viewProblem(started, ctx.now);
  }
}

export async function answerProblem(ctx: RequestCtx, id: string, body: z.output<typeof AnswerBody>) {
  const { me, problem } = await loadInScope(ctx, id);
  if (!isCurrentHolder(me, problem)) throw new Forbidden('只有当前承办人可以答复', 'NOT_HOLDER');
  if (problem.status !== 'open') throw new Conflict(`问题当前状态为 ${problem.status}，不能答复`, 'PROBLEM_NOT_OPEN');
  const today = dateShanghai(ctx.now);
  if (body.deadline && body.deadline < today) throw badField('body.deadline', '承诺期限不能早于今天');

  if (body.beyondPower) {
    // The county (or city) cannot solve it: up one level at once, the statement kept in the history.
    const up = nextLevelOf(problem.level);
    if (!up) throw badField('body.beyondPower', '省工作专班为最高层级，不能再上报');
    const moved = await moveUp(ctx, problem, up, `超出${problem.level === 'county' ? '县级' : '市级'}权限：${body.answer}`);
    return viewProblem(moved, ctx.now);
  }

  const followUp = body.deadline
    ? new Date(`${body.deadline}T23:59:59.999+08:00`)
    : await workingDeadline(ctx.now, FOLLOW_UP_WORKING_DAYS);
  const answered: ProblemAttrs = {
    ...problem,
    status: 'answered',
    answer: body.answer,
    answeredAt: isoShanghai(ctx.now),
    answeredBy: me.accountId,
    ...(body.deadline ? { promisedBy: body.deadline } : {}),
    followUpUntil: isoShanghai(followUp),
  };
  if (!body.deadline) delete answered.promisedBy;
  const tx = new Tx(ctx)
    .replace(Problem.item(answered), problem.version)
    .put(event(ctx, answered, 'answered', body.answer))
    .put(notice(ctx, answered, 'answered', `问题 ${problem.number} 已答复`, `ACCOUNT#${problem.filerId}`))
    .log({ action: 'problem.answered', ...logTarget(problem), before: brief(problem), after: { ...brief(answered), promisedBy: body.deadline } });
  store.bumpProblemStats(tx, problem, ctx.now, { answered: 1 });
  await tx.commit();
  return viewProblem({ ...answered, version: problem.version + 1 }, ctx.now);
}

function requireFiler(me: StaffPrincipal, problem: ProblemAttrs, what: string) {
  if (me.accountId !== problem.filerId) throw new Forbidden(`只有提出人可以${what}`, 'NOT_FILER');
}

export async function resolveProblem(ctx: RequestCtx, id: string) {
  const { me, problem } = await loadInScope(ctx, id);
  requireFiler(me, problem, '确认解决');
  if (problem.status === 'resolved') throw new Conflict('问题已解决', 'PROBLEM_RESOLVED');
  const resolved: ProblemAttrs = { ...problem, status: 'resolved', resolvedAt: isoShanghai(ctx.now) };
  const tx = new Tx(ctx)
    .replace(Problem.item(resolved), problem.version)
    .put(event(ctx, resolved, 'resolved'))
    .log({ action: 'problem.resolved', ...logTarget(problem), before: brief(problem), after: brief(resolved) });
  store.bumpProblemStats(tx, problem, ctx.now, { resolved: 1 });
  await tx.commit();
  return viewProblem({ ...resolved, version: problem.version + 1 }, ctx.now);
}

export async function reopenProblem(ctx: RequestCtx, id: string) {
  const { me, problem } = await loadInScope(ctx, id);
  requireFiler(me, problem, '重新打开');
  if (problem.status === 'open') throw new Conflict('问题尚未答复，无需重新打开', 'PROBLEM_OPEN');
  const deadline = isoShanghai(await workingDeadline(ctx.now, RESPONSE_WORKING_DAYS[problem.level]));
  // A flow that has stopped watching (answered and left, or resolved) is started again.
  const restart = !problem.flowActive;
  const reopened: ProblemAttrs = {
    ...problem,
    status: 'open',
    deadline,
    heldSince: problem.heldSince,
    flowActive: true,
    flowRound: restart ? problem.flowRound + 1 : problem.flowRound,
  };
  delete reopened.resolvedAt;
  delete reopened.followUpUntil;
  delete reopened.flowFailed;
  const tx = new Tx(ctx)
    .replace(Problem.item(reopened), problem.version)
    .put(event(ctx, reopened, 'reopened'))
    .put(notice(ctx, reopened, 'reopened', `问题 ${problem.number} 被提出人重新打开，期限 ${deadline}`))
    .log({ action: 'problem.reopened', ...logTarget(problem), before: brief(problem), after: brief(reopened) });
  store.bumpProblemStats(tx, problem, ctx.now, { reopened: 1 });
  await tx.commit();
  const saved = { ...reopened, version: problem.version + 1 };
  return viewProblem(restart ? await startFlow(ctx, saved) : saved, ctx.now);
}

/** Moves an open problem up to `level`: the unit's reviewers hold it, with that level's deadline, and are told. */
async function moveUp(ctx: RequestCtx, problem: ProblemAttrs, level: ProblemLevel, note: string): Promise<ProblemAttrs> {
  const holding = await holdingAt(problem, level);
  const deadline = isoShanghai(await workingDeadline(ctx.now, RESPONSE_WORKING_DAYS[level]));
  const moved: ProblemAttrs = { ...problem, ...holding, status: 'open', heldSince: isoShanghai(ctx.now), deadline };
  delete moved.holderId;
  delete moved.remindUntil;
  const tx = new Tx(ctx)
    .replace(Problem.item(moved), problem.version)
    .put(event(ctx, moved, 'escalated', note))
    .put(notice(ctx, moved, 'escalated', `问题 ${problem.number} 由${problem.holderName}上报，请在 ${deadline} 前答复`))
    .log({ action: 'problem.escalated', ...logTarget(problem), before: brief(problem), after: brief(moved) });
  // Moving up is only ever to the city or the province (the county is where guidance starts).
  if (level !== 'county') store.bumpProblemStats(tx, problem, ctx.now, { [ESCALATED_TO[level]]: 1 });
  await tx.commit();
  return { ...moved, version: problem.version + 1 };
}

// ───────────────────────────── the escalation flow's steps (E3, E4) ─────────────────────────────

export type CheckOutcome =
  | { action: 'resolved' | 'awaiting_filer'; level: ProblemLevel }
  | { action: 'wait'; level: ProblemLevel; waitUntil: string }
  | { action: 'escalate'; level: ProblemLevel; nextLevel: ProblemLevel }
  | { action: 'remind'; level: ProblemLevel };

async function flowProblem(id: string): Promise<ProblemAttrs> {
  const p = await store.getProblem(id, true);
  // A missing problem is a real fault of the flow: let it fail (retried, then caught).
  if (!p) throw new Error(`problem ${id} not found`);
  return p;
}

async function endFlow(ctx: RequestCtx, p: ProblemAttrs, note: string): Promise<void> {
  if (!p.flowActive) return;
  const ended = { ...p, flowActive: false };
  await new Tx(ctx)
    .replace(Problem.item(ended), p.version)
    .put(event(ctx, ended, 'flow_ended', note))
    .log({ action: 'problem.flow_ended', ...logTarget(p), before: brief(p), after: brief(ended) })
    .commit();
}

/**
 * The check at each wake-up: the problem item decides. Resolved → the flow ends; open past its
 * deadline → up one level (at the province: a reminder); open or answered with time left → wait
 * until then; answered and the follow-up passed → the flow stops watching (a reopen restarts it).
 */
export async function checkProblem(ctx: RequestCtx, id: string): Promise<CheckOutcome> {
  const p = await flowProblem(id);
  const now = ctx.now.getTime();
  if (p.status === 'resolved') {
    await endFlow(ctx, p, '问题已解决');
    return { action: 'resolved', level: p.level };
  }
  if (p.status === 'open') {
    const due = new Date(p.deadline).getTime();
    if (now < due) return { action: 'wait', level: p.level, waitUntil: waitTimestamp(p.deadline) };
    if (p.remindUntil && now < new Date(p.remindUntil).getTime()) return { action: 'wait', level: p.level, waitUntil: waitTimestamp(p.remindUntil) };
    const up = nextLevelOf(p.level);
    return up ? { action: 'escalate', level: p.level, nextLevel: up } : { action: 'remind', level: p.level };
  }
  const followUp = p.followUpUntil ?? p.deadline;
  if (now < new Date(followUp).getTime()) return { action: 'wait', level: p.level, waitUntil: waitTimestamp(followUp) };
  await endFlow(ctx, p, '已答复，等待提出人确认或重新打开');
  return { action: 'awaiting_filer', level: p.level };
}

/**
 * Holds the problem at least at `level` (the route's first level, or the next one up). Safe to
 * repeat: a problem already there (filing placed it, a beyond-power answer moved it, or a retry
 * after success) is left as it is; one answered or resolved meanwhile is not moved.
 */
export async function assignLevel(ctx: RequestCtx, id: string, level: ProblemLevel): Promise<{ level: ProblemLevel; waitUntil: string }> {
  const p = await flowProblem(id);
  const overdue = p.status === 'open' && ctx.now.getTime() >= new Date(p.deadline).getTime();
  if (rank(p.level) >= rank(level) || !overdue) {
    // Nothing to move: wake at the deadline (or now, to look again, if it has passed).
    return { level: p.level, waitUntil: waitTimestamp(p.status === 'open' ? p.deadline : isoShanghai(ctx.now)) };
  }
  const moved = await moveUp(ctx, p, level, `超过${p.level === 'county' ? '县级' : '市级'}答复期限未答复，自动上报`);
  return { level: moved.level, waitUntil: waitTimestamp(moved.deadline) };
}

/** Overdue at the top: the task force is reminded (the problem stays overdue in the ledger). */
export async function remindHolder(ctx: RequestCtx, id: string): Promise<{ level: ProblemLevel; waitUntil: string }> {
  const p = await flowProblem(id);
  if (p.remindUntil && ctx.now.getTime() < new Date(p.remindUntil).getTime()) {
    return { level: p.level, waitUntil: waitTimestamp(p.remindUntil) }; // a retry after success
  }
  if (p.status !== 'open') return { level: p.level, waitUntil: waitTimestamp(isoShanghai(ctx.now)) };
  const remindUntil = isoShanghai(await workingDeadline(ctx.now, REMIND_WORKING_DAYS));
  const reminded = { ...p, remindUntil };
  await new Tx(ctx)
    .replace(Problem.item(reminded), p.version)
    .put(event(ctx, reminded, 'reminded', `已超过答复期限 ${p.deadline}`))
    .put(notice(ctx, reminded, 'reminded', `问题 ${p.number} 已超期（期限 ${p.deadline}），请尽快答复`))
    .log({ action: 'problem.reminded', ...logTarget(p), before: brief(p), after: { ...brief(reminded), remindUntil } })
    .commit();
  return { level: p.level, waitUntil: waitTimestamp(remindUntil) };
}

/** The flow failed after its retries: the ledger shows it (the alarm on failed executions tells the operator). */
export async function recordFlowFailure(ctx: RequestCtx, id: string, error: string): Promise<{ recorded: boolean }> {
  const p = await store.getProblem(id, true);
  if (!p) return { recorded: false };
  // Already recorded (a retried step, or the end-of-execution event after RecordFailure): once.
  if (p.flowFailed && !p.flowActive) return { recorded: false };
  const failed = { ...p, flowActive: false, flowFailed: true };
  await new Tx(ctx)
    .replace(Problem.item(failed), p.version)
    .put(event(ctx, failed, 'flow_failed', error.slice(0, 500)))
    .log({ action: 'problem.flow_failed', ...logTarget(p), before: brief(p), after: brief(failed) })
    .commit();
  return { recorded: true };
}

// ───────────────────────────── the ledger and responsibility list (E4) ─────────────────────────────

export async function getProblem(ctx: RequestCtx, id: string) {
  const { problem } = await loadInScope(ctx, id);
  const history = await store.historyOf(id);
  return viewProblem(
    problem,
    ctx.now,
    history.map((h) => {
      const { problemId: _p, id: _i, ...rest } = strip(h as unknown as Record<string, unknown>) as unknown as typeof h;
      return rest;
    }),
  );
}

/** The region the caller asks about: their own by default; outside their subtree does not exist (404). */
async function regionInScope(me: StaffPrincipal, code?: string) {
  if (!code) return { code: me.regionCode, path: me.regionPath };
  const r = await requireRegion(code, 'region');
  requireInScope(me, r.path, '区划');
  return { code: r.code, path: r.path };
}


type ListQuery = z.output<typeof ListProblemsQuery>;

function filterOf(q: Pick<ListQuery, 'status' | 'category' | 'overdue' | 'level'>, scopePath: string, nowIso: string) {
  const parts: string[] = ['begins_with(#rp, :scope)'];
  const names: Record<string, string> = { '#rp': 'regionPath' };
  const values: Record<string, unknown> = { ':scope': scopePath };
  if (q.status) {
    parts.push('#st = :st');
    names['#st'] = 'status';
    values[':st'] = q.status;
  }
  if (q.category) {
    parts.push('#cat = :cat');
    names['#cat'] = 'category';
    values[':cat'] = q.category;
  }
  if (q.level) {
    parts.push('#lv = :lv');
    names['#lv'] = 'level';
    values[':lv'] = q.level;
  }
  if (q.overdue !== undefined) {
    names['#st'] = 'status';
    names['#dl'] = 'deadline';
    values[':open'] = 'open';
    values[':now'] = nowIso;
    parts.push(q.overdue ? '(#st = :open AND #dl < :now)' : 'NOT (#st = :open AND #dl < :now)');
  }
  return { expression: parts.join(' AND '), names, values };
}

/** Status and overdue as a sort-key range on status#deadline#id (gsi2, gsi3). */
function statusRange(q: ListQuery, nowIso: string): Pick<PatternQuery, 'skPrefix' | 'skBetween'> | 'empty' {
  if (q.overdue === true) {
    if (q.status && q.status !== 'open') return 'empty';
    return { skBetween: ['open#', `open#${nowIso}`] };
  }
  return q.status ? { skPrefix: `${q.status}#` } : {};
}

/**
 * GET /problems: by holder (gsi3: the person's and, for a reviewer, their unit's pool), by level
 * (gsi2: the holding units at that level in the region), else the region ledger (gsi1). Every
 * read is a Query; the caller's subtree is always a condition.
 */
export async function listProblems(ctx: RequestCtx, q: ListQuery) {
  const me = requireStaff(ctx);
  const region = await regionInScope(me, q.region);
  const nowIso = isoShanghai(ctx.now);
  let queries: PatternQuery[];
  if (q.holder) {
    const keys =
      q.holder === 'me'
        ? [`ACCOUNT#${me.accountId}`, ...(me.roles.includes('reviewer') && !isAdmin(me) ? [`POOL#${me.regionCode}`] : [])]
        : [`ACCOUNT#${q.holder}`];
    const range = statusRange(q, nowIso);
    if (range === 'empty') return { items: [], nextCursor: null };
    const filter = filterOf({ category: q.category, level: q.level }, region.path, nowIso);
    queries = keys.map((k) => ({ ...problemsHeldBy(k), ...range, filter }));
  } else if (q.level) {
    const depth = LEVEL_DEPTH[q.level];
    const regionDepth = depthOf(region.path);
    let units: string[];
    if (depth <= regionDepth) units = [unitAt(region.path, q.level)];
    else {
      // The caller's region is above the level asked: every unit at that level below it.
      const below = await Promise.all((await bucketsUnder(region)).map(async (c) => findRegion(c)));
      units = below.filter((r) => r && depthOf(r.path) === depth).map((r) => r!.code);
    }
    const range = statusRange(q, nowIso);
    if (range === 'empty') return { items: [], nextCursor: null };
    const filter = filterOf({ category: q.category }, region.path, nowIso);
    queries = units.map((u) => ({ ...problemsAtUnit(u), ...range, filter }));
  } else {
    const buckets = await bucketsUnder(region);
    const filter = filterOf(q, region.path, nowIso);
    queries = buckets.map((b) => ({ ...problemsInBucket(b), ...(depthOf(region.path) >= 2 ? { skPrefix: `${region.path}` } : {}), filter }));
  }
  const page = await queryPages<ProblemAttrs>(queries, q.limit, q.cursor);
  return { items: page.items.map((p) => viewProblem(p, ctx.now)), nextCursor: page.nextCursor };
}

/** The responsibility list (责任清单): every problem not yet resolved, who holds it and since when. */
export async function listResponsibilities(ctx: RequestCtx, q: z.output<typeof RegionPageQuery>) {
  const me = requireStaff(ctx);
  const region = await regionInScope(me, q.region);
  const filter = {
    expression: 'begins_with(#rp, :scope) AND #st <> :resolved',
    names: { '#rp': 'regionPath', '#st': 'status' },
    values: { ':scope': region.path, ':resolved': 'resolved' },
  };
  const buckets = await bucketsUnder(region);
  const page = await queryPages<ProblemAttrs>(
    buckets.map((b) => ({ ...problemsInBucket(b), filter })),
    q.limit,
    q.cursor,
  );
  return {
    items: page.items.map((p) => {
      const v = viewProblem(p, ctx.now);
      return { problemId: p.id, number: p.number, status: p.status, holder: v.holder, deadline: p.deadline, overdue: v.overdue };
    }),
    nextCursor: page.nextCursor,
  };
}

/** Notices to the caller: addressed to them, and to their unit's reviewers if they are one. */
export async function listNotices(ctx: RequestCtx, q: { limit: number; cursor?: string }) {
  const me = requireStaff(ctx);
  const keys = [`ACCOUNT#${me.accountId}`, ...(me.roles.includes('reviewer') && !isAdmin(me) ? [`POOL#${me.regionCode}`] : [])];
  const page = await store.noticesPage(keys, q.limit, q.cursor);
  return {
    items: page.items.map((n) => {
      const { recipientKey: _r, ...rest } = strip(n as unknown as Record<string, unknown>) as unknown as ProblemNoticeAttrs;
      return rest;
    }),
    nextCursor: page.nextCursor,
  };
}

// ───────────────────────────── designations of business backbones (E3) ─────────────────────────────

/** The county business admin designates a county reviewer as the backbone for a business category. */
export async function designateBackbone(ctx: RequestCtx, businessCategory: BusinessCategory, accountId: string) {
  const me = requireStaff(ctx);
  requireRole(me, 'biz_admin');
  requireLevel(me, 'county');
  const account = await store.getAccount(accountId);
  if (!account || !account.regionPath.split('/').includes(me.regionCode)) throw badField('body.accountId', '账号不存在或不在本县', 'ACCOUNT_NOT_FOUND');
  if (account.regionCode !== me.regionCode || !account.roles.includes('reviewer') || isAdmin(account)) {
    throw badField('body.accountId', '只能指定本县的县级审核（业务骨干）账号，且不能是管理员', 'NOT_A_COUNTY_REVIEWER');
  }
  if (account.status !== 'active') throw badField('body.accountId', `账号状态为 ${account.status}`, 'ACCOUNT_NOT_ACTIVE');
  const existing = await store.getDesignation(me.regionCode, businessCategory);
  const next = {
    countyCode: me.regionCode,
    businessCategory,
    accountId,
    accountName: account.name,
    designatedBy: me.accountId,
    designatedAt: isoShanghai(ctx.now),
    version: existing ? existing.version : 1,
  };
  const tx = new Tx(ctx);
  if (existing) tx.replace(ProblemDesignation.item(next), existing.version);
  else tx.put(ProblemDesignation.item(next), { conflict: { code: 'STALE_VERSION', message: '指定已被他人修改，请刷新后重试' } });
  await tx
    .log({
      action: 'problem.backbone_designated',
      targetType: 'ProblemDesignation',
      targetId: `${me.regionCode}#${businessCategory}`,
      countyCode: me.regionCode,
      regionCode: me.regionCode,
      before: existing ? { accountId: existing.accountId } : undefined,
      after: { accountId },
    })
    .commit();
  return strip({ ...next, version: existing ? existing.version + 1 : 1 });
}

export async function listDesignations(ctx: RequestCtx, q: z.output<typeof RegionPageQuery>) {
  const me = requireStaff(ctx);
  const region = await regionInScope(me, q.region);
  const county = countyOf(region.path);
  if (!county) throw badField('query.region', '请指定一个县', 'COUNTY_REQUIRED');
  const page = await store.designationsPage(county, q.limit, q.cursor);
  return { items: page.items.map((d) => strip(d as unknown as Record<string, unknown>)), nextCursor: page.nextCursor };
}

