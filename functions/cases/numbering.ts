import { randomInt } from 'node:crypto';
import { CaseNumber, CaseNumberCounter, pad, type CaseAttrs } from '../../shared/db/entities';
import { claimSerial, serialValue, withSerial, type SerialCounter } from '../../shared/db/serial';
import type { Tx } from '../../shared/db/tx';
import type { RequestCtx } from '../../shared/http/context';
import { requireRegion } from '../../shared/regions';
import { levelOf } from '../../shared/security/authorize';

/**
 * The case number (蒲县-2026-000123) and check code printed on the receipt. The number counts
 * per county and year of acceptance (Asia/Shanghai) with the shared serial counter (the one the
 * problem ledger uses), claimed in the acceptance's own transaction, so numbers are gap-free
 * and never handed out twice; a lost race re-runs the whole acceptance (nothing was written).
 */
const RACE = 'CASE_NUMBER_RACE';
const counterOf = (countyCode: string, year: string): SerialCounter => ({
  key: CaseNumberCounter.key({ countyCode, year }),
  entity: CaseNumberCounter.type,
  attrs: { countyCode, year },
  raceCode: RACE,
});

/** No 0/O, 1/I/L: a clerk reads it aloud and an older applicant types it from paper. */
export const CHECK_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CHECK_CODE_RE = new RegExp(`^[${CHECK_CODE_ALPHABET}]{6}$`);
/** 31^6 ≈ 8.9·10^8 codes, drawn with the CSPRNG; the public lookup locks a number after a few wrong ones. */
export function newCheckCode(): string {
  let out = '';
  for (let i = 0; i < 6; i++) out += CHECK_CODE_ALPHABET[randomInt(CHECK_CODE_ALPHABET.length)];
  return out;
}

/** The county's short name as in the region tree (蒲县), the year, six digits. */
export const CASE_NUMBER_RE = /^[\u4e00-\u9fa5]{1,20}-\d{4}-\d{6}$/;

export interface Numbering {
  number: string;
  checkCode: string;
  /** Adds the counter's move and the number's pointer to the case to the acceptance's transaction. */
  claim: (tx: Tx, caseId: string) => Tx;
}

export async function numberCase(countyCode: string, acceptDate: string): Promise<Numbering> {
  const year = acceptDate.slice(0, 4);
  const counter = counterOf(countyCode, year);
  const [county, n] = await Promise.all([requireRegion(countyCode), serialValue(counter)]);
  const number = `${county.name}-${year}-${pad(n + 1, 6)}`;
  return {
    number,
    checkCode: newCheckCode(),
    claim: (tx, caseId) =>
      claimSerial(tx, counter, n).put(CaseNumber.item({ number, caseId, scopeBucket: countyCode }), { conflict: { code: RACE, message: '办件编号并发冲突' } }),
  };
}

/** Runs an acceptance again while it loses the race for its number. */
export const withCaseNumber = <R>(accept: () => Promise<R>): Promise<R> => withSerial({ raceCode: RACE }, accept);

/**
 * The check code is for the case's own people: the applicant, the operators of its point and
 * the county's reviewers — not supervisors or anyone else who reads cases.
 */
export function maySeeCheckCode(ctx: RequestCtx, c: Pick<CaseAttrs, 'applicantIndex' | 'pointId' | 'scopeBucket'>): boolean {
  const p = ctx.principal;
  if (p.kind === 'citizen') return p.personIndex === c.applicantIndex;
  if (p.kind !== 'staff') return false;
  if (p.roles.includes('operator') && p.pointId === c.pointId) return true;
  return p.roles.includes('reviewer') && levelOf(p) === 2 && p.regionCode === c.scopeBucket;
}

/** The case view's numbering fields for this caller. */
export const numberingView = (ctx: RequestCtx, c: CaseAttrs) => ({
  number: c.number,
  ...(maySeeCheckCode(ctx, c) ? { checkCode: c.checkCode } : {}),
});
