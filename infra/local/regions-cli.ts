/**
 * `npm run regions:import -- file.csv`: the ops path for loading regions (a whole province at
 * once, beyond the HTTP body limit) into the local table — the one `npm start` uses; DynamoDB
 * Local is started on the same data folder if `npm start` is not running. The same validation,
 * transactions and log entries as `POST /regions/import`, as the system (`cli`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal, ensureTable, type LocalDynamo } from './dynamo';

const USAGE = 'usage: npm run regions:import -- <file.csv>   (code,name,level,parent_code,note)';

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

async function main(argv: string[]): Promise<number> {
  const [file] = argv;
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  const csv = readFileSync(resolve(file), 'utf8');
  const dataDir = resolve(process.env.JJB_DATA_DIR ?? '.data');
  const port = Number(process.env.DYNAMO_PORT ?? 8000);
  let own: LocalDynamo | undefined;
  let endpoint = process.env.DYNAMODB_ENDPOINT ?? `http://127.0.0.1:${port}`;
  if (!(await reachable(endpoint))) {
    own = await startDynamoLocal({ path: resolve(dataDir, 'dynamodb') });
    endpoint = own.endpoint;
  }
  process.env.JJB_LOCAL_MODE = '1';
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME ??= 'jiujinban';
  process.env.JJB_LOCAL_KEY_DIR ??= dataDir;
  process.env.AWS_REGION ??= 'cn-north-1';
  process.env.LOG_LEVEL ??= 'WARN';
  try {
    const { config } = await import('../../shared/config');
    const { seedBaseline } = await import('../../shared/seed/seed');
    const { systemCtx } = await import('../../shared/http/context');
    const { AppError } = await import('../../shared/http/errors');
    const { importRegions } = await import('../../functions/regions/import');
    await ensureTable(endpoint, config().tableName);
    await seedBaseline({ sysAdminId: config().bootstrapSysAdminId, bizAdminId: config().bootstrapBizAdminId, now: new Date() });
    try {
      const started = Date.now();
      const summary = await importRegions(systemCtx('cli', new Date()), csv);
      console.log(JSON.stringify({ ...summary, seconds: +((Date.now() - started) / 1000).toFixed(1) }, null, 2));
      return 0;
    } catch (err) {
      if (err instanceof AppError) {
        console.error(`${err.status} ${err.code}: ${err.message}`);
        if (Array.isArray(err.details)) for (const d of err.details.slice(0, 50)) console.error(`  ${d.field}: ${d.message}`);
        return 1;
      }
      throw err;
    }
  } finally {
    await own?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
