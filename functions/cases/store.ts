import { getItem, getItems, queryAll } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import {
  Case,
  CaseCounter,
  CaseWeekCounter,
  CatalogItem,
  Device,
  Point,
  ProvisionalDue,
  casePartition,
  provisionalDuesOfYear,
  type CaseAttrs,
  type CaseStepAttrs,
  type CatalogItemAttrs,
  type DeviceAttrs,
  type PointAttrs,
  type ProvisionalDueAttrs,
} from '../../shared/db/entities';
import { monthShanghai, weekShanghai } from '../../shared/clock';

/** Point, catalogue item and kiosk for an acceptance: one BatchGet. */
export async function readForAccept(pointId: string, catalogVersion: number, itemCode: string, terminalId?: string) {
  const keys = [Point.key({ id: pointId }), CatalogItem.key({ version: catalogVersion, code: itemCode })];
  if (terminalId) keys.push(Device.key({ id: terminalId }));
  const [point, item, device] = await getItems<Record<string, unknown>>(keys);
  return {
    point: point as PointAttrs | undefined,
    item: item as CatalogItemAttrs | undefined,
    device: device as DeviceAttrs | undefined,
  };
}

/** The kiosk a citizen's request names (X-Terminal-Id): its point is where the case is accepted. */
export async function getKiosk(terminalId: string): Promise<DeviceAttrs | undefined> {
  return getItem<DeviceAttrs>(Device.key({ id: terminalId }), true);
}

export async function getPoint(id: string): Promise<PointAttrs | undefined> {
  return getItem<PointAttrs>(Point.key({ id }));
}

export async function getCase(id: string, consistent = true): Promise<CaseAttrs | undefined> {
  return getItem<CaseAttrs>(Case.key({ id }), consistent);
}

/** The case and its whole trace: one Query on the case's partition (sk CASE, then STEP#…). */
export async function caseWithSteps(id: string): Promise<{ found?: CaseAttrs; steps: CaseStepAttrs[] }> {
  const items = await queryAll<Record<string, unknown>>(casePartition(id));
  const found = items.find((i) => i.entity === 'Case') as CaseAttrs | undefined;
  const steps = items.filter((i) => i.entity === 'CaseStep') as unknown as CaseStepAttrs[];
  return { found, steps };
}

export async function provisionalMarkers(year: number): Promise<ProvisionalDueAttrs[]> {
  return queryAll<ProvisionalDueAttrs>(provisionalDuesOfYear(year));
}

/**
 * Adds to the point's counters for the month and the ISO week (Asia/Shanghai) of `at`, in the
 * case change's transaction (two Update items). One item per point per month and per week keeps
 * each item's write rate at one point's pace (well under DynamoDB's 1,000 writes/s per
 * partition); a county's month is one Query over gsi1, a week one BatchGet over its points.
 */
export function bumpCounters(
  tx: Tx,
  where: Pick<CaseAttrs, 'pointId' | 'regionPath' | 'scopeBucket'>,
  at: Date,
  increments: Record<string, number>,
): void {
  const month = monthShanghai(at);
  const week = weekShanghai(at);
  const monthAttrs = { pointId: where.pointId, month, regionPath: where.regionPath, scopeBucket: where.scopeBucket };
  const weekAttrs = { pointId: where.pointId, week, regionPath: where.regionPath, scopeBucket: where.scopeBucket };
  tx.update(CaseCounter.key(monthAttrs), ...counterUpdate({ entity: CaseCounter.type, ...monthAttrs, ...CaseCounter.indexes!(monthAttrs) }, increments));
  tx.update(CaseWeekCounter.key(weekAttrs), ...counterUpdate({ entity: CaseWeekCounter.type, ...weekAttrs }, increments));
}

/** SET the item's fixed attributes (so the first bump creates it whole), ADD the increments. */
function counterUpdate(fixed: Record<string, unknown>, increments: Record<string, number>): [string, { names: Record<string, string>; values: Record<string, unknown> }] {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const adds: string[] = [];
  Object.entries(fixed).forEach(([k, v], i) => {
    names[`#s${i}`] = k;
    values[`:s${i}`] = v;
    sets.push(`#s${i} = :s${i}`);
  });
  Object.entries(increments).forEach(([k, v], i) => {
    names[`#a${i}`] = k;
    values[`:a${i}`] = v;
    adds.push(`#a${i} :a${i}`);
  });
  return [`SET ${sets.join(', ')} ADD ${adds.join(', ')}`, { names, values }];
}

/** Keeps the provisional-due markers in step with the case's provisional years. */
export function syncProvisionalMarkers(tx: Tx, caseId: string, before: number[], after: number[], dueDate: string): void {
  for (const year of before) if (!after.includes(year)) tx.delete(ProvisionalDue.key({ year, caseId }));
  for (const year of after) tx.put(ProvisionalDue.item({ year, caseId, dueDate }), { overwrite: true });
}

