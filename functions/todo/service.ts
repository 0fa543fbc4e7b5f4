import { getItems, queryPage, queryPages, type PatternQuery } from '../../shared/db/store';
import {
  Problem,
  RUNNING_STATUSES,
  accountRequestsByStatus,
  casesOfCounty,
  casesOfPoint,
  followUpsOfCounty,
  noticesFor,
  pointStatusDueBefore,
  pointStatusPrefix,
  problemsHeldBy,
  type AccountRequestAttrs,
  type CaseAttrs,
  type ProblemAttrs,
  type ProblemNoticeAttrs,
  type RatingFollowUpAttrs,
} from '../../shared/db/entities';
import type { RequestCtx, StaffPrincipal } from '../../shared/http/context';
import { dateShanghai } from '../../shared/clock';
import { bucketsUnder, findRegion } from '../../shared/regions';
import { LEVEL, isAdmin, levelOf, separationProblem } from '../../shared/security/authorize';
import { countyOf } from '../../shared/security/scope';

/**
 * GET /me/todo: what waits for this account, by its roles — a count (up to 100) and the five most
 * urgent of each kind. Every list is a Query on a key or index the domains already keep (no
 * Scan); each reads at most 100 matching items, so the home screen costs the same on the first
 * day and after ten years.
 */
const COUNT_CAP = 100;
const FIRST = 5;

interface Entry<T> {
  count: number;
  more: boolean;
  items: T[];
}

async function entry<A, T>(queries: PatternQuery[], view: (a: A) => T, order?: (a: A, b: A) => number): Promise<Entry<T>> {
  if (queries.length === 0) return { count: 0, more: false, items: [] };
  const page = await queryPages<A>(queries, COUNT_CAP);
  const sorted = order ? [...page.items].sort(order) : page.items;
  return { count: page.items.length, more: page.nextCursor !== null, items: sorted.slice(0, FIRST).map(view) };
}

const caseItem = (c: CaseAttrs) => ({
  id: c.id,
  number: c.number,
  itemName: c.itemName,
  applicantName: c.applicant.name,
  status: c.status,
  dueDate: c.dueDate,
  pointName: c.pointName,
});
const byDue = (a: CaseAttrs, b: CaseAttrs) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0);
const followUpItem = (f: RatingFollowUpAttrs) => ({ id: f.id, caseId: f.caseId, pointId: f.pointId, score: f.score, ...(f.reason ? { reason: f.reason } : {}), openedAt: f.openedAt });
const problemItem = (p: ProblemAttrs) => ({ id: p.id, number: p.number, category: p.category, status: p.status, deadline: p.deadline, description: p.description.slice(0, 60) });
const requestItem = (r: AccountRequestAttrs) => ({ id: r.id, kind: r.kind, personName: r.person.name, regionCode: r.regionCode, roles: r.roles, filedAt: r.filedAt });

const filter = (expression: string, names: Record<string, string>, values: Record<string, unknown>) => ({ filter: { expression, names, values } });

/** Handles cases (A3): no admin, no forbidden role mix. */
const handlesCases = (p: StaffPrincipal) => !isAdmin(p) && !separationProblem(p.roles);

/** The operator's own cases at the point (首问负责制: their own, or the point's kiosk cases). */
async function operatorCases(p: StaffPrincipal & { pointId: string }, today: string) {
  const point = casesOfPoint(p.pointId);
  const mine = filter('(#acc = :me OR #own = :pt)', { '#acc': 'acceptorId', '#own': 'ownerPointId' }, { ':me': p.accountId, ':pt': p.pointId });
  const noReview = filter('(#acc = :me OR #own = :pt) AND #item.#rev = :none', { '#acc': 'acceptorId', '#own': 'ownerPointId', '#item': 'item', '#rev': 'review' }, { ':me': p.accountId, ':pt': p.pointId, ':none': 'none' });
  const [toSupplement, toComplete, overdue] = await Promise.all([
    entry([{ ...point, skPrefix: pointStatusPrefix('returned'), ...mine }], caseItem),
    entry([{ ...point, skPrefix: pointStatusPrefix('approved'), ...mine }, { ...point, skPrefix: pointStatusPrefix('accepted'), ...noReview }], caseItem, byDue),
    entry(RUNNING_STATUSES.map((s) => ({ ...point, skBetween: pointStatusDueBefore(s, today), ...mine })), caseItem, byDue),
  ]);
  return { toSupplement, toComplete, overdue };
}

/** The county's review queue (never one's own case) and its overdue part, due date first. */
async function reviewerCases(p: StaffPrincipal, today: string) {
  const queue = casesOfCounty(p.regionCode, 'submitted');
  const notMine = filter('#acc <> :me', { '#acc': 'acceptorId' }, { ':me': p.accountId });
  const [toReview, overdue] = await Promise.all([entry([{ ...queue, ...notMine }], caseItem), entry([{ ...queue, skTo: today, ...notMine }], caseItem)]);
  return { toReview, overdue };
}

/** A supervisor's overdue running cases in their county or township. */
async function supervisorCases(p: StaffPrincipal, today: string): Promise<Record<string, Entry<unknown>>> {
  const county = countyOf(p.regionPath);
  if (!county) return {};
  const below = levelOf(p) > LEVEL.county ? filter('begins_with(#rp, :rp)', { '#rp': 'regionPath' }, { ':rp': p.regionPath }) : {};
  return { overdue: await entry(RUNNING_STATUSES.map((s) => ({ ...casesOfCounty(county, s), skTo: today, ...below })), caseItem, byDue) };
}

/** Open follow-ups of bad ratings: the operator's point, or a county-level reader's subtree. */
async function openFollowUps(p: StaffPrincipal) {
  const county = countyOf(p.regionPath);
  if (!county) return undefined;
  const open = followUpsOfCounty(county, 'open');
  if (p.roles.every((r) => r === 'operator')) {
    if (!p.pointId) return undefined;
    return entry<RatingFollowUpAttrs, ReturnType<typeof followUpItem>>([{ ...open, skPrefix: `${p.regionPath}`, ...filter('#pt = :pt', { '#pt': 'pointId' }, { ':pt': p.pointId }) }], followUpItem);
  }
  return entry<RatingFollowUpAttrs, ReturnType<typeof followUpItem>>([{ ...open, skPrefix: p.regionPath }], followUpItem);
}

/** Problems held by the caller (designated) or by their unit's pool (reviewers), deadline first. */
async function heldProblems(p: StaffPrincipal) {
  const queries: PatternQuery[] = [{ ...problemsHeldBy(`ACCOUNT#${p.accountId}`), skPrefix: 'open#' }];
  if (p.roles.includes('reviewer') && levelOf(p) <= LEVEL.county) queries.push({ ...problemsHeldBy(`POOL#${p.regionCode}`), skPrefix: 'open#' });
  return entry<ProblemAttrs, ReturnType<typeof problemItem>>(queries, problemItem, (a, b) => (a.deadline < b.deadline ? -1 : 1));
}

/**
 * The caller's filed problems answered and waiting for them to resolve or reopen: the answer
 * notices among their last 100 notices, each problem read again (one BatchGet) for its status.
 */
async function answeredProblems(p: StaffPrincipal): Promise<Entry<ReturnType<typeof problemItem>>> {
  const notices = (await queryPage<ProblemNoticeAttrs>({ ...noticesFor(`ACCOUNT#${p.accountId}`), descending: true }, COUNT_CAP)).items;
  const ids = [...new Set(notices.filter((n) => n.kind === 'answered').map((n) => n.problemId))];
  const problems = (await getItems<ProblemAttrs>(ids.map((id) => Problem.key({ id })))).filter(
    (x): x is ProblemAttrs => x !== undefined && x.status === 'answered' && x.filerId === p.accountId,
  );
  return { count: problems.length, more: false, items: problems.slice(0, FIRST).map(problemItem) };
}

/** Account forms waiting at the caller's level: to decide (any admin), to create (system admin), roles to link (business admin). */
async function accountRequests(p: StaffPrincipal) {
  const level = levelOf(p);
  if (level !== LEVEL.county && level !== LEVEL.province) return undefined;
  const managerLevel = level === LEVEL.county ? 'county' : 'province';
  const region = await findRegion(p.regionCode);
  const buckets = level === LEVEL.county ? [p.regionCode] : region ? await bucketsUnder(region) : [];
  const on = (status: 'filed' | 'approved', extra?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> }): PatternQuery[] =>
    buckets.map((b) => ({
      ...accountRequestsByStatus(b, status),
      filter: {
        expression: `#ml = :ml${extra ? ` AND ${extra.expression}` : ''}`,
        names: { '#ml': 'managerLevel', ...(extra?.names ?? {}) },
        values: { ':ml': managerLevel, ...(extra?.values ?? {}) },
      },
    }));
  const view = requestItem;
  const [toDecide, toCreate, toLinkRoles] = await Promise.all([
    entry<AccountRequestAttrs, ReturnType<typeof view>>(on('filed'), view),
    p.roles.includes('sys_admin')
      ? entry<AccountRequestAttrs, ReturnType<typeof view>>(on('approved', { expression: '#k = :create AND attribute_not_exists(accountCreatedAt)', names: { '#k': 'kind' }, values: { ':create': 'create' } }), view)
      : Promise.resolve(undefined),
    p.roles.includes('biz_admin')
      ? entry<AccountRequestAttrs, ReturnType<typeof view>>(on('approved', { expression: '(attribute_exists(accountCreatedAt) OR #k = :change)', names: { '#k': 'kind' }, values: { ':change': 'change' } }), view)
      : Promise.resolve(undefined),
  ]);
  return { toDecide, ...(toCreate ? { toCreate } : {}), ...(toLinkRoles ? { toLinkRoles } : {}) };
}

export async function myTodo(ctx: RequestCtx) {
  const p = ctx.principal;
  // A citizen has no work waiting; their own cases are GET /public/my-cases.
  if (p.kind !== 'staff') return {};
  const today = dateShanghai(ctx.now);
  const out: Record<string, unknown> = {};
  const cases: Record<string, Entry<unknown>> = {};

  if (handlesCases(p)) {
    const work: Promise<Record<string, Entry<unknown>>>[] = [];
    if (p.roles.includes('operator') && p.pointId) work.push(operatorCases(p as StaffPrincipal & { pointId: string }, today));
    if (p.roles.includes('reviewer') && levelOf(p) === LEVEL.county) work.push(reviewerCases(p, today));
    if (p.roles.includes('supervisor')) work.push(supervisorCases(p, today));
    for (const part of await Promise.all(work)) {
      for (const [k, v] of Object.entries(part)) cases[k] = k in cases ? { ...v, count: v.count + cases[k]!.count } : v;
    }
    const followUps = await openFollowUps(p);
    if (followUps) out.followUps = followUps;
  }
  if (Object.keys(cases).length > 0) out.cases = cases;

  // Problems: every staff account may file (answered), holders hold (not admins: A3).
  const [held, answered] = await Promise.all([isAdmin(p) ? Promise.resolve(undefined) : heldProblems(p), answeredProblems(p)]);
  out.problems = { ...(held && (held.count > 0 || p.roles.includes('reviewer')) ? { held } : {}), answered };

  if (isAdmin(p)) {
    const requests = await accountRequests(p);
    if (requests) out.accountRequests = requests;
  }
  return out;
}
