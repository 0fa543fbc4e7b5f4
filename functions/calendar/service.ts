import { Tx, requireVersion } from '../../shared/db/tx';
import type { RequestCtx } from '../../shared/http/context';
import { Conflict } from '../../shared/http/errors';
import { isoShanghai } from '../../shared/clock';
import { rememberLoadedYear, yearCalendar } from '../../shared/calendar';
import { requireLevel, requireRole, requireStaff } from '../../shared/security/authorize';
import type { CalendarYearAttrs } from '../../shared/db/entities';
import { recomputeOpenDueDatesIn, recomputeProvisionalDueDates } from '../cases/service';
import { loadedYear, saveYear } from './store';

/**
 * The working calendar as data (C4): the State Council publishes next year's holidays each
 * November; the province business admin loads them here. Each load is a new version, logged;
 * cases whose due dates were provisional in that year are recomputed at once, and so are the
 * open cases running through a year that was already known (a correction).
 */
export async function loadCalendarYear(
  ctx: RequestCtx,
  body: { year: number; holidays: string[]; workdays: string[]; source: string; version?: number },
) {
  const p = requireStaff(ctx);
  requireRole(p, 'biz_admin');
  requireLevel(p, 'province');
  const previous = await loadedYear(body.year);
  // Was the year already known (loaded, or built in)? Then this is a correction of due dates in force.
  const knownBefore = (await yearCalendar(body.year, ctx.now.getTime())).source !== 'provisional';
  if (previous && body.version === undefined) {
    throw new Conflict(`${body.year} 年已加载（第 ${previous.version} 版），更新请带 version`, 'YEAR_ALREADY_LOADED', { version: previous.version });
  }
  if (previous) requireVersion(previous, body.version);
  if (!previous && body.version !== undefined) {
    throw new Conflict(`${body.year} 年尚未加载，首次加载不带 version`, 'STALE_VERSION');
  }
  const attrs: CalendarYearAttrs = {
    year: body.year,
    holidays: [...body.holidays].sort(),
    workdays: [...body.workdays].sort(),
    source: body.source,
    loadedAt: isoShanghai(ctx.now),
    loadedBy: p.accountId,
    version: (previous?.version ?? 0) + 1,
  };
  const tx = new Tx(ctx).log({
    action: previous ? 'calendar.year_reloaded' : 'calendar.year_loaded',
    targetType: 'CalendarYear',
    targetId: String(body.year),
    before: previous ? { version: previous.version, holidays: previous.holidays.length, workdays: previous.workdays.length } : undefined,
    after: { version: attrs.version, holidays: attrs.holidays.length, workdays: attrs.workdays.length, source: attrs.source },
  });
  await saveYear(tx, attrs, previous);
  rememberLoadedYear(attrs, ctx.now.getTime());
  const provisional = await recomputeProvisionalDueDates(ctx, body.year);
  const corrected = knownBefore ? await recomputeOpenDueDatesIn(ctx, body.year, p.regionCode) : { recomputed: 0, changed: 0 };
  return {
    ...(await getCalendarYear(ctx, body.year)),
    recomputedCases: provisional.recomputed + corrected.recomputed,
    changedDueDates: provisional.changed + corrected.changed,
  };
}

export async function getCalendarYear(ctx: RequestCtx, year: number) {
  const cal = await yearCalendar(year, ctx.now.getTime());
  return {
    year,
    source: cal.source,
    provisional: cal.source === 'provisional',
    holidays: [...cal.holidays].sort(),
    workdays: [...cal.workdays].sort(),
    ...(cal.sourceText ? { notice: cal.sourceText } : {}),
    ...(cal.version ? { version: cal.version } : {}),
    ...(cal.loadedAt ? { loadedAt: cal.loadedAt } : {}),
  };
}
