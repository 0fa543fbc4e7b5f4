import { encodeTime } from 'ulid';
import { getItem, getItems, queryPage } from '../../shared/db/store';
import { Tx, requireVersion } from '../../shared/db/tx';
import {
  Case,
  ReReview,
  opLogByActor,
  reReviewsOfCounty,
  type CaseAttrs,
  type CaseStepAttrs,
  type OpLogAttrs,
  type ReReviewAttrs,
  type ReReviewStatus,
} from '../../shared/db/entities';
import type { RequestCtx, StaffPrincipal } from '../../shared/http/context';
import { Conflict, Forbidden, NotFound, badField } from '../../shared/http/errors';
import { isoShanghai } from '../../shared/clock';
import { levelOf, requireCaseRights, requireStaff } from '../../shared/security/authorize';
import { bumpCounters, caseWithSteps } from './store';

/**
 * Re-review after a leak freeze (A6 + C6). Freezing an account with `{reason: "leak", since}`
 * queues every case step it performed since `since` — found through the op-log's actor index
 * (gsi1 `LOG_ACTOR#<account>`, sort key the entry's ULID, so `since` is a key bound, never a
 * Scan). The county's reviewers clear each with confirmed or flagged; a flagged case is marked.
 *
 * Bounded: the freeze's own transaction carries the first page of re-reviews; further pages are
 * written in the same request, each one transaction with its log entry, up to MAX_STEPS_PER_CALL
 * steps. Beyond that the reply says `more: true` and the same freeze request again (the account
 * already frozen) carries on; ids are the op-log entries' ids, so nothing is queued twice.
 */
export const MAX_STEPS_PER_CALL = 2000;
/** TransactWriteItems takes 100 items: leave room for the account, log entries and counters. */
const TX_ITEMS = 90;

/** The op-log actions that are case steps worth a second look. */
const STEP_ACTIONS = new Set(['case.accept', 'case.submit', 'case.supplement', 'case.review.approve', 'case.review.reject', 'case.review.return', 'case.complete']);

/** The smallest ULID of a moment: the op-log sort key bound for `since`. */
export const ulidFloor = (ms: number) => `${encodeTime(ms, 10)}0000000000000000`;

export interface QueuePlan {
  /** Re-reviews not queued yet, oldest step first. */
  items: ReReviewAttrs[];
  /** Steps already queued by an earlier freeze. */
  already: number;
  /** More steps lie beyond this call's bound. */
  more: boolean;
}

/** The account's case steps in [since, now], as re-reviews not yet queued. Reads only. */
export async function planReReviews(ctx: RequestCtx, account: { id: string; name?: string }, since: Date): Promise<QueuePlan> {
  const now = isoShanghai(ctx.now);
  const sinceIso = isoShanghai(since);
  const steps: OpLogAttrs[] = [];
  let cursor: string | undefined;
  let more = false;
  do {
    const page = await queryPage<OpLogAttrs>(
      {
        ...opLogByActor(account.id),
        skBetween: [ulidFloor(since.getTime()), ulidFloor(ctx.now.getTime() + 1)],
        filter: { expression: 'begins_with(#act, :case)', names: { '#act': 'action' }, values: { ':case': 'case.' } },
      },
      200,
      cursor,
    );
    steps.push(...page.items.filter((l) => STEP_ACTIONS.has(l.action)));
    cursor = page.nextCursor ?? undefined;
    if (steps.length >= MAX_STEPS_PER_CALL) {
      more = Boolean(cursor) || steps.length > MAX_STEPS_PER_CALL;
      steps.length = MAX_STEPS_PER_CALL;
      break;
    }
  } while (cursor);
  const existing: (ReReviewAttrs | undefined)[] = [];
  for (let i = 0; i < steps.length; i += 100) existing.push(...(await getItems<ReReviewAttrs>(steps.slice(i, i + 100).map((s) => ReReview.key({ id: s.id })))));
  const items: ReReviewAttrs[] = [];
  steps.forEach((s, i) => {
    if (existing[i]) return;
    items.push({
      id: s.id,
      caseId: s.targetId,
      action: s.action,
      stepAt: s.at,
      actorId: account.id,
      ...(account.name ? { actorName: account.name } : {}),
      scopeBucket: s.countyCode ?? 'province',
      ...(s.regionCode ? { regionCode: s.regionCode } : {}),
      ...(s.pointId ? { pointId: s.pointId } : {}),
      status: 'open',
      queuedAt: now,
      since: sinceIso,
      version: 1,
    });
  });
  return { items, already: steps.length - items.length, more };
}

/** The point a re-review counts at: the step's point, else the case's (read once per page). */
async function pointsOf(items: ReReviewAttrs[]): Promise<Map<string, Pick<CaseAttrs, 'pointId' | 'regionPath' | 'scopeBucket'>>> {
  const ids = [...new Set(items.map((r) => r.caseId))];
  const out = new Map<string, Pick<CaseAttrs, 'pointId' | 'regionPath' | 'scopeBucket'>>();
  for (let i = 0; i < ids.length; i += 100) {
    for (const c of await getItems<CaseAttrs>(ids.slice(i, i + 100).map((id) => Case.key({ id })))) {
      if (c) out.set(c.id, { pointId: c.pointId, regionPath: c.regionPath, scopeBucket: c.scopeBucket });
    }
  }
  return out;
}

/**
 * Adds a page of re-reviews to a transaction: the items and one counter bump per point of the
 * page (a transaction may touch an item once). Returns how many it took.
 */
function addPage(tx: Tx, items: ReReviewAttrs[], where: Map<string, Pick<CaseAttrs, 'pointId' | 'regionPath' | 'scopeBucket'>>, room: number, now: Date): number {
  const perPoint = new Map<string, { at: Pick<CaseAttrs, 'pointId' | 'regionPath' | 'scopeBucket'>; n: number }>();
  let taken = 0;
  for (const r of items) {
    const at = where.get(r.caseId);
    const newPoint = at && !perPoint.has(at.pointId);
    if (taken + 1 + (newPoint ? 2 : 0) + perPoint.size * 2 > room) break;
    tx.put(ReReview.item(r), { overwrite: false, conflict: { code: 'RE_REVIEW_EXISTS', message: '复核事项已在队列中' } });
    if (at) perPoint.set(at.pointId, { at, n: (perPoint.get(at.pointId)?.n ?? 0) + 1 });
    taken += 1;
  }
  for (const { at, n } of perPoint.values()) bumpCounters(tx, at, now, { reReviewQueued: n });
  return taken;
}

/**
 * Writes the plan: the first page into `first` (the freeze's own transaction, which
 * `commitFirst` commits), the rest in their own transactions, each with its log entry.
 */
export async function queueReReviews(
  ctx: RequestCtx,
  plan: QueuePlan,
  first: Tx,
  accountId: string,
  commitFirst: () => Promise<void>,
): Promise<{ queued: number; already: number; more: boolean }> {
  const where = await pointsOf(plan.items);
  let done = addPage(first, plan.items, where, TX_ITEMS - first.size, ctx.now);
  first.log({ action: 're_review.queued', targetType: 'Account', targetId: accountId, after: { steps: plan.items.slice(0, done).map((r) => r.id), page: 1 } });
  await commitFirst();
  let page = 1;
  while (done < plan.items.length) {
    page += 1;
    const tx = new Tx(ctx);
    const rest = plan.items.slice(done);
    const n = addPage(tx, rest, where, TX_ITEMS - 1, ctx.now);
    tx.log({ action: 're_review.queued', targetType: 'Account', targetId: accountId, after: { steps: rest.slice(0, n).map((r) => r.id), page } });
    await tx.commit();
    done += n;
  }
  return { queued: done, already: plan.already, more: plan.more };
}

// ---------------------------------------------------------------------------------- the county's reviewers

/** A county reviewer (re-reviews belong to the county where the step happened). */
function countyReviewer(ctx: RequestCtx): StaffPrincipal {
  const p = requireStaff(ctx);
  requireCaseRights(p, 'reviewer');
  if (levelOf(p) !== 2) throw new Forbidden('复核由县级审核员进行', 'COUNTY_REVIEWER_ONLY');
  return p;
}

/** Who acted on the case (its steps' actors): they may not take its second look. */
const actedOn = (steps: CaseStepAttrs[], c: CaseAttrs | undefined, accountId: string) =>
  steps.some((s) => s.actorId === accountId) || c?.acceptorId === accountId || c?.decision?.by === accountId;

function view(r: ReReviewAttrs, c?: CaseAttrs) {
  return {
    id: r.id,
    caseId: r.caseId,
    action: r.action,
    stepAt: r.stepAt,
    actorId: r.actorId,
    ...(r.actorName ? { actorName: r.actorName } : {}),
    status: r.status,
    queuedAt: r.queuedAt,
    since: r.since,
    ...(r.pointId ? { pointId: r.pointId } : {}),
    ...(c ? { case: { itemCode: c.itemCode, itemName: c.itemName, status: c.status, pointName: c.pointName, dueDate: c.dueDate, applicantName: c.applicant.name, applicantIdNumber: c.applicant.idNumberMasked } } : {}),
    ...(r.outcome ? { outcome: r.outcome } : {}),
    ...(r.note ? { note: r.note } : {}),
    ...(r.clearedAt ? { clearedAt: r.clearedAt } : {}),
    ...(r.clearedByName ? { clearedByName: r.clearedByName } : {}),
    version: r.version,
  };
}

/**
 * The county's re-reviews by status, oldest step first. Open ones leave out what this reviewer
 * may not clear: steps of the caller's own account and cases the caller acted on.
 */
export async function listReReviews(ctx: RequestCtx, q: { status: ReReviewStatus; limit: number; cursor?: string }) {
  const p = countyReviewer(ctx);
  const page = await queryPage<ReReviewAttrs>(reReviewsOfCounty(p.regionCode, q.status), q.limit, q.cursor);
  const cases = await Promise.all([...new Set(page.items.map((r) => r.caseId))].map(async (id) => [id, await caseWithSteps(id)] as const));
  const byCase = new Map(cases);
  const items = page.items
    .filter((r) => q.status !== 'open' || (r.actorId !== p.accountId && !actedOn(byCase.get(r.caseId)?.steps ?? [], byCase.get(r.caseId)?.found, p.accountId)))
    .map((r) => view(r, byCase.get(r.caseId)?.found));
  return { items, nextCursor: page.nextCursor };
}

export async function clearReReview(ctx: RequestCtx, id: string, body: { outcome: 'confirmed' | 'flagged'; note: string; version?: number }) {
  const p = countyReviewer(ctx);
  const r = await getItem<ReReviewAttrs>(ReReview.key({ id }), true);
  // Another county's (or the province's) re-review does not exist for this reviewer.
  if (!r || r.scopeBucket !== p.regionCode) throw new NotFound('复核事项不存在', 'RE_REVIEW_NOT_FOUND');
  if (r.actorId === p.accountId) throw new Forbidden('被冻结账号不得复核本人的操作', 'SEPARATION_OF_DUTIES');
  const { found: c, steps } = await caseWithSteps(r.caseId);
  if (actedOn(steps, c, p.accountId)) throw new Forbidden('参与过此件办理的人员不得复核', 'SEPARATION_OF_DUTIES');
  if (r.status !== 'open') throw new Conflict('此复核事项已处理', 'RE_REVIEW_CLEARED', { outcome: r.outcome });
  requireVersion(r, body.version);
  if (body.outcome === 'flagged' && !c) throw badField('body.outcome', '办件不存在，无法标记');
  const at = isoShanghai(ctx.now);
  const next: ReReviewAttrs = { ...r, status: 'cleared', outcome: body.outcome, note: body.note, clearedAt: at, clearedBy: p.accountId, clearedByName: p.name };
  const tx = new Tx(ctx)
    .replace(ReReview.item(next), r.version, { condition: '#st = :open', names: { '#st': 'status' }, values: { ':open': 'open' }, conflict: { code: 'RE_REVIEW_CLEARED', message: '此复核事项已处理' } })
    .log({ action: `re_review.${body.outcome}`, targetType: 'ReReview', targetId: r.id, before: { status: 'open' }, after: { outcome: body.outcome, caseId: r.caseId, action: r.action }, countyCode: r.scopeBucket, regionCode: r.regionCode ?? c?.regionCode });
  if (c) {
    if (body.outcome === 'flagged' && !c.flagged) {
      // The mark on the case: its version moves on, so a stale client of the case hears of it.
      tx.update(Case.key({ id: c.id }), 'SET #fl = :fl ADD #v :one', {
        condition: 'attribute_exists(pk)',
        names: { '#fl': 'flagged', '#v': 'version' },
        values: { ':fl': { at, note: body.note, reReviewId: r.id, action: r.action }, ':one': 1 },
      });
    }
    bumpCounters(tx, c, ctx.now, body.outcome === 'flagged' ? { reReviewFlagged: 1 } : { reReviewConfirmed: 1 });
  }
  await tx.commit();
  return view({ ...next, version: r.version + 1 }, c);
}
