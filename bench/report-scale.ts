/**
 * A report's cost grows with points, not cases: the 蒲县 monthly report with 10,000 and then
 * 100,000 cases in the table (the same 93 points), time ratio ≤ 1.1. The cases and their counter
 * effects are written in bulk (BatchWrite of case items and per-point-per-month counter items, as
 * the cases domain's transactions would leave them). Run alone: `npx tsx bench/report-scale.ts`;
 * `npm run bench` runs it as the "report scaling" suite.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startBenchEnv, timeIt } from './harness';

const COUNTY = '141033000000';
const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 15);
const OVERDUE = 20; // running cases past their due date: the same in both rounds
const MONTHS = ['2024-04', '2024-05', '2024-06', '2024-07'];
const CHANNELS = ['window', 'self_service', 'assisted', 'home_visit'];
const ITEMS = ['S01', 'S02', 'E01', 'E02', 'C01'];

export async function measureReportScaling() {
  const env = await startBenchEnv();
  const { resetConfig } = await import('../shared/config');
  const { resetDb, db, tableName } = await import('../shared/db/client');
  resetConfig();
  resetDb();
  const { queryAll } = await import('../shared/db/store');
  const { Case, CaseCounter, pointsInBucket } = await import('../shared/db/entities');
  const { newId } = await import('../shared/ids');
  const { systemCtx } = await import('../shared/http/context');
  const { makeReport } = await import('../functions/reports/service');
  try {
    const points = await queryAll<{ id: string; regionPath: string; regionCode: string }>(pointsInBucket(COUNTY));
    const counters = new Map<string, Record<string, number>>();

    const batchWrite = async (items: Record<string, unknown>[]) => {
      const chunks: Record<string, unknown>[][] = [];
      for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
      const worker = async () => {
        for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
          let req: Record<string, any> | undefined = { [tableName()]: chunk.map((Item) => ({ PutRequest: { Item } })) };
          while (req && Object.keys(req).length > 0) req = (await db().send(new BatchWriteCommand({ RequestItems: req }))).UnprocessedItems;
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    };

    let written = 0;
    /** Adds `n` closed cases (and, the first time, the overdue running ones) with their counter effects. */
    const addCases = async (n: number) => {
      const items: Record<string, unknown>[] = [];
      for (let i = 0; i < n; i++) {
        const k = written + i;
        const p = points[k % points.length]!;
        const month = MONTHS[k % MONTHS.length]!;
        const running = k < OVERDUE;
        const item = ITEMS[k % ITEMS.length]!;
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
            channel: CHANNELS[k % CHANNELS.length],
          } as never) as unknown as Record<string, unknown>,
        );
        const key = `${p.id}|${month}`;
        const c = counters.get(key) ?? {};
        const add = (name: string, v = 1) => (c[name] = (c[name] ?? 0) + v);
        add('accepted');
        add(`ch_${CHANNELS[k % CHANNELS.length]}`);
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
      written += n;
      await batchWrite(items);
      // The counter items as the cases' transactions leave them (one per point per month).
      await batchWrite(
        [...counters].map(([key, c]) => {
          const [pointId, month] = key.split('|') as [string, string];
          const p = points.find((x) => x.id === pointId)!;
          return CaseCounter.item({ pointId, month, regionPath: p.regionPath, scopeBucket: COUNTY, ...c }) as unknown as Record<string, unknown>;
        }),
      );
    };

    let revision = 0;
    const makeOnce = async () => {
      revision += 1;
      await makeReport(systemCtx(`bench-${revision}`, new Date()), {
        type: 'monthly',
        regionCode: COUNTY,
        period: '2024-06',
        trigger: 'cli',
        ...(revision > 1 ? { regenerate: true, reason: 'bench' } : {}),
      });
    };
    const round = async (label: string) => {
      await timeIt(2, makeOnce); // warm-up
      const ms = await timeIt(RUNS, makeOnce);
      return { label, cases: written, points: points.length, medianMs: Math.round(ms[Math.floor(ms.length / 2)]! * 10) / 10, minMs: Math.round(ms[0]! * 10) / 10 };
    };

    const t0 = Date.now();
    await addCases(10_000);
    const small = await round('10k cases');
    await addCases(90_000);
    const loadSeconds = Math.round((Date.now() - t0) / 100) / 10;
    const large = await round('100k cases');
    const ratio = Math.round((large.medianMs / small.medianMs) * 1000) / 1000;
    // The minimum is the least disturbed run on a shared 2-core machine; both ratios are shown.
    const minRatio = Math.round((large.minMs / small.minMs) * 1000) / 1000;
    return [
      { ...small, ratio: null, minRatio: null, target: 1.1, pass: null, loadSeconds: null },
      { ...large, ratio, minRatio, target: 1.1, pass: ratio <= 1.1, loadSeconds },
    ];
  } finally {
    await env.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  measureReportScaling().then(
    (rows) => {
      console.table(rows);
      const r = rows[1]!;
      console.log(`10k: ${rows[0]!.medianMs} ms · 100k: ${r.medianMs} ms (median of ${RUNS}) · ratio ${r.ratio}, of minimums ${r.minRatio} (target ≤ 1.1) ${r.pass ? 'PASS' : 'FAIL'}`);
      process.exit(r.pass ? 0 : 1);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
