import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client';
import type { Key } from './entities';
import type { IndexName } from './table';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BadRequest } from '../http/errors';
import { CursorKey, type CursorKeyAttrs } from './entities/platform';
import { currentScope } from './request-scope';

/** GetItem by key; strongly consistent reads where a write just happened matter. */
export async function getItem<T>(key: Key, consistent = false): Promise<T | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: consistent }));
  return out.Item as T | undefined;
}

/** BatchGetItem in one round trip (up to 100 keys), in the order asked; missing keys give undefined. */
export async function getItems<T>(keys: Key[]): Promise<(T | undefined)[]> {
  if (keys.length === 0) return [];
  if (keys.length > 100) throw new Error('getItems takes at most 100 keys');
  const out = await db().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys } } }));
  let found = (out.Responses?.[tableName()] ?? []) as (T & Key)[];
  let pending = out.UnprocessedKeys?.[tableName()]?.Keys;
  while (pending && pending.length > 0) {
    const again = await db().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending } } }));
    found = found.concat((again.Responses?.[tableName()] ?? []) as (T & Key)[]);
    pending = again.UnprocessedKeys?.[tableName()]?.Keys;
  }
  const byKey = new Map(found.map((i) => [`${i.pk}\u0000${i.sk}`, i]));
  return keys.map((k) => byKey.get(`${k.pk}\u0000${k.sk}`) as T | undefined);
}

export interface PatternQuery {
  index?: IndexName;
  pk: string;
  /** begins_with on the sort key */
  skPrefix?: string;
  /** between on the sort key (inclusive) */
  skBetween?: [string, string];
  skFrom?: string;
  skTo?: string;
  descending?: boolean;
  filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const pkAttr = (index?: IndexName) => (index ? `${index}pk` : 'pk');
const skAttr = (index?: IndexName) => (index ? `${index}sk` : 'sk');

const badCursor = () => new BadRequest('cursor: 无效的分页游标', [{ field: 'cursor', message: '无效的分页游标' }]);

let cursorKey: Promise<Buffer> | undefined;
async function loadCursorKey(): Promise<Buffer> {
  const key = CursorKey.key({});
  let found = await getItem<CursorKeyAttrs>(key, true);
  if (!found) {
    // First use on a table the seed has not prepared (tests): whoever writes first wins.
    await db()
      .send(
        new PutCommand({
          TableName: tableName(),
          Item: CursorKey.item({ key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((err: unknown) => {
        if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      });
    found = await getItem<CursorKeyAttrs>(key, true);
  }
  if (!found) throw new Error('cursor key missing');
  return createHmac('sha256', Buffer.from(found.key, 'base64')).update('cursor-mac-v1').digest();
}
/** The seed makes the key before any function pages, so read-only functions never need to write it. */
export const ensureCursorKey = async (): Promise<void> => void (await cursorMacKey());

function cursorMacKey(): Promise<Buffer> {
  cursorKey ??= loadCursorKey().catch((err: unknown) => {
    cursorKey = undefined; // a failed read (table unreachable) is tried again next time
    throw err;
  });
  return cursorKey;
}

/** What a cursor is bound to: the caller (from the request scope) and the exact queries it continues. */
function binding(queries: PatternQuery[]): string {
  return `${currentScope()?.caller ?? 'system'}\u0000${JSON.stringify(queries)}`;
}

async function macOf(payload: string, bound: string): Promise<Buffer> {
  return createHmac('sha256', await cursorMacKey()).update(bound).update('\u0000').update(payload).digest().subarray(0, 16);
}

/**
 * Cursors handed to clients are MACed (HMAC-SHA256, truncated to 128 bits) over the caller and
 * the query: only a cursor this server issued, to this caller, for this very query, is read —
 * any other (forged, edited, another caller's, another filter's) is 400 naming `cursor`, before
 * DynamoDB sees an ExclusiveStartKey.
 */
async function sealCursor(inner: string, bound: string): Promise<string> {
  return `${inner}.${(await macOf(inner, bound)).toString('base64url')}`;
}

async function openCursor(cursor: string, bound: string): Promise<string> {
  const dot = cursor.lastIndexOf('.');
  if (dot <= 0) throw badCursor();
  const inner = cursor.slice(0, dot);
  const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
  const want = await macOf(inner, bound);
  if (given.length !== want.length || !timingSafeEqual(given, want)) throw badCursor();
  return inner;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, q: PatternQuery): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    // A cursor only continues the query it came from: it must name the same partition.
    if (typeof key !== 'object' || key === null || key[pkAttr(q.index)] !== q.pk) throw new Error('foreign cursor');
    for (const v of Object.values(key)) if (typeof v !== 'string') throw new Error('bad cursor value');
    return key;
  } catch {
    throw new BadRequest('cursor: 无效的分页游标', [{ field: 'cursor', message: '无效的分页游标' }]);
  }
}

function queryInput(q: PatternQuery, limit?: number, cursor?: string): QueryCommandInput {
  const names: Record<string, string> = { '#pk': pkAttr(q.index), ...(q.filter?.names ?? {}) };
  const values: Record<string, unknown> = { ':pk': q.pk, ...(q.filter?.values ?? {}) };
  let cond = '#pk = :pk';
  if (q.skPrefix !== undefined) {
    names['#sk'] = skAttr(q.index);
    values[':skp'] = q.skPrefix;
    cond += ' AND begins_with(#sk, :skp)';
  } else if (q.skBetween) {
    names['#sk'] = skAttr(q.index);
    values[':a'] = q.skBetween[0];
    values[':b'] = q.skBetween[1];
    cond += ' AND #sk BETWEEN :a AND :b';
  } else if (q.skFrom !== undefined) {
    names['#sk'] = skAttr(q.index);
    values[':a'] = q.skFrom;
    cond += ' AND #sk >= :a';
  } else if (q.skTo !== undefined) {
    names['#sk'] = skAttr(q.index);
    values[':b'] = q.skTo;
    cond += ' AND #sk <= :b';
  }
  return {
    TableName: tableName(),
    ...(q.index ? { IndexName: q.index } : {}),
    KeyConditionExpression: cond,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ...(q.filter ? { FilterExpression: q.filter.expression } : {}),
    ScanIndexForward: !q.descending,
    ...(limit ? { Limit: limit } : {}),
    ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, q) } : {}),
  };
}

/**
 * One page of a key or index query. With a filter, DynamoDB may return fewer than `limit`
 * matches per page; we keep reading until the page is full or the partition ends.
 */
export async function queryPage<T>(q: PatternQuery, limit = 50, cursor?: string): Promise<Page<T>> {
  const bound = binding([q]);
  const page = await rawQueryPage<T>(q, limit, cursor === undefined ? undefined : await openCursor(cursor, bound));
  return { items: page.items, nextCursor: page.nextCursor ? await sealCursor(page.nextCursor, bound) : null };
}

async function rawQueryPage<T>(q: PatternQuery, limit = 50, cursor?: string): Promise<Page<T>> {
  const items: T[] = [];
  let start = cursor;
  for (;;) {
    const out = await db().send(new QueryCommand(queryInput(q, limit - items.length, start)));
    items.push(...((out.Items ?? []) as T[]));
    const last = out.LastEvaluatedKey;
    if (!last) return { items, nextCursor: null };
    if (items.length >= limit) return { items, nextCursor: encodeCursor(last) };
    start = encodeCursor(last);
  }
}

/**
 * One page over several key/index queries read in order — a county's statuses, a city's
 * counties, a holder's own and pool partitions. The cursor names the query it stopped in and
 * the position inside it, so a list spanning partitions pages like any other.
 */
export async function queryPages<T>(queries: PatternQuery[], limit = 50, cursor?: string): Promise<Page<T>> {
  const bound = binding(queries);
  let state: { i: number; c?: string } = { i: 0 };
  if (cursor !== undefined) {
    const inner = await openCursor(cursor, bound);
    try {
      const s = JSON.parse(Buffer.from(inner, 'base64url').toString('utf8')) as { i: unknown; c?: unknown };
      if (!Number.isInteger(s.i) || (s.i as number) < 0 || (s.i as number) >= queries.length) throw new Error('bad index');
      if (s.c !== undefined && typeof s.c !== 'string') throw new Error('bad inner cursor');
      state = { i: s.i as number, c: s.c as string | undefined };
    } catch {
      throw new BadRequest('cursor: 无效的分页游标', [{ field: 'cursor', message: '无效的分页游标' }]);
    }
  }
  const items: T[] = [];
  while (state.i < queries.length && items.length < limit) {
    const page = await rawQueryPage<T>(queries[state.i]!, limit - items.length, state.c);
    items.push(...page.items);
    state = page.nextCursor ? { i: state.i, c: page.nextCursor } : { i: state.i + 1 };
  }
  const nextCursor = state.i < queries.length ? await sealCursor(Buffer.from(JSON.stringify(state), 'utf8').toString('base64url'), bound) : null;
  return { items, nextCursor };
}

/** Every item of a pattern (bounded partitions only: a point's records, a region's children). */
export async function queryAll<T>(q: PatternQuery): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await rawQueryPage<T>(q, 1000, cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/**
 * How many items of a pattern there are, counting at most `cap` (Select COUNT, so no item is
 * returned; a page reads up to 1 MB of index). `capped` says the real number may be larger.
 * The cost is bounded by the cap, never by the partition's size.
 */
export async function countUpTo(q: PatternQuery, cap: number): Promise<{ count: number; capped: boolean; reads: number }> {
  let count = 0;
  let reads = 0;
  let start: Record<string, unknown> | undefined;
  for (;;) {
    const input = queryInput(q, cap - count);
    const out = await db().send(new QueryCommand({ ...input, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }));
    reads += 1;
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
    if (!start) return { count, capped: false, reads };
    if (count >= cap) return { count, capped: true, reads };
  }
}

/** Strip key and index attributes from an item before it is shown to a client. */
export function strip<T extends Record<string, unknown>>(item: T): Omit<T, 'pk' | 'sk' | 'entity' | 'ttl'> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) {
    if (k === 'pk' || k === 'sk' || k === 'entity' || k === 'ttl' || /^gsi\d(pk|sk)$/.test(k)) continue;
    out[k] = v;
  }
  return out as Omit<T, 'pk' | 'sk' | 'entity' | 'ttl'>;
}
