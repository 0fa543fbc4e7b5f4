/**
 * A report's cost grows with points, not cases: the 蒲县 monthly report over a table holding
 * 10,000 cases and over one holding 100,000 (the same 93 points: the second table is a copy of the
 * first's seed), target time ratio ≤ 1.1.
 *
 * Robust on a shared 2-core machine: both tables are built once, then the timed runs alternate
 * between them (A B, B A, … after a warm-up) so that drift and neighbours' load fall on both
 * sides alike; medians and minimums are reported with the ratio of medians. The DynamoDB round
 * trips (and capacity units) of one report are counted on each table with the recorder on the
 * shared client (bench/harness.ts): equal counts show that the work does not grow with cases.
 *
 * The cases and their counter effects are written in bulk (BatchWrite, up to 4 in parallel) as
 * the cases domain's transactions would leave them. Run alone: `npx tsx bench/report-scale.ts`;
 * `npm run bench` runs it as the "report scaling" suite.
 */
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startBenchEnv, type Recorded } from './harness';

const COUNTY = '141033000000';
const PAIRS = Number(process.env.BENCH_REPORT_PAIRS ?? 30);
const WARMUP = 3;
const PARALLEL = 4;
const SMALL = 10_000;
const LARGE = 100_000;
const OVERDUE = 20; // running cases past their due date: the same in both tables
const MONTHS = ['2024-04', '2024-05', '2024-06', '2024-07'];
const CHANNELS = ['window', 'self_service', 'assisted', 'home_visit'];
const ITEMS = ['S01', 'S02', 'E01', 'E02', 'C01'];

const round1 = (n: number) => Math.round(n * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function measureReportScaling() {
  const env = await startBenchEnv();
  const { resetConfig } = await import('../shared/config');
  // The harness has pointed the config at its table and put the recorder on the shared client:
  // keep that client (a resetDb() here would drop the recorder).
  const { db, tableName } = await import('../shared/db/client');
  const { ensureTable } = await import('../infra/local/dynamo');
  const { queryAll } = await import('../shared/db/store');
  const { Case, CaseCounter, pointsInBucket } = await import('../shared/db/entities');
  const { newId } = await import('../shared/ids');
  const { systemCtx } = await import('../shared/http/context');
  const { makeReport } = await import('../functions/reports/service');

  /** Points the process at a table (config is read per call; the client and its recorder stay). */
  const use = (table: string) => {
    process.env.TABLE_NAME = table;
    resetConfig();
  };

  const batchWrite = async (table: string, items: Record<string, unknown>[]) => {
    let next = 0;
    const worker = async () => {
      for (let i = next; i < items.length; i = next) {
        next += 25;
        let req: Record<string, any> | undefined = { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
        while (req && Object.keys(req).length > 0) req = (await db().send(new BatchWriteCommand({ RequestItems: req }))).UnprocessedItems;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  };

  try {
    const small = tableName();
    const large = `${small}-large`;
    const t0 = Date.now();
    // The second table: the same seed (regions, catalogue, the 93 points, staff) item for item.
    await ensureTable(env.dynamo.endpoint, large);
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db().send(new ScanCommand({ TableName: small, ExclusiveStartKey: start }));
      await batchWrite(large, (page.Items ?? []) as Record<string, unknown>[]);
      start = page.LastEvaluatedKey;
    } while (start);

    const points = await queryAll<{ id: string; regionPath: string; regionCode: string }>(pointsInBucket(COUNTY));

    /** `n` cases (the first OVERDUE still running past their due date) and their counter items. */
    const load = async (table: string, n: number) => {
      const counters = new Map<string, Record<string, number>>();
      const CHUNK = 20_000; // bounded memory: write cases as they are made
      for (let from = 0; from < n; from += CHUNK) {
        const items: Record<string, unknown>[] = [];
        for (let k = from; k < Math.min(n, from + CHUNK); k++) {
          const p = points[k % points.length]!;
          const month = MONTHS[k % MONTHS.length]!;
          const running = k < OVERDUE;
          const item = ITEMS[k % ITEMS.length]!;
          const channel = CHANNELS[k % CHANNELS.length]!;
          const onTime = k % 10 !== 0;
          items.push(
            Case.item({
              id: newId(),
              pointId: p.id,
              regionPath: p.regionPath,
              regionCode: p.regionCode,
              scopeBucket: COUNTY,
              status: running ? 'accepted' : 'completed',
              dueDate: running ? '2024-06-20' : `${month}-25`,
              applicantIndex: `bench-${k % 5000}`,
              acceptedAt: `${month}-10T09:00:00+08:00`,
              itemCode: item,
              itemName: item,
              channel,
            } as never) as unknown as Record<string, unknown>,
          );
          const key = `${p.id}|${month}`;
          const c = counters.get(key) ?? {};
          const add = (name: string, v = 1) => (c[name] = (c[name] ?? 0) + v);
          add('accepted');
          add(`ch_${channel}`);
          add(`item_${item}`);
          if (!running) {
            add('completed');
            add(onTime ? 'onTime' : 'overdue');
            add(`done_${item}`);
            if (!onTime) add(`late_${item}`);
          }
          if (k % 4 === 0) {
            add('ratingSum', 1 + (k % 5));
            add('ratingCount');
            if (k % 5 < 2) add('badRatings');
          }
          counters.set(key, c);
        }
        await batchWrite(table, items);
      }
      const byId = new Map(points.map((p) => [p.id, p]));
      await batchWrite(
        table,
        [...counters].map(([key, c]) => {
          const [pointId, month] = key.split('|') as [string, string];
          return CaseCounter.item({ pointId, month, regionPath: byId.get(pointId)!.regionPath, scopeBucket: COUNTY, ...c }) as unknown as Record<string, unknown>;
        }),
      );
    };
    await load(small, SMALL);
    await load(large, LARGE);
    const loadSeconds = round1((Date.now() - t0) / 1000);

    const made = new Map<string, number>();
    /** One monthly report of 蒲县 on `table` (a stored revision each time, as a regeneration). */
    const makeOn = async (table: string) => {
      use(table);
      const revision = (made.get(table) ?? 0) + 1;
      made.set(table, revision);
      await makeReport(systemCtx(`bench-${table}-${revision}`, new Date()), {
        type: 'monthly',
        regionCode: COUNTY,
        period: '2024-06',
        trigger: 'cli',
        ...(revision > 1 ? { regenerate: true, reason: 'bench' } : {}),
      });
    };
    const timed = async (table: string) => {
      const t = process.hrtime.bigint();
      await makeOn(table);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };

    // Round trips and capacity of one report on each table.
    const count = async (table: string) => {
      const { calls } = await env.recording(() => makeOn(table));
      const by = (rs: Recorded[]) => Object.entries(rs.reduce<Record<string, number>>((a, c) => ((a[c.command.replace('Command', '')] = (a[c.command.replace('Command', '')] ?? 0) + 1), a), {}));
      const reads = calls.filter((c) => /Query|GetItem|BatchGet/.test(c.command));
      return {
        roundTrips: calls.length,
        readRoundTrips: reads.length,
        readCapacity: round1(reads.reduce((s, c) => s + c.capacity, 0)),
        calls: by(calls).map(([k, v]) => `${k}×${v}`).join(' '),
      };
    };

    for (let i = 0; i < WARMUP; i++) {
      await timed(small);
      await timed(large);
    }
    const trips = { small: await count(small), large: await count(large) };
    // The live dashboard (GET /dashboard: the month's sections and a 12-month trend), never stored.
    const { liveDashboard } = await import('../functions/reports/dashboard');
    const { parsePeriod } = await import('../functions/reports/period');
    const { findRegion } = await import('../shared/regions');
    const county = (await findRegion(COUNTY))!;
    const countDashboard = async (table: string) => {
      use(table);
      const { calls } = await env.recording(() => liveDashboard(county, parsePeriod('monthly', '2024-06')!, new Date()));
      const by = calls.reduce<Record<string, number>>((a, c) => ((a[c.command.replace('Command', '')] = (a[c.command.replace('Command', '')] ?? 0) + 1), a), {});
      return { roundTrips: calls.length, calls: Object.entries(by).map(([k, v]) => `${k}×${v}`).join(' ') };
    };
    const dashboard = { small: await countDashboard(small), large: await countDashboard(large) };
    const ms = { small: [] as number[], large: [] as number[] };
    for (let i = 0; i < PAIRS; i++) {
      // A B, then B A: each table goes first half the time.
      const order = i % 2 === 0 ? ([small, large] as const) : ([large, small] as const);
      for (const table of order) (table === small ? ms.small : ms.large).push(await timed(table));
    }
    use(small);

    const row = (label: string, cases: number, xs: number[], t: typeof trips.small) => ({
      label,
      cases,
      points: points.length,
      runs: xs.length,
      medianMs: round1(median(xs)),
      minMs: round1(Math.min(...xs)),
      ...t,
    });
    const a = row('10k cases', SMALL, ms.small, trips.small);
    const b = row('100k cases', LARGE, ms.large, trips.large);
    const ratio = Math.round((median(ms.large) / median(ms.small)) * 1000) / 1000;
    const minRatio = Math.round((Math.min(...ms.large) / Math.min(...ms.small)) * 1000) / 1000;
    const sameDashboardTrips = dashboard.small.roundTrips > 0 && dashboard.small.roundTrips === dashboard.large.roundTrips && dashboard.small.calls === dashboard.large.calls;
    const sameTrips = a.roundTrips > 0 && a.roundTrips === b.roundTrips && a.calls === b.calls && sameDashboardTrips;
    return [
      { ...a, dashboardRoundTrips: dashboard.small.roundTrips, dashboardCalls: dashboard.small.calls, ratio: null, minRatio: null, sameRoundTrips: null, target: 1.1, pass: null, loadSeconds: null },
      { ...b, dashboardRoundTrips: dashboard.large.roundTrips, dashboardCalls: dashboard.large.calls, ratio, minRatio, sameRoundTrips: sameTrips, target: 1.1, pass: ratio <= 1.1 && sameTrips, loadSeconds },
    ];
  } finally {
    await env.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  measureReportScaling().then(
    (rows) => {
      // bench/run.ts runs this suite in its own process (a DynamoDB Local of its own) and reads this line.
      if (process.argv.includes('--json')) console.log(`BENCH_JSON ${JSON.stringify(rows)}`);
      console.table(rows.map(({ calls: _c, dashboardCalls: _d, ...r }) => r));
      const [a, b] = rows as [(typeof rows)[number], (typeof rows)[number]];
      console.log(`round trips per report: 10k ${a.roundTrips} (${a.calls}) · 100k ${b.roundTrips} (${b.calls})`);
      console.log(`round trips per dashboard (month + 12-month trend): 10k ${a.dashboardRoundTrips} (${a.dashboardCalls}) · 100k ${b.dashboardRoundTrips} (${b.dashboardCalls})`);
      console.log(
        `10k: median ${a.medianMs} ms, min ${a.minMs} ms · 100k: median ${b.medianMs} ms, min ${b.minMs} ms (${PAIRS} alternating pairs) · ` +
          `ratio of medians ${b.ratio}, of minimums ${b.minRatio} (target ≤ 1.1) · same round trips: ${b.sameRoundTrips} → ${b.pass ? 'PASS' : 'FAIL'}`,
      );
      process.exit(b.pass ? 0 : 1);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
