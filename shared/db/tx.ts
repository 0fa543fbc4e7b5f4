import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { db, tableName } from './client';
import { OpLog, type Key } from './entities';
import { Conflict } from '../http/errors';
import { isoShanghai } from '../clock';
import { newId } from '../ids';
import type { RequestCtx } from '../http/context';
import { currentScope } from './request-scope';

type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const CONFLICT_RETRIES = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LogEntry {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  /** County (or 'province') the change belongs to, for the admins' audit view. */
  countyCode?: string;
  regionCode?: string;
  /** The point the change happened at, when the caller is not bound to one (a citizen on a kiosk). */
  pointId?: string;
}

/**
 * A client's `version` against the stored one, before any work: 409 STALE_VERSION naming the
 * current version. `undefined` means the client did not say (only where the route allows it).
 * The write's own condition (Tx.replace) still decides under concurrency.
 */
export function requireVersion(stored: { version: number }, given: number | undefined): void {
  if (given !== undefined && given !== stored.version) {
    throw new Conflict('记录已被他人修改，请刷新后重试', 'STALE_VERSION', { currentVersion: stored.version });
  }
}

/**
 * The idempotency record that rode along with a transaction already exists: another request
 * with the same key (or this request's own earlier attempt) was written first. Nothing of this
 * transaction was written; the caller replays the stored result.
 */
export class IdempotencyRecordExists extends Error {
  constructor() {
    super('idempotency record exists');
    this.name = 'IdempotencyRecordExists';
  }
}

/**
 * Runs `fn` once the request's writes are really in the table. Inside a creating POST with an
 * Idempotency-Key the last commit waits for the reply (so the two are stored together): work
 * with effects outside the table, such as starting a flow, is queued until then and `fn`'s
 * result is not known to the caller (undefined). Elsewhere `fn` runs at once.
 */
export async function afterCommit<T>(fn: () => Promise<T>): Promise<T | undefined> {
  const slot = currentScope()?.idempotent;
  if (!slot) return fn();
  slot.after.push(fn);
  return undefined;
}

/** The idempotency record and the time (epoch seconds) past which an old one may be replaced. */
export interface IdempotencyPut {
  item: Record<string, unknown> & Key;
  nowSeconds: number;
}

/** The record's Put: only if no live record holds the key (an expired one awaiting TTL deletion may be replaced). */
export function idempotencyPut(r: IdempotencyPut): TxItem {
  return {
    Put: {
      TableName: tableName(),
      Item: r.item,
      ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':now': r.nowSeconds },
    },
  };
}

/** What to say when a given write's condition fails (409 with this code and message). */
interface ConflictInfo {
  code: string;
  message: string;
}

/**
 * One TransactWriteItems: the change and its operation-log entries commit together or not at
 * all (S1, C6). Every mutating service goes through this; a transaction with no log entry is
 * refused so that no change can skip the log.
 */
export class Tx {
  private readonly items: TxItem[] = [];
  private readonly conflicts: (ConflictInfo | undefined)[] = [];
  private logs = 0;

  constructor(private readonly ctx: RequestCtx) {}

  /** Put a new item; fails with 409 if the key already exists (unless `overwrite`). */
  put(item: object & Key, opts: { overwrite?: boolean; conflict?: ConflictInfo } = {}): this {
    this.items.push({
      Put: {
        TableName: tableName(),
        Item: item,
        ...(opts.overwrite ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    });
    this.conflicts.push(opts.conflict ?? { code: 'DUPLICATE', message: '记录已存在' });
    return this;
  }

  /**
   * Replace an existing item whose stored version is `expectVersion`; the new item carries
   * version + 1. A stale version gets 409 STALE_VERSION.
   */
  replace(
    item: object & Key & { version: number },
    expectVersion: number,
    opts: { condition?: string; names?: Record<string, string>; values?: Record<string, unknown>; conflict?: ConflictInfo } = {},
  ): this {
    const cond = ['#v = :expectedVersion', opts.condition].filter(Boolean).join(' AND ');
    this.items.push({
      Put: {
        TableName: tableName(),
        Item: { ...item, version: expectVersion + 1 },
        ConditionExpression: cond,
        ExpressionAttributeNames: { '#v': 'version', ...(opts.names ?? {}) },
        ExpressionAttributeValues: { ':expectedVersion': expectVersion, ...(opts.values ?? {}) },
      },
    });
    this.conflicts.push(opts.conflict ?? { code: 'STALE_VERSION', message: '记录已被他人修改，请刷新后重试' });
    return this;
  }

  /** A raw update (counters, flags) with an optional condition. */
  update(
    key: Key,
    update: string,
    opts: { condition?: string; names?: Record<string, string>; values?: Record<string, unknown>; conflict?: ConflictInfo } = {},
  ): this {
    this.items.push({
      Update: {
        TableName: tableName(),
        Key: key,
        UpdateExpression: update,
        ...(opts.condition ? { ConditionExpression: opts.condition } : {}),
        ...(opts.names ? { ExpressionAttributeNames: opts.names } : {}),
        ...(opts.values ? { ExpressionAttributeValues: opts.values } : {}),
      },
    });
    this.conflicts.push(opts.conflict);
    return this;
  }

  /** Assert something about another item without changing it. */
  check(key: Key, condition: string, conflict: ConflictInfo, names?: Record<string, string>, values?: Record<string, unknown>): this {
    this.items.push({
      ConditionCheck: {
        TableName: tableName(),
        Key: key,
        ConditionExpression: condition,
        ...(names ? { ExpressionAttributeNames: names } : {}),
        ...(values ? { ExpressionAttributeValues: values } : {}),
      },
    });
    this.conflicts.push(conflict);
    return this;
  }

  delete(key: Key, condition?: string, conflict?: ConflictInfo, names?: Record<string, string>, values?: Record<string, unknown>): this {
    this.items.push({
      Delete: {
        TableName: tableName(),
        Key: key,
        ...(condition ? { ConditionExpression: condition } : {}),
        ...(names ? { ExpressionAttributeNames: names } : {}),
        ...(values ? { ExpressionAttributeValues: values } : {}),
      },
    });
    this.conflicts.push(conflict);
    return this;
  }

  /** The operation-log entry (S1): who, role, where, terminal, what, before/after, request. */
  log(entry: LogEntry): this {
    const p = this.ctx.principal;
    const id = newId();
    const item = OpLog.item({
      id,
      at: isoShanghai(this.ctx.now),
      actorId: p.kind === 'staff' ? p.accountId : p.kind === 'citizen' ? `citizen:${p.personIndex.slice(0, 16)}` : 'system',
      actorName: p.kind === 'staff' ? p.name : undefined,
      role: p.kind === 'staff' ? p.roles.join(',') : p.kind,
      regionCode: entry.regionCode ?? (p.kind === 'staff' ? p.regionCode : undefined),
      countyCode: entry.countyCode,
      pointId: entry.pointId ?? (p.kind === 'staff' ? p.pointId : undefined),
      terminalId: this.ctx.terminalId,
      sourceIp: this.ctx.sourceIp,
      requestId: this.ctx.requestId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      before: entry.before,
      after: entry.after,
    });
    this.items.push({ Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } });
    this.conflicts.push(undefined);
    this.logs += 1;
    return this;
  }

  get size(): number {
    return this.items.length;
  }

  /**
   * Commits the transaction. A TransactionConflict (another transaction touched one of these
   * items at the same moment, e.g. two cases of one point and the month's counter) wrote
   * nothing, so the same items are sent again, a few times with jittered backoff; a failed
   * condition is a real 409 and is never retried.
   */
  async commit(): Promise<void> {
    if (this.logs === 0) throw new Error('Tx without an operation-log entry');
    if (this.items.length > 99) throw new Error('Tx exceeds 99 items (one is kept for the idempotency record)');
    // A creating POST with an Idempotency-Key: this transaction is held until the reply is known
    // and then written together with the key's record (shared/http/idempotency.ts), so that no
    // moment exists where the change is stored and the record is not. An earlier transaction of
    // the same request is written now; only the last one carries the record.
    const slot = currentScope()?.idempotent;
    if (slot) {
      if (slot.held) await slot.held.send();
      slot.held = { send: (record) => this.send(record) };
      return;
    }
    await this.send();
  }

  /** Commits at once, even inside an idempotent request (a record of a refusal the request then throws). */
  async commitNow(): Promise<void> {
    if (this.logs === 0) throw new Error('Tx without an operation-log entry');
    await this.send();
  }

  /** Writes the items (and the idempotency record, guarded by attribute_not_exists). */
  private async send(record?: IdempotencyPut): Promise<void> {
    const items: TxItem[] = record ? [...this.items, idempotencyPut(record)] : this.items;
    for (let attempt = 0; ; attempt++) {
      try {
        await db().send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (err) {
        // The record's own condition first: an SDK retry of a transaction that was in fact
        // written fails every condition, and the record says why.
        if (record && err instanceof TransactionCanceledException && err.CancellationReasons?.[this.items.length]?.Code === 'ConditionalCheckFailed') {
          throw new IdempotencyRecordExists();
        }
        const conflict = this.toConflict(err);
        if (conflict?.code === 'TRANSACTION_CONFLICT' && attempt < CONFLICT_RETRIES) {
          await sleep(15 * 2 ** attempt + Math.random() * 20);
          continue;
        }
        throw conflict ?? err;
      }
    }
  }

  private toConflict(err: unknown): Conflict | undefined {
    if (!(err instanceof TransactionCanceledException)) return undefined;
    const reasons = err.CancellationReasons ?? [];
    const idx = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
    if (idx >= 0) {
      const info = this.conflicts[idx] ?? { code: 'CONFLICT', message: '状态冲突，请刷新后重试' };
      return new Conflict(info.message, info.code);
    }
    if (reasons.some((r) => r.Code === 'TransactionConflict')) return new Conflict('并发修改冲突，请重试', 'TRANSACTION_CONFLICT');
    return undefined;
  }

}
