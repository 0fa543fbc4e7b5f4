import { Tx } from '../../shared/db/tx';
import { getItem } from '../../shared/db/store';
import { systemCtx } from '../../shared/http/context';
import { bootstrapAccountItems } from '../../shared/seed/seed';
import { findRegion } from '../../shared/regions';
import { scopeBucketOf } from '../../shared/security/scope';
import { Device, Point, type PointAttrs } from '../../shared/db/entities';

/**
 * Local mode only (`npm start`): a demonstration point in operation at 桃湾村 with a window clerk,
 * a county reviewer of 蒲县 and a registered kiosk, so a newcomer can accept, review and complete a
 * case in the console without first running the account-request flow. Written once (fixed ids,
 * conditional puts); never part of a deployment. The people are fictitious, with valid check digits.
 */
export const DEMO = {
  pointId: '01JJB0DEM0P01NT00000000000',
  kioskId: 'KIOSK-DEMO-0001',
  village: '141033100201',
  county: '141033000000',
  operator: { name: '演示业务员', idNumber: '141033198501010019', phone: '13900000011' },
  reviewer: { name: '演示审核员', idNumber: '141033198202020014', phone: '13900000012' },
  citizen: '141033195603120020',
} as const;

export async function seedLocalDemo(now = new Date()): Promise<string[]> {
  if (await getItem<PointAttrs>(Point.key({ id: DEMO.pointId }), true)) return [];
  const village = await findRegion(DEMO.village);
  const county = await findRegion(DEMO.county);
  if (!village || !county) return [];
  const ctx = systemCtx('local-demo', now);
  const point = {
    id: DEMO.pointId,
    regionCode: DEMO.village,
    regionPath: village.path,
    scopeBucket: scopeBucketOf(village.path),
    kind: 'village' as const,
    name: `${village.name}服务点（演示）`,
    address: village.name,
    stage: 'in_operation' as const,
    createdAt: now.toISOString(),
    version: 1,
  };
  const op = await bootstrapAccountItems({ ...DEMO.operator, regionCode: DEMO.village, roles: ['operator'] }, village.path, now);
  const rev = await bootstrapAccountItems({ ...DEMO.reviewer, regionCode: DEMO.county, roles: ['reviewer'] }, county.path, now);
  await new Tx(ctx)
    .put(Point.item(point), { conflict: { code: 'DUPLICATE', message: '演示数据已存在' } })
    .put(Device.item({ id: DEMO.kioskId, pointId: DEMO.pointId, regionPath: village.path, scopeBucket: point.scopeBucket, serialNumber: DEMO.kioskId, stage: 'registered', createdAt: now.toISOString(), version: 1 }))
    .put({ ...op.account, pointId: DEMO.pointId } as typeof op.account)
    .put(op.person)
    .put(rev.account)
    .put(rev.person)
    .log({ action: 'local.demo_seeded', targetType: 'Point', targetId: DEMO.pointId })
    .commit();
  return [`demo: point ${point.name}, operator ${DEMO.operator.idNumber}, reviewer ${DEMO.reviewer.idNumber}, kiosk ${DEMO.kioskId}`];
}
