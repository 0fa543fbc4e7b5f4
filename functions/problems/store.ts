import { getItem, queryAll, queryPage, type Page, type PatternQuery } from '../../shared/db/store';
import {
  Account,
  Problem,
  ProblemCounter,
  ProblemDesignation,
  ProblemStat,
  designationsOfCounty,
  noticesFor,
  problemHistory,
  type AccountAttrs,
  type ProblemAttrs,
  type ProblemDesignationAttrs,
  type ProblemEventAttrs,
  type ProblemNoticeAttrs,
} from '../../shared/db/entities';
import { BadRequest } from '../../shared/http/errors';
import { monthShanghai, weekShanghai } from '../../shared/clock';
import type { Tx } from '../../shared/db/tx';

export async function getProblem(id: string, consistent = false): Promise<ProblemAttrs | undefined> {
  return getItem<ProblemAttrs>(Problem.key({ id }), consistent);
}

export async function historyOf(id: string): Promise<ProblemEventAttrs[]> {
  return queryAll<ProblemEventAttrs>(problemHistory(id));
}

export async function counterValue(unitCode: string, year: string): Promise<number> {
  const c = await getItem<{ n: number }>(ProblemCounter.key({ unitCode, year }), true);
  return c?.n ?? 0;
}

export async function getDesignation(countyCode: string, businessCategory: string): Promise<ProblemDesignationAttrs | undefined> {
  return getItem<ProblemDesignationAttrs>(ProblemDesignation.key({ countyCode, businessCategory }), true);
}

export async function designationsPage(countyCode: string, limit: number, cursor?: string): Promise<Page<ProblemDesignationAttrs>> {
  return queryPage<ProblemDesignationAttrs>(designationsOfCounty(countyCode), limit, cursor);
}

export async function getAccount(id: string): Promise<AccountAttrs | undefined> {
  return getItem<AccountAttrs>(Account.key({ id }), true);
}

export async function noticesPage(recipientKeys: string[], limit: number, cursor?: string): Promise<Page<ProblemNoticeAttrs>> {
  return fanOutPage<ProblemNoticeAttrs>(
    recipientKeys.map((k) => ({ ...noticesFor(k), descending: true })),
    limit,
    cursor,
  );
}

/**
 * One page over several queries read one after the other (a city's counties, a holder's own and
 * pool partitions). The cursor names the query and the position inside it.
 */
export async function fanOutPage<T>(queries: PatternQuery[], limit: number, cursor?: string): Promise<Page<T>> {
  let start = { i: 0, c: undefined as string | undefined };
  if (cursor) {
    try {
      const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { i: unknown; c: unknown };
      if (typeof parsed.i !== 'number' || !Number.isInteger(parsed.i) || parsed.i < 0 || parsed.i >= queries.length) throw new Error('index');
      if (parsed.c !== undefined && typeof parsed.c !== 'string') throw new Error('inner');
      start = { i: parsed.i, c: parsed.c as string | undefined };
    } catch {
      throw new BadRequest('cursor: 无效的分页游标', [{ field: 'cursor', message: '无效的分页游标' }]);
    }
  }
  const items: T[] = [];
  for (let i = start.i; i < queries.length; i++) {
    const page = await queryPage<T>(queries[i]!, limit - items.length, i === start.i ? start.c : undefined);
    items.push(...page.items);
    if (page.nextCursor) return { items, nextCursor: encode(i, page.nextCursor) };
    if (items.length >= limit) return { items, nextCursor: i + 1 < queries.length ? encode(i + 1, undefined) : null };
  }
  return { items, nextCursor: null };
}

const encode = (i: number, c: string | undefined) => Buffer.from(JSON.stringify({ i, c }), 'utf8').toString('base64url');

/**
 * Adds to the problem counters of the problem's (filing) region for the month and the ISO week
 * (Asia/Shanghai) of `at`: two Update items in the change's own transaction.
 */
export function bumpProblemStats(tx: Tx, p: Pick<ProblemAttrs, 'regionCode' | 'regionPath' | 'scopeBucket'>, at: Date, increments: Record<string, number>): void {
  for (const period of [monthShanghai(at), weekShanghai(at)]) {
    const attrs = { regionCode: p.regionCode, period, regionPath: p.regionPath, scopeBucket: p.scopeBucket };
    const fixed: Record<string, unknown> = { entity: ProblemStat.type, ...attrs, ...ProblemStat.indexes!(attrs) };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(fixed).map(([k, v], i) => {
      names[`#s${i}`] = k;
      values[`:s${i}`] = v;
      return `#s${i} = :s${i}`;
    });
    const adds = Object.entries(increments).map(([k, v], i) => {
      names[`#a${i}`] = k;
      values[`:a${i}`] = v;
      return `#a${i} :a${i}`;
    });
    tx.update(ProblemStat.key(attrs), `SET ${sets.join(', ')} ADD ${adds.join(', ')}`, { names, values });
  }
}
