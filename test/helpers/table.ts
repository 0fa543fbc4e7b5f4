import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../infra/local/dynamo';
import { config } from '../../shared/config';
import { db } from '../../shared/db/client';
import { seedBaseline } from '../../shared/seed/seed';

/** Creates this file's table and seeds the baseline (regions, catalogue, bootstrap admins). */
export async function prepareTable(now = new Date()): Promise<void> {
  await ensureTable(config().dynamoEndpoint!, config().tableName);
  await seedBaseline({ sysAdminId: config().bootstrapSysAdminId, bizAdminId: config().bootstrapBizAdminId, now });
}

/** Every raw item of the test table (tests only: a Scan is never on a request path). */
export async function rawItems(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new ScanCommand({ TableName: config().tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    out.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/**
 * A fingerprint of the table for "nothing was written" assertions. Session heartbeats and
 * idempotency records are request plumbing, not data, and are left out.
 */
export async function tableSnapshot(): Promise<string[]> {
  const items = await rawItems();
  return items
    .filter((i) => !(String(i.pk).startsWith('SESSION#') || String(i.pk).startsWith('IDEMPOTENCY')))
    .map((i) => JSON.stringify(Object.keys(i).sort().map((k) => [k, i[k]])))
    .sort();
}
