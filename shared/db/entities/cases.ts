import { defineEntity } from './define';
import type { Channel } from './catalog';

/**
 * Cases 办件 (C1–C6). A case and its steps share a partition (`CASE#<id>`), so the case with its
 * whole trace is one Query. Cases and steps are never deleted.
 */
export const CASE_STATUSES = ['accepted', 'submitted', 'returned', 'approved', 'rejected', 'completed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Statuses in which the clock runs toward the due date (returned = paused; the rest are closed). */
export const RUNNING_STATUSES: readonly CaseStatus[] = ['accepted', 'submitted', 'approved'];
export const CLOSED_STATUSES: readonly CaseStatus[] = ['rejected', 'completed'];
/** Why a rating is bad (1–2): required then, `comment` too when `other`. */
export const RATING_REASONS = ['slow', 'attitude', 'materials_unclear', 'not_solved', 'other'] as const;
export type RatingReason = (typeof RATING_REASONS)[number];
export const RESULT_DELIVERIES = ['on_the_spot', 'phone', 'post'] as const;
export type ResultDelivery = (typeof RESULT_DELIVERIES)[number];

import type { SealedPerson } from '../../security/crypto';

/** A person on a case: name in clear, ID number and phone sealed and masked (S2). */
export type { SealedPerson };
export interface CaseProxy extends SealedPerson {
  relation: string;
}
export interface CasePause {
  returnedOn: string;
  supplementedOn?: string;
  /** Working days the pause took (set at the supplement). */
  workingDays?: number;
}
export interface CaseViolation {
  kind: 'material_not_notified';
  at: string;
  by: string;
  materials: string[];
}

export interface CaseAttrs {
  id: string;
  /** 蒲县-2026-000123: county, year of acceptance (Asia/Shanghai), serial per county and year (numbering.ts). */
  number: string;
  /** 6 characters printed on the receipt: with the number, the public status lookup. */
  checkCode: string;
  itemCode: string;
  itemName: string;
  /** The catalogue version and the item as it stood when the case was accepted. */
  catalogVersion: number;
  item: { review: 'none' | 'county'; timeLimitWorkingDays: number; channels: Channel[]; materials: string[] };
  channel: Channel;
  applicant: SealedPerson;
  /** Blind index of the applicant's ID number: GET /public/my-cases. */
  applicantIndex: string;
  proxy?: CaseProxy;
  materialsNotified: string[];
  materialsReceived: string[];
  status: CaseStatus;
  pointId: string;
  pointName: string;
  regionCode: string;
  regionPath: string;
  /** The county: review queue and region-scoped lists partition by it. */
  scopeBucket: string;
  /** 首问负责制: the acceptor owns the case to its end (a kiosk: `kiosk:<terminalId>`). */
  acceptorId: string;
  acceptorName: string;
  /**
   * Set when a citizen accepted the case alone on a kiosk: first-inquiry responsibility lies with
   * the point, and any operator of this point acts as the case's owner.
   */
  ownerPointId?: string;
  terminalId?: string;
  acceptedAt: string;
  acceptDate: string;
  dueDate: string;
  calendarProvisional: boolean;
  provisionalYears: number[];
  pauses: CasePause[];
  pausedWorkingDays: number;
  violations: CaseViolation[];
  submittedAt?: string;
  decision?: { decision: 'approve' | 'reject' | 'return'; reason?: string; by: string; byName: string; at: string; missingMaterials?: string[] };
  closedAt?: string;
  closedDate?: string;
  /** Set when the case closes: closed on or before the due date. */
  onTime?: boolean;
  result?: { text: string; delivery: ResultDelivery; at: string };
  rating?: { score: number; reason?: RatingReason; comment?: string; at: string };
  /** Set when a re-review after a leak freeze found a step of this case wrong (functions/cases/re-reviews.ts). */
  flagged?: { at: string; note: string; reReviewId: string; action: string };
  /** The overdue risk as judged at acceptance (functions/cases/risk.ts); counted when the case closes. */
  risk?: { level: 'low' | 'medium' | 'high'; expectedDecisionDate: string; basis: Record<string, unknown> };
  version: number;
}

export const Case = defineEntity<CaseAttrs, { id: string }>({
  type: 'Case',
  key: ({ id }) => ({ pk: `CASE#${id}`, sk: 'CASE' }),
  // AP: the applicant's own cases → gsi1 (blind index, acceptedAt#id)
  // AP: a county's cases by status, ordered by due date (review queue, overdue) → gsi2
  // AP: a point's cases by status and due date (its list, its overdue) → gsi3
  indexes: (c) => ({
    gsi1pk: `CASES_OF#${c.applicantIndex}`,
    gsi1sk: `${c.acceptedAt}#${c.id}`,
    gsi2pk: `CASES_COUNTY#${c.scopeBucket}#${c.status}`,
    gsi2sk: `${c.dueDate}#${c.id}`,
    gsi3pk: `CASES_POINT#${c.pointId}`,
    gsi3sk: `${c.status}#${c.dueDate}#${c.id}`,
  }),
});
export const casePartition = (id: string) => ({ pk: `CASE#${id}` });
export const casesOfApplicant = (applicantIndex: string) => ({ index: 'gsi1' as const, pk: `CASES_OF#${applicantIndex}` });
export const casesOfCounty = (county: string, status: CaseStatus) => ({ index: 'gsi2' as const, pk: `CASES_COUNTY#${county}#${status}` });
export const casesOfPoint = (pointId: string) => ({ index: 'gsi3' as const, pk: `CASES_POINT#${pointId}` });
/** Sort-key bounds inside casesOfPoint for one status (and due dates before `before`). */
export const pointStatusPrefix = (status: CaseStatus) => `${status}#`;
export const pointStatusDueBefore = (status: CaseStatus, before: string): [string, string] => [`${status}#`, `${status}#${before}`];
export const pointStatusDueFrom = (status: CaseStatus, from: string): [string, string] => [`${status}#${from}`, `${status}#\uffff`];

/** The case-number counter per county and year (the serial in 蒲县-2026-000123). */
export const CaseNumberCounter = defineEntity<{ countyCode: string; year: string; n: number }, { countyCode: string; year: string }>({
  type: 'CaseNumberCounter',
  key: ({ countyCode, year }) => ({ pk: `CASE_COUNTER#${countyCode}`, sk: `YEAR#${year}` }),
});

/**
 * A case number's pointer to its case, written with the case (a number is never reused):
 * GET /cases?number= and the public status lookup are GetItems.
 */
export interface CaseNumberAttrs {
  number: string;
  caseId: string;
  scopeBucket: string;
}
export const CaseNumber = defineEntity<CaseNumberAttrs, { number: string }>({
  type: 'CaseNumber',
  key: ({ number }) => ({ pk: `CASENO#${number}`, sk: 'CASENO' }),
});

/**
 * Wrong check codes for one case number (known or not, so that the lockout is no oracle
 * either) in the current window; expires by TTL.
 */
export interface StatusLookupFailuresAttrs {
  number: string;
  /** Attempts taken in the window (a right code gives its attempt back). */
  failures: number;
  windowStart: string;
  /** The last attempt: the lockout runs an hour from it. */
  lastAt: string;
  ttl: number;
  version: number;
}
export const StatusLookupFailures = defineEntity<StatusLookupFailuresAttrs, { number: string }>({
  type: 'StatusLookupFailures',
  key: ({ number }) => ({ pk: `CASENO#${number}`, sk: 'STATUS_FAILURES' }),
});

/** One step of a case (C6): who, role, where (point, terminal), when, what. Never deleted. */
export interface CaseStepAttrs {
  caseId: string;
  id: string;
  action: string;
  at: string;
  actorId: string;
  actorName?: string;
  role: string;
  pointId?: string;
  terminalId?: string;
  /** The applicant the step concerns: blind index and masked ID only. */
  applicantIndex: string;
  applicantMasked: string;
  fromStatus?: CaseStatus;
  toStatus: CaseStatus;
  note?: string;
  details?: Record<string, unknown>;
}
export const CaseStep = defineEntity<CaseStepAttrs, { caseId: string; id: string }>({
  type: 'CaseStep',
  key: ({ caseId, id }) => ({ pk: `CASE#${caseId}`, sk: `STEP#${id}` }),
});

/**
 * A provisional due date's marker: cases whose due date was computed on plain weekdays in a
 * year not loaded yet. Loading the year Queries this partition (never a Scan).
 */
export interface ProvisionalDueAttrs {
  year: number;
  caseId: string;
  dueDate: string;
}
export const ProvisionalDue = defineEntity<ProvisionalDueAttrs, { year: number; caseId: string }>({
  type: 'ProvisionalDue',
  key: ({ year, caseId }) => ({ pk: `CAL_PROVISIONAL#${year}`, sk: `CASE#${caseId}` }),
});
export const provisionalDuesOfYear = (year: number) => ({ pk: `CAL_PROVISIONAL#${year}`, skPrefix: 'CASE#' });

/**
 * Per point, per month supervision counters, kept in each case change's transaction so that
 * reports never read cases one by one. Attribute names: accepted, submitted, returned,
 * approved, rejected, completed, onTime, overdue, violations, ratingSum, ratingCount,
 * badRatings, `ch_<channel>` (accepted by channel), `item_<code>` (accepted by item),
 * `done_<code>` (closed by item), `late_<code>` (closed late by item).
 */
export interface CaseCounterAttrs {
  pointId: string;
  month: string;
  regionPath: string;
  scopeBucket: string;
  [counter: string]: unknown;
}
export const CaseCounter = defineEntity<CaseCounterAttrs, { pointId: string; month: string }>({
  type: 'CaseCounter',
  key: ({ pointId, month }) => ({ pk: `CASESTAT#${pointId}`, sk: `MONTH#${month}` }),
  // AP: a county's (or township's, by begins_with path) point counters for a month → gsi1
  indexes: (c) => ({ gsi1pk: `CASESTAT_IN#${c.scopeBucket}#${c.month}`, gsi1sk: `${c.regionPath}#${c.pointId}` }),
});
export const caseCountersOfPoint = (pointId: string) => ({ pk: `CASESTAT#${pointId}`, skPrefix: 'MONTH#' });
export const caseCountersOfCounty = (county: string, month: string) => ({ index: 'gsi1' as const, pk: `CASESTAT_IN#${county}#${month}` });

/**
 * Per point, per ISO week (Asia/Shanghai, Monday to Sunday, key `2024-W23`) the same counters as
 * CaseCounter, bumped in the same transaction. It lives in the point's counter partition
 * (`CASESTAT#<point>`, sk `WEEK#2024-W23`) and carries no index: a weekly report knows its
 * points and reads their week items with BatchGet, so its cost grows with points, not cases.
 */
export interface CaseWeekCounterAttrs {
  pointId: string;
  week: string;
  regionPath: string;
  scopeBucket: string;
  [counter: string]: unknown;
}
export const CaseWeekCounter = defineEntity<CaseWeekCounterAttrs, { pointId: string; week: string }>({
  type: 'CaseWeekCounter',
  key: ({ pointId, week }) => ({ pk: `CASESTAT#${pointId}`, sk: `WEEK#${week}` }),
});

/** A bad rating (1–2) opens a follow-up on the point (好差评 整改回访). */
export interface RatingFollowUpAttrs {
  id: string;
  caseId: string;
  pointId: string;
  regionPath: string;
  scopeBucket: string;
  score: number;
  reason?: RatingReason;
  comment?: string;
  status: 'open' | 'closed';
  openedAt: string;
  /** Set when the point records what it did about the bad rating (整改回访). */
  closedAt?: string;
  closedBy?: string;
  closedByName?: string;
  resolution?: string;
  version: number;
}
export const RatingFollowUp = defineEntity<RatingFollowUpAttrs, { id: string }>({
  type: 'RatingFollowUp',
  key: ({ id }) => ({ pk: `FOLLOWUP#${id}`, sk: 'FOLLOWUP' }),
  // AP: a point's follow-ups → gsi1; a county's follow-ups by status → gsi2
  indexes: (f) => ({
    gsi1pk: `FOLLOWUPS_OF#${f.pointId}`,
    gsi1sk: f.id,
    gsi2pk: `FOLLOWUPS_IN#${f.scopeBucket}#${f.status}`,
    gsi2sk: `${f.regionPath}#${f.id}`,
  }),
});
export const followUpsOfPoint = (pointId: string) => ({ index: 'gsi1' as const, pk: `FOLLOWUPS_OF#${pointId}` });
export const followUpsOfCounty = (county: string, status: 'open' | 'closed') => ({ index: 'gsi2' as const, pk: `FOLLOWUPS_IN#${county}#${status}` });

/**
 * A case step queued for a second look after its actor's account was frozen for a leak (A6 + C6).
 * One per op-log entry of the step (its id is the entry's id), so queuing twice never doubles.
 */
export const RE_REVIEW_STATUSES = ['open', 'cleared'] as const;
export type ReReviewStatus = (typeof RE_REVIEW_STATUSES)[number];
export interface ReReviewAttrs {
  /** The op-log entry of the step (a ULID: time-ordered). */
  id: string;
  caseId: string;
  /** The op-log action of the step: case.accept, case.submit, case.review.approve, case.complete… */
  action: string;
  stepAt: string;
  /** The frozen account that performed the step. */
  actorId: string;
  actorName?: string;
  scopeBucket: string;
  regionCode?: string;
  pointId?: string;
  status: ReReviewStatus;
  queuedAt: string;
  since: string;
  outcome?: 'confirmed' | 'flagged';
  note?: string;
  clearedAt?: string;
  clearedBy?: string;
  clearedByName?: string;
  version: number;
}
export const ReReview = defineEntity<ReReviewAttrs, { id: string }>({
  type: 'ReReview',
  key: ({ id }) => ({ pk: `REREVIEW#${id}`, sk: 'REREVIEW' }),
  // AP: a county's re-reviews by status, oldest step first → gsi1
  indexes: (r) => ({ gsi1pk: `REREVIEWS_IN#${r.scopeBucket}#${r.status}`, gsi1sk: r.id }),
});
export const reReviewsOfCounty = (county: string, status: ReReviewStatus) => ({ index: 'gsi1' as const, pk: `REREVIEWS_IN#${county}#${status}` });

/**
 * A case a kiosk accepted offline, by the kiosk's client id (a ULID it made): the idempotency
 * key of `POST /kiosk/batches`, written in the acceptance's transaction, so each is accepted once.
 */
export interface KioskClientCaseAttrs {
  deviceId: string;
  clientId: string;
  caseId: string;
  acceptedAtLocal: string;
  acceptedAt: string;
  receivedAt: string;
}
export const KioskClientCase = defineEntity<KioskClientCaseAttrs, { deviceId: string; clientId: string }>({
  type: 'KioskClientCase',
  key: ({ deviceId, clientId }) => ({ pk: `DEVICE#${deviceId}`, sk: `OFFLINE_CASE#${clientId}` }),
});
