import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { JiujinbanStack, type JiujinbanStackProps } from './app-stack';

/**
 * cdk-nag AwsSolutions and Serverless packs as CDK validation plugins: every finding that is not
 * acknowledged (Validations.of(construct).acknowledge, with its reason) fails synthesis.
 */
export function applyNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

export interface BuildOptions {
  outdir?: string;
  context?: Record<string, unknown>;
  stack?: JiujinbanStackProps;
}

/** Context values may come as strings (cdk -c key=value) or JSON arrays (cdk.json). */
function listContext(app: App, key: string): string[] | undefined {
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (Array.isArray(raw)) return raw.map(String);
  return String(raw).split(',').map((s) => s.trim()).filter(Boolean);
}
function numberContext(app: App, key: string): number | undefined {
  const raw: unknown = app.node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`context ${key} must be a positive number`);
  return n;
}

/** An App whose synthesis fails on any unacknowledged cdk-nag finding, warnings included. */
export function newApp(opts: Pick<BuildOptions, 'outdir' | 'context'> = {}): App {
  const props: AppProps = {
    ...(opts.outdir ? { outdir: opts.outdir } : {}),
    context: {
      // Warning-level findings fail synthesis too: "0 unacknowledged findings", not "0 errors".
      '@aws-cdk/core:strictCfnValidateErrors': true,
      ...opts.context,
    },
  };
  const app = new App(props);
  applyNag(app);
  return app;
}

/** The app as `cdk synth` builds it (infra/app.ts) and as test/infra synthesizes it. */
export function buildApp(opts: BuildOptions = {}): { app: App; stack: JiujinbanStack } {
  const app = newApp(opts);
  const rate = numberContext(app, 'throttleRate');
  const burst = numberContext(app, 'throttleBurst');
  const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'Jiujinban';
  const stack = new JiujinbanStack(app, stackName, {
    description: '就近办 jiujinban: employment and social-security service points (API, functions, table, keys)',
    terminationProtection: app.node.tryGetContext('terminationProtection') !== 'false' && app.node.tryGetContext('terminationProtection') !== false,
    env: process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined,
    corsOrigins: listContext(app, 'corsOrigins') ?? [],
    ...(rate || burst ? { throttle: { rateLimit: rate ?? 50, burstLimit: burst ?? 100 } } : {}),
    ...opts.stack,
  });
  return { app, stack };
}
