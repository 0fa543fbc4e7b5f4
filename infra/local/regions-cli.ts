/**
 * `npm run regions:import -- file.csv`: the ops path for loading regions (a whole province at
 * once, beyond the HTTP body limit) into the local table — the one `npm start` uses; DynamoDB
 * Local is started on the same data folder if `npm start` is not running. The same validation,
 * transactions and log entries as `POST /regions/import`, as the system (`cli`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runLocalCli } from './cli-runtime';

const USAGE = 'usage: npm run regions:import -- <file.csv>   (code,name,level,parent_code,note)';

const [file] = process.argv.slice(2);
if (!file) {
  console.error(USAGE);
  process.exit(2);
}
const csv = readFileSync(resolve(file), 'utf8');
runLocalCli(async () => {
  const { systemCtx } = await import('../../shared/http/context');
  const { importRegions } = await import('../../functions/regions/import');
  const started = Date.now();
  const summary = await importRegions(systemCtx('cli', new Date()), csv);
  console.log(JSON.stringify({ ...summary, seconds: +((Date.now() - started) / 1000).toFixed(1) }, null, 2));
  return 0;
});
