import { createHash } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { db } from '../db/client';
import { getItem } from '../db/store';
import { IdempotencyRecord, type IdempotencyRecordAttrs } from '../db/entities';
import { IdempotencyRecordExists, idempotencyPut } from '../db/tx';
import { currentScope, runInScope, type IdempotentSlot } from '../db/request-scope';
import { logger } from '../log';
import { BadRequest, Conflict } from './errors';
import type { Principal } from './context';
import { honoursIdempotencyKey, routeKey, type RouteSpec } from './route';

export interface Reply {
  statusCode: number;
  body: unknown;
}

const KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;
const KEEP_SECONDS = 24 * 3600;
/** A held commit whose conditions failed wrote nothing: the operation runs again on fresh reads. */
const RERUNS = 6;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function replay(first: IdempotencyRecordAttrs, bodyHash: string): Reply {
  if (first.bodyHash !== bodyHash) throw new Conflict('Idempotency-Key 已用于另一个请求体', 'IDEMPOTENCY_KEY_REUSED');
  return { statusCode: first.statusCode, body: JSON.parse(first.reply) };
}

/**
 * Creating POSTs with an Idempotency-Key. The key's record (the reply to replay) is written in
 * the same TransactWriteItems as the change itself: the operation's last `Tx.commit()` is held
 * (shared/db/tx.ts) until the reply is known, then both are written together, the record
 * guarded by attribute_not_exists. So whatever the moment of a failure — before, during or after
 * the commit, or a crash before the reply left — a retry either finds the record and gets the
 * first reply, or finds nothing written and runs afresh. Two concurrent requests with one key:
 * one commits, the other's transaction fails on the record, writes nothing and replays the
 * winner. Keys are per caller and per route; anonymous callers are never replayed (one
 * stranger's login session must not reach another who guessed the key).
 */
export async function runIdempotent(
  spec: RouteSpec,
  key: string | undefined,
  principal: Principal,
  body: string | undefined,
  now: Date,
  run: () => Promise<Reply>,
): Promise<Reply> {
  if (!honoursIdempotencyKey(spec) || key === undefined || principal.kind === 'anonymous') return run();
  if (!KEY_RE.test(key)) {
    throw new BadRequest('Idempotency-Key: 应为 8–128 位字母、数字或 ._:-', [
      { field: 'header.idempotency-key', message: '应为 8–128 位字母、数字或 ._:-' },
    ]);
  }
  const who = principal.kind === 'staff' ? principal.accountId : principal.personIndex;
  const keyHash = sha256(`${routeKey(spec)}|${who}|${key}`);
  const bodyHash = sha256(body ?? '');
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const recordKey = IdempotencyRecord.key({ keyHash });

  const found = await getItem<IdempotencyRecordAttrs>(recordKey, true);
  if (found && found.ttl >= nowSeconds) return replay(found, bodyHash);

  for (let attempt = 0; ; attempt++) {
    const slot: IdempotentSlot = { after: [] };
    const scope = currentScope() ?? { caller: who };
    const out = await runInScope({ ...scope, idempotent: slot }, run);
    const record = {
      item: IdempotencyRecord.item({
        keyHash,
        route: routeKey(spec),
        bodyHash,
        statusCode: out.statusCode,
        reply: JSON.stringify(out.body ?? null),
        at: now.toISOString(),
        ttl: nowSeconds + KEEP_SECONDS,
      }) as unknown as Record<string, unknown> & { pk: string; sk: string },
      nowSeconds,
    };
    try {
      if (slot.held) await slot.held.send(record);
      else await putRecordAlone(record);
    } catch (err) {
      if (err instanceof IdempotencyRecordExists) {
        const first = await getItem<IdempotencyRecordAttrs>(recordKey, true);
        if (first) return replay(first, bodyHash);
      }
      if (err instanceof Conflict && err.code !== 'IDEMPOTENCY_KEY_REUSED' && attempt < RERUNS) {
        await new Promise((r) => setTimeout(r, 10 * 2 ** attempt + Math.random() * 20));
        continue;
      }
      throw err;
    }
    for (const fn of slot.after) {
      await fn().catch((e: unknown) => logger.error('after-commit work failed', { error: e as Error }));
    }
    return out;
  }
}

/** An operation that wrote nothing of its own (or only earlier transactions): the record alone. */
async function putRecordAlone(record: Parameters<typeof idempotencyPut>[0]): Promise<void> {
  try {
    await db().send(new TransactWriteCommand({ TransactItems: [idempotencyPut(record)] }));
  } catch (err) {
    if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
      throw new IdempotencyRecordExists();
    }
    throw err;
  }
}
