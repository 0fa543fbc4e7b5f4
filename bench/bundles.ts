/**
 * Bundle size and module init time of every deployed function, bundled exactly as the CDK stack
 * bundles it (infra/constructs/domain-function.ts BUNDLE). Two variants: the AWS SDK v3 bundled
 * (what we deploy) and the SDK left to the runtime (external), to back that choice with numbers.
 *
 * Init time = a fresh `node` process importing the bundle (module-scope code included, no
 * handler call), median of several runs, next to the same for an empty handler (the floor).
 * Run alone: `npx tsx bench/bundles.ts`; `npm run bench` (bench/run.ts) calls measureBundles().
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { DOMAIN_APIS } from '../functions/routes';
import { BUNDLE } from '../infra/constructs/domain-function';

const ROOT = resolve(import.meta.dirname, '..');
/** Inside the project so that an external @aws-sdk/* resolves from node_modules, as the runtime's would. */
const OUT = join(ROOT, 'node_modules', '.cache', 'jjb-bench-bundles');
const RUNS = Number(process.env.BENCH_INIT_RUNS ?? 7);

export type Variant = 'sdk-bundled' | 'sdk-external';

export interface BundleRow {
  function: string;
  variant: Variant;
  bundleKb: number;
  mapKb: number;
  /** Median init (import) time in a fresh process, with --enable-source-maps as deployed. */
  initMs: number;
  /** Same without --enable-source-maps: what the source maps cost at cold start. */
  initNoMapsMs: number;
  /** initMs / the empty handler's initMs (same variant and flags). */
  initRatio: number;
}

interface Entry {
  name: string;
  file: string;
}

export function functionEntries(): Entry[] {
  return [
    ...DOMAIN_APIS.map((api) => ({ name: api.domain, file: join(ROOT, 'functions', api.domain, 'handler.ts') })),
    { name: 'authorizer', file: join(ROOT, 'functions', 'auth', 'authorizer.ts') },
    { name: 'seed', file: join(ROOT, 'infra', 'stacks', 'seed-handler.ts') },
  ];
}

async function bundle(entry: Entry, variant: Variant): Promise<string> {
  const dir = join(OUT, variant, entry.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'index.mjs');
  await build({
    entryPoints: [entry.file],
    outfile,
    bundle: true,
    platform: 'node',
    target: BUNDLE.target,
    format: BUNDLE.format,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourcemap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: BUNDLE.mainFields,
    banner: { js: BUNDLE.banner },
    external: variant === 'sdk-external' ? ['@aws-sdk/*', '@smithy/*'] : BUNDLE.external,
    logLevel: 'error',
  });
  return outfile;
}

/** The environment a deployed function sees at init (no calls are made at module scope). */
const DEPLOYED_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'cn-north-1',
  TABLE_NAME: 'bench',
  PII_KMS_KEY_ID: 'arn:aws-cn:kms:cn-north-1:000000000000:key/bench',
  PLATFORM_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:000000000000:secret:bench',
  LOG_LEVEL: 'INFO',
};

function initOnce(file: string, sourceMaps: boolean): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const args = [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', script];
  return Number(execFileSync(process.execPath, args, { env: DEPLOYED_ENV, encoding: 'utf8' }));
}

function medianInit(file: string, sourceMaps: boolean): number {
  initOnce(file, sourceMaps); // warm the OS file cache, as a Lambda image is
  const xs = Array.from({ length: RUNS }, () => initOnce(file, sourceMaps)).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

const kb = (file: string) => +(statSync(file).size / 1024).toFixed(1);

export async function measureBundles(variants: Variant[] = ['sdk-bundled', 'sdk-external']): Promise<BundleRow[]> {
  const emptyDir = join(OUT, 'empty');
  mkdirSync(emptyDir, { recursive: true });
  const emptySrc = join(emptyDir, 'handler.ts');
  writeFileSync(emptySrc, 'export const handler = async () => ({ statusCode: 200 });\n');
  const rows: BundleRow[] = [];
  for (const variant of variants) {
    const empty = await bundle({ name: '_empty', file: emptySrc }, variant);
    const floor = medianInit(empty, true);
    const floorNoMaps = medianInit(empty, false);
    rows.push({ function: '(empty handler)', variant, bundleKb: kb(empty), mapKb: kb(`${empty}.map`), initMs: +floor.toFixed(1), initNoMapsMs: +floorNoMaps.toFixed(1), initRatio: 1 });
    for (const entry of functionEntries()) {
      const file = await bundle(entry, variant);
      const init = medianInit(file, true);
      rows.push({
        function: entry.name,
        variant,
        bundleKb: kb(file),
        mapKb: kb(`${file}.map`),
        initMs: +init.toFixed(1),
        initNoMapsMs: +medianInit(file, false).toFixed(1),
        initRatio: +(init / floor).toFixed(2),
      });
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  measureBundles()
    .then((rows) => console.table(rows))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
