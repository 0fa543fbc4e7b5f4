/**
 * `npm run report -- weekly 2024-W23 141033000000 [--regenerate "reason"]`: makes one report by
 * hand against the local table (the one `npm start` uses; DynamoDB Local is started on the same
 * data folder if `npm start` is not running), stores it like any other and writes its CSV and
 * XLSX next to the data.
 */
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { runLocalCli } from './cli-runtime';

const USAGE = 'usage: npm run report -- <weekly|monthly|quarterly> <period: 2024-W23 | 2024-06 | 2024-Q2> <region code> [--regenerate "reason"]';

const [type, period, region, flag, reason] = process.argv.slice(2);
if (!type || !period || !region || (flag !== undefined && (flag !== '--regenerate' || !reason))) {
  console.error(USAGE);
  process.exit(2);
}
runLocalCli(async () => {
  const { config } = await import('../../shared/config');
  const { systemCtx } = await import('../../shared/http/context');
  const { makeReport, fileName } = await import('../../functions/reports/service');
  const { getReport } = await import('../../functions/reports/store');
  const { renderCsv, renderXlsx } = await import('../../functions/reports/render');
  const { REPORT_TYPES } = await import('../../functions/reports/period');
  if (!(REPORT_TYPES as readonly string[]).includes(type)) {
    console.error(`unknown report type "${type}"\n${USAGE}`);
    return 2;
  }
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
});
