/**
 * The report's readers: one small reader per domain, each a handful of key or index queries
 * whose cost grows with the number of points in the region (never with cases or log entries).
 * A reader whose domain keeps no data for a figure says so (`missing`) instead of inventing it.
 */
import { getItem, getItems, queryAll } from '../../shared/db/store';
import {
  ACCOUNT_STATUSES,
  POINT_STAGES,
  accountsByStatus,
  devicesInBucket,
  pointsByStage,
  pointFundsInBucket,
  expendituresInBucket,
  problemsAtUnit,
  problemStatsOfBucket,
  heldWithStatus,
  CaseWeekCounter,
  caseCountersOfCounty,
  casesOfCounty,
  catalogVersionItems,
  CatalogCurrent,
  RUNNING_STATUSES,
  type CaseAttrs,
  type CaseCounterAttrs,
  type CatalogCurrentAttrs,
  type CatalogItemAttrs,
  type AccountAttrs,
  type DeviceAttrs,
  type ExpenditureAttrs,
  type PointAttrs,
  type PointFundAttrs,
  type ProblemAttrs,
  type ProblemStatAttrs,
  type CaseWeekCounterAttrs,
  type RegionAttrs,
} from '../../shared/db/entities';
import { bucketRegionsUnder } from '../../shared/regions';
import { depthOf } from '../../shared/security/scope';
import type { Period } from './period';

/** A slice of the table that holds a region's records: a bucket and the path prefix inside it. */
export interface Slice {
  bucket: string;
  pathPrefix: string;
}

/**
 * The buckets of a region: its county for a county or anything below; for a city or the province
 * every county below it, plus the region's own bucket (accounts of city/province staff).
 */
export async function slicesOf(region: RegionAttrs): Promise<Slice[]> {
  if (depthOf(region.path) >= 2) return [{ bucket: region.path.split('/')[2]!, pathPrefix: region.path }];
  return (await bucketRegionsUnder(region)).map((r) => ({ bucket: r.code, pathPrefix: r.path }));
}

/** Points of the region, stage by stage (Point gsi2: POINTS_STAGE#bucket#stage, begins_with path). */
export async function readPoints(slices: Slice[]): Promise<PointAttrs[]> {
  const all = await Promise.all(
    slices.flatMap((s) => POINT_STAGES.map((stage) => queryAll<PointAttrs>({ ...pointsByStage(s.bucket, stage), skPrefix: s.pathPrefix }))),
  );
  return all.flat();
}

/** Kiosks of the region (Device gsi2: DEVICES_IN#bucket, begins_with path). */
export async function readDevices(slices: Slice[]): Promise<DeviceAttrs[]> {
  const all = await Promise.all(slices.map((s) => queryAll<DeviceAttrs>({ ...devicesInBucket(s.bucket), skPrefix: s.pathPrefix })));
  return all.flat();
}

/** Staff accounts of the region by status (Account gsi2: ACCOUNTS_STATUS#bucket#status, begins_with path). */
export async function readAccounts(slices: Slice[]): Promise<AccountAttrs[]> {
  const all = await Promise.all(
    slices.flatMap((s) => ACCOUNT_STATUSES.map((st) => queryAll<AccountAttrs>({ ...accountsByStatus(s.bucket, st), skPrefix: s.pathPrefix }))),
  );
  return all.flat();
}

/** Subsidy accounts of the region's points for a year (PointFund gsi3: FUNDS_IN#bucket#year). */
export async function readPointFunds(slices: Slice[], year: number): Promise<PointFundAttrs[]> {
  const all = await Promise.all(slices.map((s) => queryAll<PointFundAttrs>({ ...pointFundsInBucket(s.bucket, year), skPrefix: s.pathPrefix })));
  return all.flat();
}

/**
 * Expenditures dated inside the period (Expenditure gsi1: SPENDING_IN#bucket#year, date range).
 * A point records a few per year, so this grows with points, not with cases.
 */
export async function readExpenditures(slices: Slice[], period: Period): Promise<ExpenditureAttrs[]> {
  const years = [...new Set([period.start.slice(0, 4), period.end.slice(0, 4)])].map(Number);
  const all = await Promise.all(
    slices.flatMap((s) =>
      years.map((y) =>
        queryAll<ExpenditureAttrs>({ ...expendituresInBucket(s.bucket, y), skBetween: [`${period.start}#`, `${period.end}#\uffff`] }),
      ),
    ),
  );
  return all.flat().filter((e) => e.regionPath.startsWith(withSep(slices, e.scopeBucket)));
}

function withSep(slices: Slice[], bucket: string): string {
  return slices.find((s) => s.bucket === bucket)?.pathPrefix ?? '\u0000';
}

/**
 * The problems domain's counters per filing region and period (ProblemStat gsi1:
 * PROBSTAT_IN#bucket#period, begins_with path): filed (by category), escalations to the city and
 * the province, answers, reopenings and resolutions in the months or the week of the report. One
 * item per region with activity: the cost grows with regions, never with problems.
 */
export async function readProblemStats(slices: Slice[], periodKeys: string[]): Promise<ProblemStatAttrs[]> {
  const all = await Promise.all(
    slices.flatMap((s) => periodKeys.map((k) => queryAll<ProblemStatAttrs>({ ...problemStatsOfBucket(s.bucket, k), skPrefix: s.pathPrefix }))),
  );
  return all.flat();
}

/**
 * Problems not yet resolved, as of now, from the holding units' status index (Problem gsi2:
 * PROBLEMS_AT#unit, sort key status#deadline#id, `open#` and `answered#`): the units that can hold
 * a problem of the region are its county, city and province above it and every city and county
 * below it. The region is a filter on the filer's path, so the items read are the open problems
 * those units hold (bounded by open problems, never by all problems filed).
 */
export async function readOpenProblems(region: RegionAttrs, slices: Slice[]): Promise<ProblemAttrs[]> {
  const ancestors = region.path.split('/').slice(0, Math.min(depthOf(region.path), 2) + 1);
  const units = [...new Set([...ancestors, ...slices.map((s) => s.bucket)])];
  const filter = { expression: 'begins_with(#rp, :scope)', names: { '#rp': 'regionPath' }, values: { ':scope': region.path } };
  const all = await Promise.all(
    units.flatMap((u) => (['open', 'answered'] as const).map((st) => queryAll<ProblemAttrs>({ ...problemsAtUnit(u), skPrefix: heldWithStatus(st), filter }))),
  );
  return all.flat();
}

/**
 * The cases domain's per-point, per-month counters (CaseCounter gsi1: CASESTAT_IN#bucket#month,
 * begins_with path): one item per point with activity in the month.
 */
export async function readCaseCounters(slices: Slice[], months: string[]): Promise<CaseCounterAttrs[]> {
  const all = await Promise.all(
    slices.flatMap((s) => months.map((m) => queryAll<CaseCounterAttrs>({ ...caseCountersOfCounty(s.bucket, m), skPrefix: s.pathPrefix }))),
  );
  return all.flat();
}

/**
 * The cases domain's per-point, per-ISO-week counters (CaseWeekCounter `CASESTAT#point` /
 * `WEEK#2024-W23`): one BatchGet per 100 points of the region, so the cost grows with points.
 * A point with no case activity in the week has no item.
 */
export async function readWeekCounters(points: Pick<PointAttrs, 'id'>[], week: string): Promise<CaseWeekCounterAttrs[]> {
  const keys = points.map((p) => CaseWeekCounter.key({ pointId: p.id, week }));
  const chunks: (typeof keys)[] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  const got = await Promise.all(chunks.map((c) => getItems<CaseWeekCounterAttrs>(c)));
  return got.flat().filter((c): c is CaseWeekCounterAttrs => c !== undefined);
}

/**
 * Cases still running whose due date is before `date` (Case gsi2: CASES_COUNTY#bucket#status,
 * sort key dueDate#id ≤ date). Reads only the overdue ones, never the county's other cases.
 */
export async function readOverdueCases(slices: Slice[], date: string): Promise<CaseAttrs[]> {
  const all = await Promise.all(
    slices.flatMap((s) =>
      RUNNING_STATUSES.map((st) =>
        queryAll<CaseAttrs>({ ...casesOfCounty(s.bucket, st), skTo: date }).then((cs) => cs.filter((c) => c.regionPath.startsWith(s.pathPrefix))),
      ),
    ),
  );
  return all.flat();
}

/** Item names of the current catalogue (one GetItem and one Query). */
export async function readItemNames(): Promise<Map<string, string>> {
  const head = await getItem<CatalogCurrentAttrs>(CatalogCurrent.key({}));
  if (!head) return new Map();
  const items = await queryAll<CatalogItemAttrs>(catalogVersionItems(head.version));
  return new Map(items.map((i) => [i.code, i.nameZh]));
}
