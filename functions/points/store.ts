import { getItem, getItems, queryAll, queryPage, type PatternQuery } from '../../shared/db/store';
import {
  Agreement,
  Device,
  FundAllocation,
  LatestInspection,
  Point,
  PointFund,
  PointKiosk,
  accountsByStatus,
  devicesInBucket,
  devicesOfPoint,
  expendituresInBucket,
  inspectionsOfPoint,
  pointFundsInBucket,
  pointsByStage,
  pointsInBucket,
  pointStageHistory,
  type AccountAttrs,
  type AgreementAttrs,
  type DeviceAttrs,
  type ExpenditureAttrs,
  type FundAllocationAttrs,
  type InspectionAttrs,
  type LatestInspectionAttrs,
  type PointAttrs,
  type PointFundAttrs,
  type PointKioskAttrs,
  type PointStage,
  type PointStageChangeAttrs,
} from '../../shared/db/entities';

/** Reads of the points domain; writes are composed as Tx in service.ts (one Tx per change). */

export const getPoint = (id: string, consistent = false) => getItem<PointAttrs>(Point.key({ id }), consistent);
export const getDevice = (id: string, consistent = false) => getItem<DeviceAttrs>(Device.key({ id }), consistent);
export const getAgreement = (pointId: string, consistent = false) => getItem<AgreementAttrs>(Agreement.key({ pointId }), consistent);
export const getLatestInspection = (pointId: string) => getItem<LatestInspectionAttrs>(LatestInspection.key({ pointId }), true);
export const getKiosk = (pointId: string, consistent = false) => getItem<PointKioskAttrs>(PointKiosk.key({ pointId }), consistent);
export const getAllocation = (countyCode: string, year: number, consistent = false) =>
  getItem<FundAllocationAttrs>(FundAllocation.key({ countyCode, year }), consistent);
export const getPointFund = (pointId: string, year: number) => getItem<PointFundAttrs>(PointFund.key({ pointId, year }), true);

/** Kiosk slots of many points in one BatchGet per 100. */
export async function kiosksOf(pointIds: string[]): Promise<Map<string, PointKioskAttrs>> {
  const out = new Map<string, PointKioskAttrs>();
  for (let i = 0; i < pointIds.length; i += 100) {
    const found = await getItems<PointKioskAttrs>(pointIds.slice(i, i + 100).map((pointId) => PointKiosk.key({ pointId })));
    for (const k of found) if (k) out.set(k.pointId, k);
  }
  return out;
}


/** Points of a region subtree in a county bucket: gsi1, or gsi2 when a stage is named. */
export function pointsQuery(bucket: string, regionPath: string, stage?: PointStage): PatternQuery {
  return { ...(stage ? pointsByStage(bucket, stage) : pointsInBucket(bucket)), skPrefix: `${regionPath}` };
}
export const allPointsIn = (bucket: string, regionPath: string, stage?: PointStage) => queryAll<PointAttrs>(pointsQuery(bucket, regionPath, stage));

export const stageHistoryPage = (pointId: string, limit: number, cursor?: string) =>
  queryPage<PointStageChangeAttrs>(pointStageHistory(pointId), limit, cursor);
export const inspectionsPage = (pointId: string, limit: number, cursor?: string) =>
  queryPage<InspectionAttrs>({ ...inspectionsOfPoint(pointId), descending: true }, limit, cursor);
export const devicesOfPointPage = (pointId: string, limit: number, cursor?: string) =>
  queryPage<DeviceAttrs>(devicesOfPoint(pointId), limit, cursor);
export const devicesIn = (bucket: string, regionPath: string) => queryAll<DeviceAttrs>({ ...devicesInBucket(bucket), skPrefix: regionPath });

/**
 * An active operator account whose point is this one (for `accounts_configured`): active
 * accounts in the point's region subtree (gsi2), filtered to the point and the operator role.
 */
export async function activeOperatorAt(point: Pick<PointAttrs, 'id' | 'scopeBucket' | 'regionPath'>): Promise<AccountAttrs | undefined> {
  const page = await queryPage<AccountAttrs>(
    {
      ...accountsByStatus(point.scopeBucket, 'active'),
      // The township's subtree: an operator of a village point may hold a township-level account.
      skPrefix: point.regionPath.split('/').slice(0, 4).join('/'),
      filter: {
        expression: '#pid = :pid AND contains(#roles, :op)',
        names: { '#pid': 'pointId', '#roles': 'roles' },
        values: { ':pid': point.id, ':op': 'operator' },
      },
    },
    1,
  );
  return page.items[0];
}

export const pointFundsIn = (bucket: string, year: number, regionPath: string) =>
  queryAll<PointFundAttrs>({ ...pointFundsInBucket(bucket, year), skPrefix: regionPath });

/** Expenditures of a county-year up to a date (inclusive), in a region subtree. */
export const expendituresUpTo = (bucket: string, year: number, regionPath: string, lastDate: string) =>
  queryAll<ExpenditureAttrs>({
    ...expendituresInBucket(bucket, year),
    skTo: `${lastDate}#\uffff`,
    filter: { expression: 'begins_with(#rp, :rp)', names: { '#rp': 'regionPath' }, values: { ':rp': regionPath } },
  });
