import { defineEntity } from './define';

export const REGION_LEVELS = ['province', 'city', 'county', 'township', 'community_committee', 'village', 'community'] as const;
/** Regions: the statistical tree. `path` is the ancestor chain (codes joined by '/'). */
export interface RegionAttrs {
  code: string;
  name: string;
  level: (typeof REGION_LEVELS)[number];
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

/** The partition prefix of idempotency records (request plumbing, left out of data fingerprints). */
export const IDEMPOTENCY_PK = 'IDEMPOTENCY';

/**
 * The first result of a creating POST with an Idempotency-Key, written in the same transaction
 * as the change it reports (shared/http/idempotency.ts). `keyHash` = sha256(route | caller | key):
 * one partition per key, so records spread over the table. Expires after a day (`ttl`).
 */
export interface IdempotencyRecordAttrs {
  keyHash: string;
  route: string;
  bodyHash: string;
  statusCode: number;
  /** The reply as sent (JSON text), replayed byte for byte. */
  reply: string;
  at: string;
  ttl: number;
}
// AP: a retry finds the first result by its key → GetItem
export const IdempotencyRecord = defineEntity<IdempotencyRecordAttrs, { keyHash: string }>({
  type: 'IdempotencyRecord',
  key: ({ keyHash }) => ({ pk: `${IDEMPOTENCY_PK}#${keyHash}`, sk: IDEMPOTENCY_PK }),
});

/** The key `GET /health?deep=1` reads: never written, a miss proves the table answers. */
// AP: deep health check → GetItem
export const HealthProbe = defineEntity<Record<string, never>, Record<string, never>>({
  type: 'HealthProbe',
  key: () => ({ pk: 'HEALTH', sk: 'HEALTH' }),
});

/**
 * The key that MACs pagination cursors. It only has to stay secret from clients (a cursor is a
 * position in a query the caller may run anyway), so it lives in the table, encrypted at rest
 * like everything there, and needs no KMS or secret grant: every function that pages can read it.
 * Written once (seed, or the first page handed out), never changed.
 */
export interface CursorKeyAttrs {
  key: string;
  createdAt: string;
}
export const CursorKey = defineEntity<CursorKeyAttrs, object>({
  type: 'CursorKey',
  key: () => ({ pk: 'PLATFORM', sk: 'CURSOR_KEY' }),
});
