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

interface Sample {
  wallMs: number;
  cpuMs: number;
}

/** One fresh process: wall time of the import, and the CPU it burnt (robust when the machine is busy). */
function initOnce(file: string, sourceMaps: boolean): Sample {
  const script =
    `const t=performance.now(),c=process.cpuUsage();await import(${JSON.stringify(pathToFileURL(file).href)});` +
    `const u=process.cpuUsage(c);process.stdout.write(JSON.stringify({wallMs:performance.now()-t,cpuMs:(u.user+u.system)/1000}));`;
  const args = [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', script];
  return JSON.parse(execFileSync(process.execPath, args, { env: DEPLOYED_ENV, encoding: 'utf8' })) as Sample;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (file: string) => +(statSync(file).size / 1024).toFixed(1);

export interface BundleRow {
  function: string;
  variant: Variant;
  bundleKb: number;
  mapKb: number;
  /** Median wall time of the import in a fresh process, with --enable-source-maps as deployed. */
  initMs: number;
  /** Median CPU time of the same import (user + system): less sensitive to a busy machine. */
  initCpuMs: number;
  /** Median wall time without --enable-source-maps: what the source maps cost at cold start. */
  initNoMapsMs: number;
  /** initMs / the empty handler's initMs (same variant and flags). */
  initRatio: number;
}

export async function measureBundles(variants: Variant[] = ['sdk-bundled', 'sdk-external']): Promise<BundleRow[]> {
  const emptyDir = join(OUT, 'empty');
  mkdirSync(emptyDir, { recursive: true });
  const emptySrc = join(emptyDir, 'handler.ts');
  writeFileSync(emptySrc, 'export const handler = async () => ({ statusCode: 200 });\n');
  const targets: Array<{ name: string; variant: Variant; file: string }> = [];
  for (const variant of variants) {
    targets.push({ name: '(empty handler)', variant, file: await bundle({ name: '_empty', file: emptySrc }, variant) });
    for (const entry of functionEntries()) targets.push({ name: entry.name, variant, file: await bundle(entry, variant) });
  }
  // Round-robin over all bundles, so that a burst of load elsewhere hits every row alike.
  const samples = targets.map(() => ({ maps: [] as Sample[], noMaps: [] as Sample[] }));
  for (const t of targets) initOnce(t.file, true); // warm the OS file cache, as a Lambda image is
  for (let i = 0; i < RUNS; i++) {
    targets.forEach((t, j) => {
      samples[j]!.maps.push(initOnce(t.file, true));
      samples[j]!.noMaps.push(initOnce(t.file, false));
    });
  }
  const floor = new Map<Variant, number>();
  return targets.map((t, j) => {
    const s = samples[j]!;
    const wall = median(s.maps.map((x) => x.wallMs));
    if (t.name === '(empty handler)') floor.set(t.variant, wall);
    return {
      function: t.name,
      variant: t.variant,
      bundleKb: kb(t.file),
      mapKb: kb(`${t.file}.map`),
      initMs: +wall.toFixed(1),
      initCpuMs: +median(s.maps.map((x) => x.cpuMs)).toFixed(1),
      initNoMapsMs: +median(s.noMaps.map((x) => x.wallMs)).toFixed(1),
      initRatio: +(wall / floor.get(t.variant)!).toFixed(2),
    };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  measureBundles()
    .then((rows) => console.table(rows))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
