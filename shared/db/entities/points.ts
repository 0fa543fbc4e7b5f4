import { defineEntity } from './define';

/**
 * Service points (P1–P3). The core attributes below are relied on by other domains (cases
 * check the stage, kiosks check the terminal); the points domain owns the rest.
 */
export const POINT_STAGES = [
  'planned',
  'set_up',
  'agreement_signed',
  'accounts_configured',
  'trial_run',
  'accepted',
  'in_operation',
  'suspended',
  'closed',
] as const;
export type PointStage = (typeof POINT_STAGES)[number];
export const POINT_KINDS = ['township', 'community_committee', 'village', 'community'] as const;
export type PointKind = (typeof POINT_KINDS)[number];

export interface PointAttrs {
  id: string;
  regionCode: string;
  regionPath: string;
  scopeBucket: string;
  kind: PointKind;
  name: string;
  address: string;
  location?: { lat: number; lng: number };
  stage: PointStage;
  createdAt: string;
  version: number;
}
export const Point = defineEntity<PointAttrs, { id: string }>({
  type: 'Point',
  key: ({ id }) => ({ pk: `POINT#${id}`, sk: 'POINT' }),
  // AP: points in a region subtree → gsi1 (bucket, path#id); by stage → gsi2 (bucket#stage, path#id)
  indexes: (p) => ({
    gsi1pk: `POINTS_IN#${p.scopeBucket}`,
    gsi1sk: `${p.regionPath}#${p.id}`,
    gsi2pk: `POINTS_STAGE#${p.scopeBucket}#${p.stage}`,
    gsi2sk: `${p.regionPath}#${p.id}`,
  }),
});
export const pointsInBucket = (bucket: string) => ({ index: 'gsi1' as const, pk: `POINTS_IN#${bucket}` });
export const pointsByStage = (bucket: string, stage: PointStage) => ({ index: 'gsi2' as const, pk: `POINTS_STAGE#${bucket}#${stage}` });

export const DEVICE_STAGES = ['delivered', 'distributed', 'registered', 'installed', 'debugged', 'asset_transferred'] as const;
export type DeviceStage = (typeof DEVICE_STAGES)[number];

/** A self-service kiosk (P6); its id is the terminal id a kiosk sends as X-Terminal-Id. */
export interface DeviceAttrs {
  id: string;
  pointId: string;
  regionPath: string;
  scopeBucket: string;
  serialNumber: string;
  assetNumber?: string;
  stage: DeviceStage;
  createdAt: string;
  version: number;
}
export const Device = defineEntity<DeviceAttrs, { id: string }>({
  type: 'Device',
  key: ({ id }) => ({ pk: `DEVICE#${id}`, sk: 'DEVICE' }),
  // AP: kiosks of a point → gsi1; kiosks in a county → gsi2 (progress against milestones)
  indexes: (d) => ({
    gsi1pk: `DEVICES_OF#${d.pointId}`,
    gsi1sk: d.id,
    gsi2pk: `DEVICES_IN#${d.scopeBucket}`,
    gsi2sk: `${d.regionPath}#${d.id}`,
  }),
});
export const devicesOfPoint = (pointId: string) => ({ index: 'gsi1' as const, pk: `DEVICES_OF#${pointId}` });
export const devicesInBucket = (bucket: string) => ({ index: 'gsi2' as const, pk: `DEVICES_IN#${bucket}` });
