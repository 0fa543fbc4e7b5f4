import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { getItem } from '../../shared/db/store';
import { Device, Point, type DeviceStage, type PointAttrs, type PointStage } from '../../shared/db/entities';
import { newId } from '../../shared/ids';
import { findRegion } from '../../shared/regions';
import { scopeBucketOf } from '../../shared/security/scope';

/**
 * Records written straight into the table, as their own domains would after the steps that
 * lead there — for tests of other domains (a case needs a point in operation, not its history).
 */
export async function createPoint(regionCode: string, stage: PointStage = 'in_operation'): Promise<string> {
  const region = await findRegion(regionCode);
  if (!region) throw new Error(`no region ${regionCode}`);
  const id = newId();
  await new Tx(systemCtx('test', new Date()))
    .put(
      Point.item({
        id,
        regionCode,
        regionPath: region.path,
        scopeBucket: scopeBucketOf(region.path),
        kind: region.level === 'township' ? 'township' : region.level === 'community' ? 'community' : 'village',
        name: `${region.name}服务点`,
        address: region.name,
        stage,
        createdAt: new Date().toISOString(),
        version: 1,
      }),
    )
    .log({ action: 'test.point', targetType: 'Point', targetId: id })
    .commit();
  return id;
}

/** A kiosk of a point at a given stage; its id is the terminal id a kiosk sends. */
export async function createKiosk(pointId: string, stage: DeviceStage): Promise<string> {
  const point = await getItem<PointAttrs>(Point.key({ id: pointId }), true);
  if (!point) throw new Error(`no point ${pointId}`);
  const id = `KIOSK-${newId()}`;
  await new Tx(systemCtx('test', new Date()))
    .put(Device.item({ id, pointId, regionPath: point.regionPath, scopeBucket: point.scopeBucket, serialNumber: id, stage, createdAt: new Date().toISOString(), version: 1 }))
    .log({ action: 'test.device', targetType: 'Device', targetId: id })
    .commit();
  return id;
}
