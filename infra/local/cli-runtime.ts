/**
 * What every local ops command (`npm run report`, `npm run regions:import`) needs before its own
 * work: the table `npm start` uses — its DynamoDB Local if running, else one started on the same
 * data folder and stopped afterwards — with the local-mode environment, the table and the seed.
 * A refusal (AppError) is printed with its fields and exits 1; a usage error is the command's own 2.
 */
import { resolve } from 'node:path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal, ensureTable, type LocalDynamo } from './dynamo';

async function reachable(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  try {
    await client.send(new ListTablesCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/** Runs `work` against the local table; exits the process with its code (1 for a refusal). */
export function runLocalCli(work: () => Promise<number>): void {
  withLocalTable(work).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

async function withLocalTable(work: () => Promise<number>): Promise<number> {
  const dataDir = resolve(process.env.JJB_DATA_DIR ?? '.data');
  const port = Number(process.env.DYNAMO_PORT ?? 8000);
  let own: LocalDynamo | undefined;
  let endpoint = process.env.DYNAMODB_ENDPOINT ?? `http://127.0.0.1:${port}`;
  if (!(await reachable(endpoint))) {
    own = await startDynamoLocal({ path: resolve(dataDir, 'dynamodb') });
    endpoint = own.endpoint;
  }
  // The environment a deployed function gets from CDK, pointed at the laptop (as npm start sets it).
  process.env.JJB_LOCAL_MODE = '1';
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME ??= 'jiujinban';
  process.env.JJB_LOCAL_KEY_DIR ??= dataDir;
  process.env.AWS_REGION ??= 'cn-north-1';
  process.env.LOG_LEVEL ??= 'WARN';
  try {
    const { config } = await import('../../shared/config');
    const { seedBaseline } = await import('../../shared/seed/seed');
    const { AppError } = await import('../../shared/http/errors');
    await ensureTable(endpoint, config().tableName);
    await seedBaseline({ sysAdminId: config().bootstrapSysAdminId, bizAdminId: config().bootstrapBizAdminId, now: new Date() });
    try {
      return await work();
    } catch (err) {
      if (err instanceof AppError) {
        console.error(`${err.status} ${err.code}: ${err.message}`);
        if (Array.isArray(err.details)) for (const d of (err.details as { field: string; message: string }[]).slice(0, 50)) console.error(`  ${d.field}: ${d.message}`);
        else if (err.details !== undefined) console.error(`  ${JSON.stringify(err.details)}`);
        return 1;
      }
      throw err;
    }
  } finally {
    await own?.stop();
  }
}
