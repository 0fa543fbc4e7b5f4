/**
 * `npm run report -- weekly 2024-W23 141033000000 [--regenerate "reason"]`: makes one report by
 * hand against the local table (the one `npm start` uses; DynamoDB Local is started on the same
 * data folder if `npm start` is not running), stores it like any other and writes its CSV and
 * XLSX next to the data.
 */
import { resolve, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal, ensureTable, type LocalDynamo } from './dynamo';

const USAGE = 'usage: npm run report -- <weekly|monthly|quarterly> <period: 2024-W23 | 2024-06 | 2024-Q2> <region code> [--regenerate "reason"]';

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
  const [type, period, region, flag, reason] = argv;
  if (!type || !period || !region || (flag !== undefined && (flag !== '--regenerate' || !reason))) {
    console.error(USAGE);
    return 2;
  }
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
    const { makeReport, fileName } = await import('../../functions/reports/service');
    const { getReport } = await import('../../functions/reports/store');
    const { renderCsv, renderXlsx } = await import('../../functions/reports/render');
    const { REPORT_TYPES } = await import('../../functions/reports/period');
    if (!(REPORT_TYPES as readonly string[]).includes(type)) {
      console.error(`unknown report type "${type}"\n${USAGE}`);
      return 2;
    }
    await ensureTable(endpoint, config().tableName);
    await seedBaseline({ sysAdminId: config().bootstrapSysAdminId, bizAdminId: config().bootstrapBizAdminId, now: new Date() });
    try {
      const made = await makeReport(systemCtx('cli', new Date()), {
        type: type as 'weekly',
        regionCode: region,
        period,
        trigger: 'cli',
        ...(flag ? { regenerate: true, reason } : {}),
      });
      const { content } = await getReport(made.id);
      const dir = config().reportsDir;
      mkdirSync(dir, { recursive: true });
      const csvPath = join(dir, fileName(made, 'csv'));
      const xlsxPath = join(dir, fileName(made, 'xlsx'));
      writeFileSync(csvPath, renderCsv(content as never));
      writeFileSync(xlsxPath, await renderXlsx(content as never));
      console.log(`report ${made.id}: ${made.regionName} ${made.type} ${made.period} (revision ${made.revision})`);
      console.log(JSON.stringify(made.summary, null, 2));
      console.log(`CSV  ${csvPath}\nXLSX ${xlsxPath}`);
      return 0;
    } catch (err) {
      if (err instanceof AppError) {
        console.error(`${err.status} ${err.code}: ${err.message}${err.details ? ` ${JSON.stringify(err.details)}` : ''}`);
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
