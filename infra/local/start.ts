/**
 * `npm start`: the whole platform on one laptop, no AWS account. DynamoDB Local (persisted in
 * .data/), the table from the shared definition, first-start seed, and the API on :3000.
 */
import { resolve } from 'node:path';
import { startDynamoLocal, ensureTable } from './dynamo';

const PORT = Number(process.env.PORT ?? 3000);
const DYNAMO_PORT = Number(process.env.DYNAMO_PORT ?? 8000);
const DATA_DIR = resolve(process.env.JJB_DATA_DIR ?? '.data');

async function main(): Promise<void> {
  const dynamoLocal = await startDynamoLocal({ port: DYNAMO_PORT, path: resolve(DATA_DIR, 'dynamodb') });
  // The environment a deployed function gets from CDK, pointed at the laptop.
  process.env.JJB_LOCAL_MODE = '1';
  process.env.DYNAMODB_ENDPOINT = dynamoLocal.endpoint;
  process.env.TABLE_NAME ??= 'jiujinban';
  process.env.JJB_LOCAL_KEY_DIR ??= DATA_DIR;
  process.env.AWS_REGION ??= 'cn-north-1';
  process.env.LOG_LEVEL ??= 'WARN';

  const { config } = await import('../../shared/config');
  const { seedBaseline } = await import('../../shared/seed/seed');
  const { startLocalApi } = await import('./server');
  const { startLocalRuntimeExtras } = await import('./extras');

  const table = await ensureTable(dynamoLocal.endpoint, config().tableName);
  const seeded = await seedBaseline({ sysAdminId: config().bootstrapSysAdminId, bizAdminId: config().bootstrapBizAdminId, now: new Date() });
  const { seedLocalDemo } = await import('./demo');
  seeded.push(...(process.env.JJB_LOCAL_DEMO === '0' ? [] : await seedLocalDemo()));
  const { ensureConsoleBuilt } = await import('./console-static');
  const consoleBuild = await ensureConsoleBuilt();
  const api = await startLocalApi({ port: PORT, host: process.env.HOST ?? '127.0.0.1', serveConsole: true });
  const extras = await startLocalRuntimeExtras();

  const base = `http://localhost:${PORT}`;
  console.log(`
就近办 jiujinban — local mode
  console        ${base}/   kiosk ${base}/kiosk?terminal=<deviceId>   (${consoleBuild === 'built' ? 'built now' : 'build up to date'})
  API            ${base}   (OpenAPI: ${base}/openapi.json)
  DynamoDB Local ${dynamoLocal.endpoint}   table "${config().tableName}" ${table === 'created' ? '(created)' : '(kept from last start)'}
  data           ${DATA_DIR}
  seeded         ${seeded.length ? seeded.join('; ') : 'nothing new (data kept)'}
${extras.lines.map((l) => `  ${l}`).join('\n')}

Log in as the province system admin (QR login, the card app played by /dev/card-scan):
  SID=$(curl -s -X POST ${base}/auth/qr-sessions | node -pe 'JSON.parse(require("fs").readFileSync(0)).sessionId')
  curl -s -X POST ${base}/dev/card-scan -H 'content-type: application/json' \\
       -d "{\\"sessionId\\":\\"$SID\\",\\"idNumber\\":\\"${config().bootstrapSysAdminId}\\"}"
  TOKEN=$(curl -s ${base}/auth/qr-sessions/$SID | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
  curl -s ${base}/me -H "authorization: Bearer $TOKEN"
(the business admin: ${config().bootstrapBizAdminId})
In the console (模拟扫码): demo clerk 141033198501010019, demo reviewer 141033198202020014, a citizen
141033195603120020 on the kiosk http://localhost:${PORT}/kiosk?terminal=KIOSK-DEMO-0001 (JJB_LOCAL_DEMO=0: no demo data).
Ctrl-C stops the API and DynamoDB Local; the data stays for the next start.
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await extras.stop();
    await api.close();
    await dynamoLocal.stop();
    console.log('stopped; data kept in', DATA_DIR);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
