/**
 * `npm run bench`: handler latency against the bare DynamoDB round trips it needs, round trips
 * and capacity per operation, bundle size and init time per function, report scaling. Prints a
 * table and writes bench/results/<timestamp>.json. Not part of `npm test`.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { percentile, startBenchEnv, timeIt } from './harness';
import { OPS } from './ops';

const N = Number(process.env.BENCH_N ?? 200);
const WARMUP = 100;
const TARGET = { latencyRatio: 1.2, bundleKb: 250, initRatio: 1.3, reportRatio: 1.1 };

async function operations() {
  const env = await startBenchEnv();
  const rows = [];
  try {
    for (const op of OPS) {
      const run = await op.prepare(env);
      for (let i = 0; i < WARMUP; i++) await run();
      const { result, calls } = await env.recording(run);
      if (result.status !== op.expect) throw new Error(`${op.name}: expected ${op.expect}, got ${result.status} ${JSON.stringify(result.body).slice(0, 200)}`);
      await env.timeBare(calls, WARMUP);
      // Interleaved, so that drift (JIT, DynamoDB Local's JVM, GC) falls on both alike.
      const handlerTimes: number[] = [];
      const bareTimes: number[] = [];
      for (let i = 0; i < N; i++) {
        handlerTimes.push(...(await timeIt(1, run)));
        bareTimes.push(...(await env.timeBare(calls, 1)));
      }
      const handler = handlerTimes.sort((a, b) => a - b);
      const bare = bareTimes.sort((a, b) => a - b);
      const writes = calls.filter((c) => /Transact|Put|Update|Delete|BatchWrite/.test(c.command)).length;
      rows.push({
        operation: op.name,
        medianMs: +percentile(handler, 50).toFixed(2),
        p99Ms: +percentile(handler, 99).toFixed(2),
        bareMedianMs: +percentile(bare, 50).toFixed(2),
        // No round trip at all (served from the process's cache): there is no baseline to compare with.
        ratio: calls.length === 0 ? null : +(percentile(handler, 50) / percentile(bare, 50)).toFixed(2),
        overheadMs: +(percentile(handler, 50) - percentile(bare, 50)).toFixed(2),
        roundTrips: calls.length,
        calls: calls.map((c) => c.command.replace('Command', '')).join('+'),
        writeCalls: writes,
        capacityUnits: +calls.reduce((s, c) => s + c.capacity, 0).toFixed(2),
      });
    }
  } finally {
    await env.stop();
  }
  return rows;
}

async function main() {
  const started = new Date();
  const ops = await operations();
  console.log(`\nOperations (N=${N}, in process on DynamoDB Local; target ratio ≤ ${TARGET.latencyRatio}, reads 1 round trip + the authorizer's BatchGet, writes 1 transaction)`);
  console.table(ops);
  const result: Record<string, unknown> = { at: started.toISOString(), node: process.version, n: N, targets: TARGET, operations: ops };
  if (existsSync(join(import.meta.dirname, 'bundles.ts')) && process.env.BENCH_SKIP_BUNDLES !== '1') {
    const { measureBundles } = (await import(/* optional suite */ `./${'bundles'}.ts`)) as { measureBundles?: () => Promise<unknown> };
    if (measureBundles) {
      const bundles = await measureBundles();
      console.log(`\nBundles (target ≤ ${TARGET.bundleKb} KB, init ratio ≤ ${TARGET.initRatio} vs an empty handler)`);
      console.table(bundles);
      result.bundles = bundles;
    }
  }
  if (existsSync(join(import.meta.dirname, 'report-scale.ts')) && process.env.BENCH_SKIP_REPORTS !== '1') {
    // Its own process: it starts its own DynamoDB Local and the config of this one is cached.
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'report-scale.ts'), '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const line = child.stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
    if (!line) throw new Error(`report scaling failed: ${child.stderr.slice(-2000)}`);
    const scaling = JSON.parse(line.slice('BENCH_JSON '.length)) as Record<string, unknown>[];
    console.log(`\nReport scaling: 蒲县 monthly report, same points, 10k vs 100k cases (target ratio ≤ ${TARGET.reportRatio}, equal round trips)`);
    console.table(scaling.map(({ calls: _c, ...r }) => r));
    result.reportScaling = scaling;
  }
  if (process.env.BENCH_SKIP_CONSOLE !== '1') {
    // The web console over an emulated village link, in its own process (its own DynamoDB Local and Chromium).
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'console.ts')], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const line = child.stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
    if (!line) throw new Error(`console bench failed: ${child.stderr.slice(-2000)}`);
    const consoleBench = JSON.parse(line.slice('BENCH_JSON '.length)) as { link: string; rows: Record<string, unknown>[] };
    console.log(`\nWeb console: JS+CSS gzip per screen (budget ≤ 350 KB) and time to usable over ${consoleBench.link} (goal ≤ 3 s cold, ≤ 1 s warm)`);
    console.table(consoleBench.rows);
    result.console = consoleBench;
  }
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const file = join(import.meta.dirname, 'results', `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\nwritten ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
