import { getItem, queryAll, queryPage, queryPages, type Page } from '../../shared/db/store';
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
import { monthShanghai, weekShanghai } from '../../shared/clock';
import type { Tx } from '../../shared/db/tx';
import { serialValue, type SerialCounter } from '../../shared/db/serial';

export async function getProblem(id: string, consistent = false): Promise<ProblemAttrs | undefined> {
  return getItem<ProblemAttrs>(Problem.key({ id }), consistent);
}

export async function historyOf(id: string): Promise<ProblemEventAttrs[]> {
  return queryAll<ProblemEventAttrs>(problemHistory(id));
}

/** The ledger number's counter: per county (or city/province for filers above a county) and year. */
export const ledgerCounter = (unitCode: string, year: string): SerialCounter => ({
  key: ProblemCounter.key({ unitCode, year }),
  entity: ProblemCounter.type,
  attrs: { unitCode, year },
  raceCode: 'LEDGER_NUMBER_RACE',
});

export async function counterValue(unitCode: string, year: string): Promise<number> {
  return serialValue(ledgerCounter(unitCode, year));
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
  return queryPages<ProblemNoticeAttrs>(
    recipientKeys.map((k) => ({ ...noticesFor(k), descending: true })),
    limit,
    cursor,
  );
}



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
