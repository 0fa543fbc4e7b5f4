/**
 * The supervisors' live dashboard (GET /dashboard): the sections of a report for a region and a
 * period computed now by the report builder itself (readInputs + computeReport, the same counters
 * and the same computation as a stored report), never stored, plus a 12-period trend.
 *
 * The trend reuses the current period's reads of points, kiosks, accounts, overdue cases and open
 * problems (they are "as of now" in every report) and reads, for all twelve periods at once, only
 * the period-bound counters: case counters (one query per bucket and month, or for weeks one
 * BatchGet per 100 points and week), problem counters and expenditures. So its cost grows with
 * points and periods, never with cases.
 */
import type { CaseCounterAttrs, ExpenditureAttrs, ProblemStatAttrs, PointFundAttrs, RegionAttrs } from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import { badField } from '../../shared/http/errors';
import { addDays, dateShanghai, isoWeekOf } from '../../shared/clock';
import { computeReport, readInputs, type Inputs, type ReportContent } from './build';
import { parsePeriod, type Period, type ReportType } from './period';
import { reportRegion, requireReportReader } from './service';
import * as sources from './sources';

export const TREND_PERIODS = 12;

/** The period of `type` holding the Shanghai date `day`. */
export function periodOn(type: ReportType, day: string): Period {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const key = type === 'weekly' ? isoWeekOf(day) : type === 'monthly' ? day.slice(0, 7) : `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
  return parsePeriod(type, key)!;
}

/** `n` periods ending with `last` (oldest first). */
export function periodsEndingWith(last: Period, n: number): Period[] {
  const out = [last];
  while (out.length < n) out.unshift(periodOn(last.type, addDays(out[0]!.start, -1)));
  return out;
}

/** One period of the trend: the figures a supervisor follows over time, from the same computation. */
function trendPoint(c: ReportContent) {
  const s = c.sections;
  return {
    period: c.period.key,
    start: c.period.start,
    end: c.period.end,
    summary: c.summary,
    cases: {
      accepted: s.cases.accepted,
      closed: s.cases.closed,
      onTime: s.cases.onTime,
      late: s.cases.late,
      onTimeRate: s.cases.onTimeRate,
      completionRate: s.cases.completionRate,
      violations: s.cases.violations,
    },
    problems: { filed: s.problems.filed, escalated: s.problems.escalated, answered: s.problems.answered, resolved: s.problems.resolved },
    ratings: s.ratings,
    funds: { spentInPeriodFen: s.funds.spentInPeriodFen },
    milestones: s.points.milestones.map((m) => ({ key: m.key, rate: m.rate, status: m.status })),
    units: c.units.map((u) => ({ code: u.code, name: u.name, score: u.score })),
  };
}
export type TrendPoint = ReturnType<typeof trendPoint>;

/**
 * The other eleven periods' inputs: the current period's as-of-now reads with the counters,
 * problem counters, funds and expenditures of each period.
 */
async function trendInputs(base: Inputs, periods: Period[]): Promise<Inputs[]> {
  const slices = await sources.slicesOf(base.region);
  const weekly = base.period.type === 'weekly';
  const months = [...new Set(periods.flatMap((p) => p.months))];
  const years = [...new Set(periods.flatMap((p) => [p.start, p.end]).map((d) => Number(d.slice(0, 4))))];
  const span = { ...periods[0]!, start: periods[0]!.start, end: periods.at(-1)!.end };
  const [counters, problemStats, fundsByYear, expenditures] = await Promise.all([
    weekly
      ? Promise.all(periods.map((p) => sources.readWeekCounters(base.points, p.key)))
      : sources.readCaseCounters(slices, months).then((all) => periods.map((p) => all.filter((c) => p.months.includes((c as CaseCounterAttrs).month)))),
    sources.readProblemStats(slices, weekly ? periods.map((p) => p.key) : months),
    Promise.all(years.map(async (y) => [y, await sources.readPointFunds(slices, y)] as const)).then((e) => new Map<number, PointFundAttrs[]>(e)),
    // readExpenditures reads the years of a period's two ends: one call per calendar year of the span.
    Promise.all(years.map((y) => sources.readExpenditures(slices, { ...span, start: maxOf(span.start, `${y}-01-01`), end: minOf(span.end, `${y}-12-31`) }))).then((e) => e.flat()),
  ]);
  return periods.map((period, i) => ({
    ...base,
    period,
    counters: counters[i]!,
    problemStats: problemStats.filter((s: ProblemStatAttrs) => (weekly ? s.period === period.key : period.months.includes(s.period))),
    funds: fundsByYear.get(Number(period.end.slice(0, 4))) ?? [],
    expenditures: expenditures.filter((e: ExpenditureAttrs) => e.date >= period.start && e.date <= period.end),
  }));
}

const maxOf = (a: string, b: string) => (a > b ? a : b);
const minOf = (a: string, b: string) => (a < b ? a : b);

export async function getDashboard(ctx: RequestCtx, q: { region?: string; type?: ReportType; period?: string }) {
  const p = requireReportReader(ctx);
  const region = await reportRegion(q.region ?? p.regionCode, p);
  const type = q.type ?? 'monthly';
  const today = dateShanghai(ctx.now);
  const period = q.period ? parsePeriod(type, q.period) : periodOn(type, today);
  if (!period) throw badField('query.period', `与类型 ${type} 不符或不存在（如 2024-W23、2024-06、2024-Q2）`);
  if (period.start > today) throw badField('query.period', '期间尚未开始');

  return liveDashboard(region, period, ctx.now);
}

/** The dashboard of a region and period as of `now` (authorization is the caller's). */
export async function liveDashboard(region: RegionAttrs, period: Period, now: Date) {
  const base = await readInputs(region, period, now);
  const content = computeReport(base);
  const earlier = periodsEndingWith(period, TREND_PERIODS).slice(0, -1);
  const trend = [...(await trendInputs(base, earlier)).map((inp) => trendPoint(computeReport(inp))), trendPoint(content)];
  return { ...content, live: true as const, periodInProgress: period.end >= dateShanghai(now), trend };
}
