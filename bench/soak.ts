/**
 * `npm run soak`: N concurrent clients drive the local HTTP API (loopback only) for a bounded
 * time and count — accepting, submitting, reviewing (with returns and races), completing and
 * rating cases — then reconcile the table: every 2xx accept is exactly one case, the per-point
 * counters equal the cases counted one by one, no case is in an impossible state, no 5xx.
 *
 *   SOAK_CLIENTS=8 SOAK_SECONDS=180 SOAK_MAX_CASES=4000 npm run soak
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoLocal, ensureTable } from '../infra/local/dynamo';
import { casePartition } from '../shared/db/entities';

const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 8);
const SECONDS = Math.min(Number(process.env.SOAK_SECONDS ?? 180), 1800);
const MAX_CASES = Math.min(Number(process.env.SOAK_MAX_CASES ?? 4000), 50_000);
const COUNTY = '141033000000';

async function main() {
  const dynamo = await startDynamoLocal();
  Object.assign(process.env, {
    JJB_LOCAL_MODE: '1',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    TABLE_NAME: `soak-${randomBytes(4).toString('hex')}`,
    JJB_LOCAL_KEY_DIR: mkdtempSync(join(tmpdir(), 'jjb-soak-')),
    LOG_LEVEL: 'SILENT',
  });
  const { config } = await import('../shared/config');
  const { seedBaseline } = await import('../shared/seed/seed');
  const { startLocalApi } = await import('../infra/local/server');
  const { createStaff, testIdNumber, testPhone } = await import('../test/helpers/api');
  const { Tx } = await import('../shared/db/tx');
  const { systemCtx } = await import('../shared/http/context');
  const { Point } = await import('../shared/db/entities');
  const { findRegion, regionChildren } = await import('../shared/regions');
  const { newId } = await import('../shared/ids');
  await ensureTable(dynamo.endpoint, config().tableName);
  await seedBaseline({ sysAdminId: config().bootstrapSysAdminId, bizAdminId: config().bootstrapBizAdminId, now: new Date() });
  const server = await startLocalApi({ port: 0, host: '127.0.0.1' });
  if (!server.url.startsWith('http://127.0.0.1:')) throw new Error('soak runs on loopback only');

  // Prepare: points in operation (two operators each, so that counters see concurrent writers), two reviewers.
  const villages = (await regionChildren('141033100000')).filter((r) => r.level === 'village').slice(0, Math.max(1, Math.ceil(CLIENTS / 2)));
  const pointsOf: string[] = [];
  for (const v of villages) {
    const region = (await findRegion(v.code))!;
    const id = newId();
    await new Tx(systemCtx('soak', new Date()))
      .put(Point.item({ id, regionCode: v.code, regionPath: region.path, scopeBucket: COUNTY, kind: 'village', name: `${v.name}服务点`, address: v.name, stage: 'in_operation', createdAt: new Date().toISOString(), version: 1 }))
      .log({ action: 'soak.point', targetType: 'Point', targetId: id })
      .commit();
    pointsOf.push(id);
  }
  const call = async (method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const login = async (idNumber: string) => {
    const s = await call('POST', '/auth/qr-sessions');
    await call('POST', '/dev/card-scan', undefined, { sessionId: s.body.sessionId, idNumber });
    return (await call('GET', `/auth/qr-sessions/${s.body.sessionId}`)).body.token as string;
  };
  const operators: { token: string; point: string }[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const point = pointsOf[i % pointsOf.length]!;
    const village = villages[i % villages.length]!;
    operators.push({ token: await login((await createStaff({ roles: ['operator'], regionCode: village.code, pointId: point })).idNumber), point });
  }
  const reviewers = [await login((await createStaff({ roles: ['reviewer'], regionCode: COUNTY })).idNumber), await login((await createStaff({ roles: ['reviewer'], regionCode: COUNTY })).idNumber)];

  // Act
  const stats = { requests: 0, byStatus: {} as Record<string, number>, fiveXx: 0, accepted2xx: new Set<string>(), idempotentRetries: 0, idempotencyMismatches: 0, reviewRaces: 0, raceDoubleWins: 0, cases: 0 };
  const count = (status: number) => {
    stats.requests += 1;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (status >= 500) stats.fiveXx += 1;
  };
  const deadline = Date.now() + SECONDS * 1000;
  const started = Date.now();
  let seq = 0;
  const client = async (me: { token: string; point: string }, n: number) => {
    while (Date.now() < deadline && stats.cases < MAX_CASES) {
      stats.cases += 1;
      seq += 1;
      const person = { name: '王秀英', idNumber: testIdNumber('19550101'), phone: testPhone() };
      const key = `soak-${n}-${seq}-${randomBytes(4).toString('hex')}`;
      const body = { itemCode: 'S01', channel: 'window', applicant: person, materialsNotified: ['居民身份证', '户口簿'], materialsReceived: ['居民身份证'] };
      const a = await call('POST', '/cases', me.token, body, { 'idempotency-key': key });
      count(a.status);
      if (a.status !== 201) continue;
      stats.accepted2xx.add(a.body.id);
      if (seq % 7 === 0) {
        // A client retry with the same key: must be the same case.
        const again = await call('POST', '/cases', me.token, body, { 'idempotency-key': key });
        count(again.status);
        stats.idempotentRetries += 1;
        if (again.body?.id !== a.body.id) stats.idempotencyMismatches += 1;
      }
      const id = a.body.id as string;
      const sub = await call('POST', `/cases/${id}/submit`, me.token);
      count(sub.status);
      if (sub.status !== 200) continue;
      let version = sub.body.version as number;
      if (seq % 5 === 0) {
        const r = await call('POST', `/cases/${id}/review`, reviewers[seq % 2], { decision: 'return', reason: '缺户口簿', missingMaterials: ['户口簿'], version });
        count(r.status);
        const s = await call('POST', `/cases/${id}/supplement`, me.token, {});
        count(s.status);
        if (s.status !== 200) continue;
        version = s.body.version;
      }
      // Both reviewers decide at once every third case: exactly one may win.
      const decide = (t: string) => call('POST', `/cases/${id}/review`, t, { decision: 'approve', reason: '同意', version });
      let approved = false;
      if (seq % 3 === 0) {
        stats.reviewRaces += 1;
        const [x, y] = await Promise.all([decide(reviewers[0]!), decide(reviewers[1]!)]);
        count(x.status);
        count(y.status);
        const wins = [x, y].filter((r) => r.status === 200).length;
        if (wins > 1) stats.raceDoubleWins += 1;
        approved = wins >= 1;
      } else {
        const r = await decide(reviewers[seq % 2]!);
        count(r.status);
        approved = r.status === 200;
      }
      if (!approved) continue;
      const c = await call('POST', `/cases/${id}/complete`, me.token, {});
      count(c.status);
      if (c.status === 200 && seq % 4 === 0) {
        const citizen = await login(person.idNumber);
        const rate = await call('POST', `/cases/${id}/rating`, citizen, { score: (seq % 5) + 1, comment: '服务好' });
        count(rate.status);
      }
    }
  };
  await Promise.all(operators.map((op, i) => client(op, i)));
  const elapsed = (Date.now() - started) / 1000;

  // Assess: reconcile the table against what the clients saw, reading items directly.
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const { db } = await import('../shared/db/client');
  const items: Record<string, any>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new ScanCommand({ TableName: config().tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...((page.Items ?? []) as Record<string, any>[]));
    start = page.LastEvaluatedKey;
  } while (start);
  const cases = items.filter((i) => i.entity === 'Case');
  const problems: string[] = [];
  const ids = new Set(cases.map((c) => c.id));
  if (ids.size !== cases.length) problems.push('duplicate case ids');
  for (const id of stats.accepted2xx) if (!ids.has(id)) problems.push(`accepted ${id} has no case`);
  if (cases.length !== stats.accepted2xx.size) problems.push(`cases in table ${cases.length} ≠ distinct 2xx accepts ${stats.accepted2xx.size}`);
  const valid = new Set(['accepted', 'submitted', 'returned', 'approved', 'rejected', 'completed']);
  for (const c of cases) {
    if (!valid.has(c.status)) problems.push(`${c.id}: status ${c.status}`);
    if (c.status === 'completed' && (!c.closedAt || !c.result)) problems.push(`${c.id}: completed without result`);
    if (c.rating && c.status !== 'completed') problems.push(`${c.id}: rated but ${c.status}`);
    if (['approved', 'completed'].includes(c.status) && c.decision?.decision !== 'approve') problems.push(`${c.id}: ${c.status} without approval`);
    const steps = items.filter((s) => s.pk === casePartition(c.id).pk && s.entity === 'CaseStep');
    if (!steps.some((s) => s.action === 'accept')) problems.push(`${c.id}: no accept step`);
    const approvals = steps.filter((s) => s.action === 'review' && s.toStatus === 'approved').length;
    if (approvals > 1) problems.push(`${c.id}: approved ${approvals} times`);
  }
  // Counters: per point per month, against the cases counted one by one.
  const counters = items.filter((i) => i.entity === 'CaseCounter');
  for (const ctr of counters) {
    const mine = cases.filter((c) => c.pointId === ctr.pointId && c.acceptedAt.slice(0, 7) === ctr.month);
    const closed = cases.filter((c) => c.pointId === ctr.pointId && c.status === 'completed' && c.closedAt?.slice(0, 7) === ctr.month);
    const rated = cases.filter((c) => c.pointId === ctr.pointId && c.rating && c.rating.at.slice(0, 7) === ctr.month);
    const check = (name: string, want: number) => {
      if ((ctr[name] ?? 0) !== want) problems.push(`counter ${ctr.pointId} ${ctr.month} ${name}=${ctr[name] ?? 0}, cases say ${want}`);
    };
    check('accepted', mine.length);
    check('completed', closed.length);
    check('ratingCount', rated.length);
    check('ratingSum', rated.reduce((s, c) => s + c.rating.score, 0));
  }
  if (stats.fiveXx > 0) problems.push(`${stats.fiveXx} responses were 5xx`);
  if (stats.raceDoubleWins > 0) problems.push(`${stats.raceDoubleWins} review races had two winners`);
  if (stats.idempotencyMismatches > 0) problems.push(`${stats.idempotencyMismatches} idempotent retries gave another case`);

  console.log(`
soak: ${CLIENTS} clients × ${elapsed.toFixed(0)} s on ${server.url}
  requests          ${stats.requests}  (${(stats.requests / elapsed).toFixed(1)}/s)
  by status         ${JSON.stringify(stats.byStatus)}
  5xx               ${stats.fiveXx}
  cases accepted    ${stats.accepted2xx.size}  (${(stats.accepted2xx.size / elapsed).toFixed(1)}/s), in table ${cases.length}
  by final status   ${JSON.stringify(cases.reduce((m: Record<string, number>, c) => ((m[c.status] = (m[c.status] ?? 0) + 1), m), {}))}
  idempotent retries ${stats.idempotentRetries} (mismatches ${stats.idempotencyMismatches})
  review races      ${stats.reviewRaces} (double wins ${stats.raceDoubleWins})
  counters checked  ${counters.length} point-months
  reconciliation    ${problems.length === 0 ? 'OK' : `${problems.length} problems:\n    ${problems.slice(0, 20).join('\n    ')}`}
`);
  await server.close();
  await dynamo.stop();
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
