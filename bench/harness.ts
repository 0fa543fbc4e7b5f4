/**
 * Bench plumbing: DynamoDB Local in memory, the table and seed, in-process requests through the
 * same authorizer and handlers as `npm start`, and a recorder of every DynamoDB call a request
 * makes (with ReturnConsumedCapacity) so that its bare round trips can be replayed and timed.
 */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoLocal, ensureTable, type LocalDynamo } from '../infra/local/dynamo';

export interface Recorded {
  command: string;
  input: Record<string, any>;
  capacity: number;
  /** For a transaction: every item it touches as it stood just before (undefined = absent). */
  preImage?: { key: Record<string, any>; item?: Record<string, any> }[];
}

export interface BenchEnv {
  dynamo: LocalDynamo;
  request: (method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }) => Promise<{ status: number; body: any }>;
  recording: <T>(fn: () => Promise<T>) => Promise<{ result: T; calls: Recorded[] }>;
  /** Times the recorded calls, sent again as they were, each after restoring what they found (untimed). */
  timeBare: (calls: Recorded[], n: number) => Promise<number[]>;
  login: (idNumber: string) => Promise<string>;
  stop: () => Promise<void>;
}

export async function startBenchEnv(): Promise<BenchEnv> {
  const dynamo = await startDynamoLocal();
  process.env.JJB_LOCAL_MODE = '1';
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = `bench-${randomBytes(4).toString('hex')}`;
  process.env.JJB_LOCAL_KEY_DIR = mkdtempSync(join(tmpdir(), 'jjb-bench-'));
  process.env.LOG_LEVEL = 'SILENT';
  const { config } = await import('../shared/config');
  const { dynamo: rawClient } = await import('../shared/db/client');
  const { seedBaseline } = await import('../shared/seed/seed');
  const { dispatch, compileRoutes } = await import('../infra/local/server');
  await ensureTable(dynamo.endpoint, config().tableName);
  await seedBaseline({ sysAdminId: config().bootstrapSysAdminId, bizAdminId: config().bootstrapBizAdminId, now: new Date() });
  const routes = compileRoutes();
  // As under `npm start`: a filed problem starts the same escalation state machine, in process.
  const { startLocalEscalation } = await import('../infra/local/escalation');
  const escalation = await startLocalEscalation();

  let sink: Recorded[] | undefined;
  const client = rawClient();
  // The recorder sits on the shared client that every handler uses.
  (client.middlewareStack as any).add(
    (next: any, context: any) => async (args: any) => {
      if (!sink) return next(args);
      // At the build step the document client has already marshalled the input.
      const input = args.input as Record<string, any>;
      const preImage = context.commandName === 'TransactWriteItemsCommand' ? await imageOf(input) : undefined;
      const out = (await next(args)) as { output: { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] } };
      const cc = out.output.ConsumedCapacity;
      const units = Array.isArray(cc) ? cc.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0) : (cc?.CapacityUnits ?? 0);
      sink.push({ command: context.commandName ?? 'unknown', input: structuredClone(input), capacity: units, ...(preImage ? { preImage } : {}) });
      return out;
    },
    { step: 'build', name: 'benchRecorder' },
  );
  (client.middlewareStack as any).add(
    (next: any) => async (args: any) => {
      if (sink) args.input.ReturnConsumedCapacity = 'TOTAL';
      return next(args);
    },
    { step: 'initialize', name: 'benchCapacity', priority: 'high' },
  );

  const request: BenchEnv['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { host: 'bench', ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const body = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(opts.body));
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const fake = { url: path, method, headers, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
    const res = await dispatch(fake, body, routes);
    const text = res.isBase64Encoded ? Buffer.from(res.body ?? '', 'base64').toString() : (res.body ?? '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: res.statusCode ?? 0, body: parsed };
  };

  const recording: BenchEnv['recording'] = async (fn) => {
    sink = [];
    try {
      const result = await fn();
      return { result, calls: sink };
    } finally {
      sink = undefined;
    }
  };

  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const cmds = await import('@aws-sdk/client-dynamodb');
  const bare = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const table = config().tableName;
  const keyOf = (t: any) => {
    const op = t.Put ?? t.Update ?? t.ConditionCheck ?? t.Delete;
    const k = t.Put ? { pk: op.Item.pk, sk: op.Item.sk } : op.Key;
    return { pk: k.pk, sk: k.sk };
  };
  /** The items a transaction is about to touch, read consistently before it runs. */
  async function imageOf(input: Record<string, any>) {
    const keys = (input.TransactItems as any[]).map(keyOf);
    const out = await bare.send(new cmds.BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
    const found = (out.Responses?.[table] ?? []) as Record<string, any>[];
    return keys.map((key) => ({ key, item: found.find((i) => i.pk!.S === key.pk.S && i.sk!.S === key.sk.S) }));
  }
  async function restore(image: NonNullable<Recorded['preImage']>) {
    for (const { key, item } of image) {
      if (item) await bare.send(new cmds.PutItemCommand({ TableName: table, Item: item }));
      else await bare.send(new cmds.DeleteItemCommand({ TableName: table, Key: key }));
    }
  }
  /**
   * The baseline: the very calls the operation made, sent again by a bare client — reads as
   * they were, transactions with their conditions and updates against the items restored to
   * what they were before (the restore is not timed). What remains between this and the
   * handler's time is our code: pipeline, validation, authorization, marshalling, sealing.
   */
  const timeBare: BenchEnv['timeBare'] = async (calls, n) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      let elapsed = 0;
      for (const c of calls) {
        const input = structuredClone(c.input);
        delete input.ReturnConsumedCapacity;
        const Ctor = (cmds as unknown as Record<string, new (i: unknown) => any>)[c.command];
        if (!Ctor) throw new Error(`no command ${c.command}`);
        if (c.preImage) await restore(c.preImage);
        const t = process.hrtime.bigint();
        await bare.send(new Ctor(input));
        elapsed += Number(process.hrtime.bigint() - t) / 1e6;
      }
      times.push(elapsed);
    }
    return times.sort((a, b) => a - b);
  };

  const login = async (idNumber: string) => {
    const start = await request('POST', '/auth/qr-sessions');
    await request('POST', '/dev/card-scan', { body: { sessionId: start.body.sessionId, idNumber } });
    const poll = await request('GET', `/auth/qr-sessions/${start.body.sessionId}`);
    return poll.body.token as string;
  };

  return {
    dynamo,
    request,
    recording,
    timeBare,
    login,
    stop: async () => {
      await escalation.stop();
      await dynamo.stop();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export async function timeIt(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out.sort((a, b) => a - b);
}
