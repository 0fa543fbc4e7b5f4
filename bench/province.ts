/**
 * `npm run bench:province`: the whole province on this machine, on a SIMULATED Shanxi
 * (bench/province-gen.ts: 11 cities, 117 counties, ~1,357 townships, ~23,772 villages, codes
 * 1451–1461 that are not real). Measures:
 *   1. the region import (regions + a planned point per township and village);
 *   2. the province monthly report: time and DynamoDB round trips, next to Pu County's;
 *   3. the hottest partition's write rate at the plan's load (~2.5 M requests a day) against
 *      DynamoDB's per-partition limit (1,000 WCU/s), from the partition keys a sample of real case
 *      lifecycles writes (base table and every index), scaled by each key's scope.
 * In process on DynamoDB Local in memory; bounded to a few minutes on 2 cores. Results in
 * bench/results/province-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchEnv } from './harness';
import { simulatedShanxiCsv } from './province-gen';

const SAMPLE_CASES = Number(process.env.PROVINCE_SAMPLE_CASES ?? 40);
/** The plan's load, and how it falls in a day: 10 working hours, the busiest hour twice the mean. */
const REQUESTS_PER_DAY = 2_500_000;
const WORKING_SECONDS = 10 * 3600;
const PEAK_FACTOR = 2;
/** The largest county carries this many times a mean county's share (Pu County ~ 1/117 of the province). */
const COUNTY_SKEW = 2.5;
const PARTITION_WCU = 1000;

async function main() {
  const env = await startBenchEnv();
  const out: Record<string, unknown> = { startedAt: new Date().toISOString(), simulated: true };
  try {
    const { systemCtx } = await import('../shared/http/context');
    const { importRegions } = await import('../functions/regions/import');
    const { findRegion, clearRegionCache } = await import('../shared/regions');
    const { readInputs, computeReport } = await import('../functions/reports/build');
    const { parsePeriod } = await import('../functions/reports/period');
    const { monthShanghai } = await import('../shared/clock');

    // 1. Import
    const { csv, counts } = simulatedShanxiCsv();
    let t = Date.now();
    const summary = await importRegions(systemCtx('bench', new Date()), csv);
    const importSeconds = (Date.now() - t) / 1000;
    out.import = { counts, summary, seconds: +importSeconds.toFixed(1), rowsPerSecond: Math.round(summary.rows / importSeconds) };
    console.log('import', out.import);
    t = Date.now();
    const again = await importRegions(systemCtx('bench', new Date()), csv);
    out.reimport = { summary: again, seconds: +((Date.now() - t) / 1000).toFixed(1) };
    console.log('re-import (idempotent)', out.reimport);
    clearRegionCache();

    // 2. Reports: province and Pu County, monthly, round trips recorded
    const month = monthShanghai(new Date());
    const period = parsePeriod('monthly', month)!;
    const report = async (code: string) => {
      const region = (await findRegion(code))!;
      const started = Date.now();
      const { result, calls } = await env.recording(async () => computeReport(await readInputs(region, period, new Date())));
      return { region: region.name, ms: Date.now() - started, roundTrips: calls.length, points: result.sections.points.total };
    };
    const pu = await report('141033000000');
    const province = await report('140000000000');
    const counties = (counts.county ?? 0) + 1; // the simulated counties and Pu County
    out.reports = { month, pu, province, perCountyRoundTrips: +(province.roundTrips / counties).toFixed(1) };
    console.log('monthly report', out.reports);

    // 3. Hot partitions: real case lifecycles (accept with Idempotency-Key, submit, review, complete, reads)
    const ids = await lifecycleFixture();
    const op = await env.login(ids.operator);
    const rev = await env.login(ids.reviewer);
    const writes = new Map<string, number>();
    let requests = 0;
    const add = (key: string, wcu: number) => writes.set(key, (writes.get(key) ?? 0) + wcu);
    for (let i = 0; i < SAMPLE_CASES; i++) {
      const { calls } = await env.recording(async () => {
        const a = await env.request('POST', '/cases', { token: op, headers: { 'idempotency-key': `bench-${Date.now()}-${i}` }, body: await caseBody(i) });
        const s = await env.request('POST', `/cases/${a.body.id}/submit`, { token: op });
        await env.request('GET', '/cases?status=submitted&limit=20', { token: rev });
        const g = await env.request('GET', `/cases/${a.body.id}`, { token: rev });
        const r = await env.request('POST', `/cases/${a.body.id}/review`, { token: rev, body: { decision: 'approve', version: g.body.version ?? s.body.version } });
        await env.request('POST', `/cases/${a.body.id}/complete`, { token: op, body: { result: '已办结', delivery: 'on_the_spot', version: r.body.version } });
        await env.request('GET', `/cases?point=${ids.pointId}&limit=20`, { token: op });
        requests += 7;
      });
      for (const c of calls) {
        const items: any[] = c.command === 'TransactWriteItemsCommand' ? c.input.TransactItems : c.command === 'PutItemCommand' || c.command === 'UpdateItemCommand' || c.command === 'DeleteItemCommand' ? [{ Put: c.input }] : [];
        const transactional = c.command === 'TransactWriteItemsCommand';
        for (const it of items) {
          const op = it.Put ?? it.Update ?? it.Delete;
          if (!op || it.ConditionCheck) continue;
          const item = it.Put ? (op.Item ?? { ...op.Key }) : { ...op.Key, ...valuesOf(op) };
          const pk = String(item.pk?.S ?? item.pk);
          add(`table ${pk}`, transactional ? 2 : 1);
          for (const g of ['gsi1pk', 'gsi2pk', 'gsi3pk']) {
            const v = item[g]?.S ?? item[g];
            if (typeof v === 'string') add(`${g.slice(0, 4)} ${v}`, 1);
          }
        }
      }
    }
    // Scale: a key naming the county carries the county's share, a point's or a case's its own.
    const provinceRequestsPerSecond = (REQUESTS_PER_DAY / WORKING_SECONDS) * PEAK_FACTOR;
    const lifecyclesPerSecond = provinceRequestsPerSecond / (requests / SAMPLE_CASES);
    // An actor's log index counts as the county's (worst case: a county with one reviewer).
    const scopeOf = (key: string): 'entity' | 'point' | 'county' | 'province' =>
      key.includes('LOG_ACTOR#') ? 'county'
      : key.includes(ids.pointId) ? 'point'
      : /[0-9A-HJKMNP-TV-Z]{26}/.test(key) || key.includes('CASES_OF#') ? 'entity'
      : key.includes('141033') ? 'county'
      : 'province';
    const shareOf = { entity: 0, point: 1 / 23_772, county: COUNTY_SKEW / 117, province: 1 } as const;
    const rows = [...writes.entries()]
      .map(([key, wcu]) => {
        const scope = scopeOf(key);
        const perLifecycle = wcu / SAMPLE_CASES;
        return { key: key.replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<id>'), scope, wcuPerLifecycle: +perLifecycle.toFixed(2), peakWcuPerSecond: +(perLifecycle * lifecyclesPerSecond * shareOf[scope]).toFixed(2) };
      })
      .filter((r) => r.scope !== 'entity')
      .sort((a, b) => b.peakWcuPerSecond - a.peakWcuPerSecond);
    const merged = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if (!merged.has(r.key)) merged.set(r.key, r);
    const hottest = [...merged.values()].slice(0, 8);
    const hot = {
      model: { requestsPerDay: REQUESTS_PER_DAY, workingHours: WORKING_SECONDS / 3600, peakFactor: PEAK_FACTOR, countySkew: COUNTY_SKEW, requestsPerLifecycle: requests / SAMPLE_CASES, provinceRequestsPerSecond: +provinceRequestsPerSecond.toFixed(1), lifecyclesPerSecond: +lifecyclesPerSecond.toFixed(1) },
      hottest,
      limitWcuPerSecond: PARTITION_WCU,
      headroom: hottest[0] ? +(PARTITION_WCU / hottest[0].peakWcuPerSecond).toFixed(0) : null,
    };
    out.hotPartitions = hot;
    console.log('hot partitions', hot.model);
    console.table(hottest);
  } finally {
    await env.stop();
  }
  mkdirSync(join('bench', 'results'), { recursive: true });
  const file = join('bench', 'results', `province-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(out, null, 2));
  console.log(`\nresults: ${file}`);
}

function valuesOf(op: any): Record<string, unknown> {
  // An Update's SET values that are index keys (a counter's gsi1pk), by their placeholder names.
  const names = op.ExpressionAttributeNames ?? {};
  const values = op.ExpressionAttributeValues ?? {};
  const out: Record<string, unknown> = {};
  for (const [ph, name] of Object.entries(names)) {
    if (typeof name === 'string' && /^gsi\dpk$/.test(name)) {
      const v = values[`:${ph.slice(1)}`];
      if (v !== undefined) out[name] = v;
    }
  }
  return out;
}

let serial = 0;
async function caseBody(i: number) {
  const { idCheckDigit } = await import('../shared/security/pii');
  serial += 1;
  const first17 = `14103319520101${String((serial + i) % 1000).padStart(3, '0')}`;
  return { itemCode: 'S01', channel: 'window', applicant: { name: '张桂兰', idNumber: `${first17}${idCheckDigit(first17)}`, phone: '13912345678' }, materialsNotified: ['居民身份证', '户口簿'], materialsReceived: ['居民身份证', '户口簿'] };
}

/** A point in operation in Pu County with an operator and a county reviewer (as bench/cases.ts). */
async function lifecycleFixture() {
  const { Tx } = await import('../shared/db/tx');
  const { systemCtx } = await import('../shared/http/context');
  const { Point } = await import('../shared/db/entities');
  const { findRegion } = await import('../shared/regions');
  const { newId } = await import('../shared/ids');
  const { bootstrapAccountItems } = await import('../shared/seed/seed');
  const { idCheckDigit } = await import('../shared/security/pii');
  const VILLAGE = '141033100201';
  const region = (await findRegion(VILLAGE))!;
  const county = (await findRegion('141033000000'))!;
  const pointId = newId();
  const now = new Date();
  const person = (seq: number) => {
    const first17 = `141033198101010${String(seq).padStart(2, '0')}`;
    return `${first17}${idCheckDigit(first17)}`;
  };
  const ids = { operator: person(21), reviewer: person(22) };
  const op = await bootstrapAccountItems({ name: '操作员', idNumber: ids.operator, phone: '13900000021', regionCode: VILLAGE, roles: ['operator'] }, region.path, now);
  const rev = await bootstrapAccountItems({ name: '审核员', idNumber: ids.reviewer, phone: '13900000022', regionCode: '141033000000', roles: ['reviewer'] }, county.path, now);
  await new Tx(systemCtx('bench', now))
    .put(Point.item({ id: pointId, regionCode: VILLAGE, regionPath: region.path, scopeBucket: '141033000000', kind: 'village', name: '桃湾村服务点', address: '-', stage: 'in_operation', createdAt: now.toISOString(), version: 1 }))
    .put({ ...op.account, pointId } as typeof op.account)
    .put(op.person)
    .put(rev.account)
    .put(rev.person)
    .log({ action: 'bench.province_fixture', targetType: 'Point', targetId: pointId })
    .commit();
  return { ...ids, pointId };
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
