import { defineEntity, pad } from './define';

/**
 * Problem reports and their escalation (E1–E4, 故障排除上下联动). The problem item is the single
 * source of truth: the API and the Step Functions tasks both read and change it with versioned
 * writes, and the flow decides at each wake-up from what it finds there.
 */
export const PROBLEM_CATEGORIES = ['system', 'functional', 'guidance'] as const;
export type ProblemCategory = (typeof PROBLEM_CATEGORIES)[number];

/**
 * Business categories of guidance problems: the catalogue's groups (employment, social_security)
 * and categories (find_job, learn_skill, insurance, card), plus pension (养老保险, the largest
 * part of insurance). A designation for a group covers every category of that group.
 */
export const BUSINESS_CATEGORIES = {
  employment: { nameZh: '就业', group: 'employment' },
  find_job: { nameZh: '找工作', group: 'employment' },
  learn_skill: { nameZh: '学技术', group: 'employment' },
  social_security: { nameZh: '社保', group: 'social_security' },
  insurance: { nameZh: '办社保', group: 'social_security' },
  pension: { nameZh: '养老保险', group: 'social_security' },
  card: { nameZh: '用社保卡', group: 'social_security' },
} as const;
export type BusinessCategory = keyof typeof BUSINESS_CATEGORIES;
export const BUSINESS_CATEGORY_CODES = Object.keys(BUSINESS_CATEGORIES) as [BusinessCategory, ...BusinessCategory[]];

export const PROBLEM_LEVELS = ['county', 'city', 'province'] as const;
export type ProblemLevel = (typeof PROBLEM_LEVELS)[number];
/** Path depth of each holding level (0 province, 1 city, 2 county). */
export const LEVEL_DEPTH: Record<ProblemLevel, number> = { province: 0, city: 1, county: 2 };

/** open: awaiting the holder's answer · answered: awaiting the filer · resolved: closed by the filer. */
export const PROBLEM_STATUSES = ['open', 'answered', 'resolved'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

export interface ProblemAttrs {
  id: string;
  /** Ledger number, e.g. 蒲县-2026-0001 (per county and year). */
  number: string;
  category: ProblemCategory;
  businessCategory?: BusinessCategory;
  description: string;
  suggestion: string;
  caseId?: string;
  screenshots?: string[];
  filerId: string;
  filerName: string;
  /** The filer's region: the problem belongs there (scope). */
  regionCode: string;
  regionPath: string;
  scopeBucket: string;
  status: ProblemStatus;
  level: ProblemLevel;
  /** The region of the holding unit (county HR bureau, city, province task force). */
  holderRegionCode: string;
  /** A designated person (business backbone); absent = any reviewer of the holding unit. */
  holderId?: string;
  holderName?: string;
  heldSince: string;
  /** Response deadline at the current level (ISO, +08:00). */
  deadline: string;
  answer?: string;
  answeredAt?: string;
  answeredBy?: string;
  /** The date the holder promises the result by (from the answer). */
  promisedBy?: string;
  /** After an answer: when the flow looks again (the promised date, or a follow-up window). */
  followUpUntil?: string;
  /** At the province (the top) an overdue problem is reminded; the next reminder is due then. */
  remindUntil?: string;
  filedAt: string;
  resolvedAt?: string;
  /** Is an escalation execution watching this problem? (a reopen starts a new one if not) */
  flowActive: boolean;
  flowRound: number;
  flowFailed?: boolean;
  version: number;
}

/** The holder key of a problem: a person, or the pool of reviewers of the holding unit. */
export const holderKeyOf = (a: Pick<ProblemAttrs, 'holderId' | 'holderRegionCode'>): string =>
  a.holderId ? `ACCOUNT#${a.holderId}` : `POOL#${a.holderRegionCode}`;

export const Problem = defineEntity<ProblemAttrs, { id: string }>({
  type: 'Problem',
  key: ({ id }) => ({ pk: `PROBLEM#${id}`, sk: 'PROBLEM' }),
  // AP: the region ledger → gsi1 (bucket, path#id), begins_with(path) for a subtree
  // AP: a holding unit's queue → gsi2 (holder region, status#deadline#id); overdue = open# … open#now
  // AP: what a holder (person or pool) holds → gsi3 (holder key, status#deadline#id)
  indexes: (p) => ({
    gsi1pk: `PROBLEMS_IN#${p.scopeBucket}`,
    gsi1sk: `${p.regionPath}#${p.id}`,
    gsi2pk: `PROBLEMS_AT#${p.holderRegionCode}`,
    gsi2sk: `${p.status}#${p.deadline}#${p.id}`,
    gsi3pk: `PROBLEMS_HELD#${holderKeyOf(p)}`,
    gsi3sk: `${p.status}#${p.deadline}#${p.id}`,
  }),
});
export const problemsInBucket = (bucket: string) => ({ index: 'gsi1' as const, pk: `PROBLEMS_IN#${bucket}` });
export const problemsAtUnit = (holderRegionCode: string) => ({ index: 'gsi2' as const, pk: `PROBLEMS_AT#${holderRegionCode}` });
export const problemsHeldBy = (holderKey: string) => ({ index: 'gsi3' as const, pk: `PROBLEMS_HELD#${holderKey}` });

export const PROBLEM_EVENT_KINDS = [
  'filed',
  'assigned',
  'answered',
  'escalated',
  'reminded',
  'resolved',
  'reopened',
  'flow_ended',
  'flow_failed',
] as const;
export type ProblemEventKind = (typeof PROBLEM_EVENT_KINDS)[number];

/** One step of a problem's history (E4): never changed, never deleted. */
export interface ProblemEventAttrs {
  problemId: string;
  id: string;
  at: string;
  kind: ProblemEventKind;
  actorId: string;
  actorName?: string;
  level: ProblemLevel;
  holderRegionCode: string;
  holderId?: string;
  holderName?: string;
  deadline?: string;
  note?: string;
}
export const ProblemEvent = defineEntity<ProblemEventAttrs, { problemId: string; id: string }>({
  type: 'ProblemEvent',
  key: ({ problemId, id }) => ({ pk: `PROBLEM#${problemId}`, sk: `EVENT#${id}` }),
});
export const problemHistory = (problemId: string) => ({ pk: `PROBLEM#${problemId}`, skPrefix: 'EVENT#' });

/** Per-county, per-year ledger counter (the number in 蒲县-2026-0001). */
export const ProblemCounter = defineEntity<{ unitCode: string; year: string; n: number }, { unitCode: string; year: string }>({
  type: 'ProblemCounter',
  key: ({ unitCode, year }) => ({ pk: `PROBLEM_COUNTER#${unitCode}`, sk: `YEAR#${year}` }),
});

/**
 * Problem supervision counters per filing region and per period: the calendar month (`2024-06`)
 * and the ISO week (`2024-W23`), Asia/Shanghai, of each change, bumped in the change's own
 * transaction so that reports never read the ledger. Keyed by the filer's region (the problem
 * belongs there) so that a county's report can split them by township; a county's period is one
 * Query on gsi1 (`PROBSTAT_IN#bucket#period`, begins_with path for a subtree), one item per region
 * with activity. Attributes: filed, `cat_<category>`, `biz_<businessCategory>` (filed),
 * toCity, toProvince (escalations that moved a problem up to that level, automatic or
 * beyond power), answered, resolved, reopened.
 */
export interface ProblemStatAttrs {
  regionCode: string;
  period: string;
  regionPath: string;
  scopeBucket: string;
  [counter: string]: unknown;
}
export const ProblemStat = defineEntity<ProblemStatAttrs, { regionCode: string; period: string }>({
  type: 'ProblemStat',
  key: ({ regionCode, period }) => ({ pk: `PROBSTAT#${regionCode}`, sk: `PERIOD#${period}` }),
  // AP: a county's (or a subtree's, by begins_with path) problem counters for a month or week → gsi1
  indexes: (c) => ({ gsi1pk: `PROBSTAT_IN#${c.scopeBucket}#${c.period}`, gsi1sk: `${c.regionPath}#${c.regionCode}` }),
});
export const problemStatsOfBucket = (bucket: string, period: string) => ({ index: 'gsi1' as const, pk: `PROBSTAT_IN#${bucket}#${period}` });
/** Escalation counter names per level moved to. */
export const ESCALATED_TO: Record<Exclude<ProblemLevel, 'county'>, string> = { city: 'toCity', province: 'toProvince' };
/** Open problems held at a unit by status (gsi2 sk status#deadline#id): overdue = open# … open#now. */
export const heldWithStatus = (status: ProblemStatus) => `${status}#`;

/** The business backbone designated for a business category in a county (county biz admin keeps it). */
export interface ProblemDesignationAttrs {
  countyCode: string;
  businessCategory: BusinessCategory;
  accountId: string;
  accountName: string;
  designatedBy: string;
  designatedAt: string;
  version: number;
}
export const ProblemDesignation = defineEntity<ProblemDesignationAttrs, { countyCode: string; businessCategory: string }>({
  type: 'ProblemDesignation',
  key: ({ countyCode, businessCategory }) => ({ pk: `PROBLEM_DESIGNATIONS#${countyCode}`, sk: `CATEGORY#${businessCategory}` }),
});
export const designationsOfCounty = (countyCode: string) => ({ pk: `PROBLEM_DESIGNATIONS#${countyCode}`, skPrefix: 'CATEGORY#' });

/** A notice to a new holder (a person or a pool), listed at GET /problems/notifications. */
export interface ProblemNoticeAttrs {
  recipientKey: string;
  id: string;
  at: string;
  problemId: string;
  number: string;
  kind: 'assigned' | 'escalated' | 'reminded' | 'answered' | 'reopened';
  level: ProblemLevel;
  deadline?: string;
  message: string;
}
export const ProblemNotice = defineEntity<ProblemNoticeAttrs, { recipientKey: string; id: string }>({
  type: 'ProblemNotice',
  key: ({ recipientKey, id }) => ({ pk: `PROBLEM_NOTICES#${recipientKey}`, sk: `NOTICE#${id}` }),
});
export const noticesFor = (recipientKey: string) => ({ pk: `PROBLEM_NOTICES#${recipientKey}`, skPrefix: 'NOTICE#' });

/** The serial part of a ledger number: 0001 … */
export const ledgerSerial = (n: number): string => pad(n, 4);

/**
 * The local runtime's claim on a problem's escalation execution (infra/local/flow-lease.ts): the
 * laptop's stand-in for Step Functions' one-execution-per-name. Written only with conditions, so
 * that two starts of `npm start` on one table never run two flows for one problem. Runtime
 * plumbing like a session heartbeat, not a business change: no operation-log entry. Never
 * written deployed (Step Functions keeps the executions there).
 */
export interface ProblemFlowLeaseAttrs {
  problemId: string;
  /** The flow round (flowRound) the holder runs: a newer round supersedes an older lease. */
  round: number;
  /** Which runtime holds it (host, process, start). */
  owner: string;
  /** Epoch ms; the holder renews it while its execution runs, a crashed holder's lapses. */
  expiresAt: number;
  ttl: number;
}
export const ProblemFlowLease = defineEntity<ProblemFlowLeaseAttrs, { problemId: string }>({
  type: 'ProblemFlowLease',
  key: ({ problemId }) => ({ pk: `PROBLEM#${problemId}`, sk: 'FLOW_LEASE' }),
});
