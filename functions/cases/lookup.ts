import { getItem, queryPage, type PatternQuery } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import { Case, CaseNumber, casesOfApplicant, type CaseAttrs, type CaseNumberAttrs } from '../../shared/db/entities';
import type { RequestCtx, StaffPrincipal } from '../../shared/http/context';
import { badField } from '../../shared/http/errors';
import { dateShanghai } from '../../shared/clock';
import { findRegion } from '../../shared/regions';
import { requirePointScope } from '../../shared/security/authorize';
import { countyOf } from '../../shared/security/scope';
import { blindIndex } from '../../shared/security/crypto';

/**
 * Finding a case at the window (console): by the number on the receipt, or by the applicant's
 * ID number. Both answer as the case list does, masked, and only with cases in the caller's
 * scope — a case out of scope is simply not found (no oracle), like GET /cases/{id}'s 404.
 */

/**
 * The number as a clerk types it: the whole `蒲县-2026-000123`, or `2026-123` / `123` for a case
 * of the caller's own county (this year by default).
 */
export async function fullNumber(p: StaffPrincipal, typed: string, now: Date): Promise<string> {
  const whole = /^([\u4e00-\u9fa5]{1,20})-(\d{4})-(\d{1,6})$/.exec(typed);
  if (whole) return `${whole[1]}-${whole[2]}-${whole[3]!.padStart(6, '0')}`;
  const short = /^(?:(\d{4})-)?(\d{1,6})$/.exec(typed);
  const county = countyOf(p.regionPath);
  if (!short || !county) {
    throw badField('query.number', county ? '办件编号如 蒲县-2026-000123、2026-123 或 123' : '市、省级账号请输入完整办件编号，如 蒲县-2026-000123');
  }
  const name = (await findRegion(county))?.name ?? '';
  return `${name}-${short[1] ?? dateShanghai(now).slice(0, 4)}-${short[2]!.padStart(6, '0')}`;
}

export async function caseByNumber(number: string): Promise<CaseAttrs | undefined> {
  const pointer = await getItem<CaseNumberAttrs>(CaseNumber.key({ number }));
  return pointer ? getItem<CaseAttrs>(Case.key({ id: pointer.caseId })) : undefined;
}

export async function findByNumber(ctx: RequestCtx, p: StaffPrincipal, typed: string): Promise<CaseAttrs[]> {
  const c = await caseByNumber(await fullNumber(p, typed, ctx.now));
  return c && pointScopeAllows(p, c) ? [c] : [];
}

/**
 * The applicant's cases in the caller's scope: one Query on the applicant's blind index (the
 * index every case carries), narrowed by a filter to the caller's point, county or subtree.
 * Searching personal data is itself written to the operation log (who looked for whom, when).
 */
export async function findByApplicant(ctx: RequestCtx, p: StaffPrincipal, idNumber: string, limit: number, cursor?: string) {
  const index = await blindIndex('id', idNumber);
  const onlyOperator = p.roles.every((r) => r === 'operator');
  const filter: PatternQuery['filter'] = onlyOperator
    ? { expression: '#pt = :pt', names: { '#pt': 'pointId' }, values: { ':pt': p.pointId ?? '-' } }
    : { expression: 'begins_with(#rp, :rp)', names: { '#rp': 'regionPath' }, values: { ':rp': p.regionPath } };
  const page = await queryPage<CaseAttrs>({ ...casesOfApplicant(index), descending: true, filter }, limit, cursor);
  const found = page.items.filter((c) => pointScopeAllows(p, c));
  await new Tx(ctx)
    .log({
      action: 'case.searched_by_applicant',
      targetType: 'Person',
      targetId: index,
      after: { found: found.map((c) => c.id) },
      countyCode: countyOf(p.regionPath) ?? p.regionCode,
      regionCode: p.regionCode,
    })
    .commit();
  return { items: found, nextCursor: page.nextCursor };
}

/** The one scope rule of GET /cases/{id} (A3, point and region), as a yes or no. */
function pointScopeAllows(p: StaffPrincipal, c: CaseAttrs): boolean {
  try {
    requirePointScope(p, c.regionPath, c.pointId, '办件');
    return true;
  } catch {
    return false;
  }
}
