import { defineEntity } from './define';

/** Regions: the statistical tree. `path` is the ancestor chain (codes joined by '/'). */
export interface RegionAttrs {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county' | 'township' | 'community_committee' | 'village' | 'community';
  parentCode?: string;
  path: string;
  note?: string;
}
export const Region = defineEntity<RegionAttrs, { code: string }>({
  type: 'Region',
  key: ({ code }) => ({ pk: `REGION#${code}`, sk: 'REGION' }),
  // AP: children of a region → gsi1 (REGION_CHILDREN#parent, code)
  indexes: (r) => (r.parentCode ? { gsi1pk: `REGION_CHILDREN#${r.parentCode}`, gsi1sk: r.code } : {}),
});
export const regionChildrenIndex = (parentCode: string) => ({ index: 'gsi1' as const, pk: `REGION_CHILDREN#${parentCode}` });

/** Operation log (S1): append-only, one item per change, written in the change's transaction. */
export interface OpLogAttrs {
  id: string;
  at: string;
  actorId: string;
  actorName?: string;
  role?: string;
  regionCode?: string;
  countyCode?: string;
  pointId?: string;
  terminalId?: string;
  sourceIp?: string;
  requestId: string;
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
}
/** Every operation-log partition key starts so (the IAM Deny on log partitions and the stream archive key on it). */
export const OP_LOG_PK_PREFIX = 'LOG#';
export const OpLog = defineEntity<OpLogAttrs, { targetType: string; targetId: string; id: string }>({
  type: 'OpLog',
  key: ({ targetType, targetId, id }) => ({ pk: `${OP_LOG_PK_PREFIX}${targetType}#${targetId}`, sk: `LOG#${id}` }),
  // AP: log by actor → gsi1; log by county and time → gsi2 (the admins' audit view)
  indexes: (l) => ({
    gsi1pk: `LOG_ACTOR#${l.actorId}`,
    gsi1sk: l.id,
    gsi2pk: `LOG_REGION#${l.countyCode ?? 'province'}`,
    gsi2sk: l.id,
  }),
});
export const opLogByTarget = (targetType: string, targetId: string) => ({ pk: `LOG#${targetType}#${targetId}`, skPrefix: 'LOG#' });
export const opLogByActor = (actorId: string) => ({ index: 'gsi1' as const, pk: `LOG_ACTOR#${actorId}` });
export const opLogByCounty = (countyCode: string | 'province') => ({ index: 'gsi2' as const, pk: `LOG_REGION#${countyCode}` });

/** Idempotency records (Powertools) share the table under one static partition. */
export const IDEMPOTENCY_PK = 'IDEMPOTENCY';
