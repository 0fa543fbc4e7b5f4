import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN_APIS } from '../../functions/routes';
import { loadConfig } from '../../shared/config';
import { TABLE } from '../../shared/db/table';
import { SCHEDULES, type ScheduleDef } from '../../shared/schedules';
import type { DomainFunction } from '../../infra/constructs/domain-function';
import { BOOTSTRAP_ID_PATTERN, defaultJobsEntry, type JiujinbanStack } from '../../infra/stacks/app-stack';
import { buildApp, newApp } from '../../infra/stacks/build';

/**
 * The deployed shape, asserted on one synthesis of the real app (bundling included, so this file
 * synthesizes once in beforeAll): cdk-nag clean, table, functions, routes, authorizer, throttling,
 * schedules, seed — and cfn-lint over the template.
 */
const FAKE_SCHEDULE: ScheduleDef = {
  name: 'test-fake-monthly',
  description: 'fake entry proving that every SCHEDULES entry becomes a schedule',
  cron: { minute: '15', hour: '3', day: '1' },
  timezone: 'Asia/Shanghai',
  domain: 'fakejobs',
  exportName: 'runFakeJob',
  input: { kind: 'fake' },
};
const FAKE_JOBS = join(import.meta.dirname, 'fixtures', 'fakejobs', 'jobs.ts');

let outdir: string;
let stack: JiujinbanStack;
let synthError: unknown;
let templateJson: { Resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[] }>; Parameters: Record<string, any> };
let template: Template;

const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
const resource = (id: string) => templateJson.Resources[id]!;
const ofType = (type: string) => Object.entries(templateJson.Resources).filter(([, r]) => r.Type === type);
/** The inline policies attached to a DomainFunction's role. */
function policyStatements(fn: DomainFunction): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  const roleId = logicalId(fn.role);
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (fn: DomainFunction) => policyStatements(fn).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
/** Directory of the bundled asset of a function (cdk.out/asset.<hash>). */
function assetDir(fn: DomainFunction): string {
  const key = resource(logicalId(fn.fn)).Properties.Code.S3Key as string;
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

beforeAll(() => {
  // Prepare: the real app, plus one fake schedule whose job lives in a test fixture.
  outdir = mkdtempSync(join(tmpdir(), 'jjb-cdk-'));
  const built = buildApp({
    outdir,
    stack: {
      schedules: [...SCHEDULES, FAKE_SCHEDULE],
      jobsEntry: (domain) => (domain === FAKE_SCHEDULE.domain ? FAKE_JOBS : defaultJobsEntry(domain)),
    },
  });
  stack = built.stack;
  // Act: synthesize (cdk-nag runs here as a validation plugin and throws on any finding).
  try {
    built.app.synth();
  } catch (err) {
    synthError = err;
    return;
  }
  templateJson = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf8'));
  template = Template.fromJSON(templateJson);
}, 300_000); // a full synth with bundling: minutes on a busy 2-core machine

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('synthesis', () => {
  it('passes cdk-nag AwsSolutions and Serverless with every finding acknowledged', () => {
    expect(synthError).toBeUndefined();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports?: Array<{ summary?: { status?: string } }> };
    expect(JSON.stringify(report)).not.toMatch(/"status":\s*"failure"/);
  });

  it('fails on an unacknowledged finding (a queue without DLQ and TLS)', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'jjb-cdk-bad-'));
    const app = newApp({ outdir: dir });
    const bad = new Stack(app, 'Bad');
    new sqs.Queue(bad, 'Careless');
    // Act + Assess
    try {
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS3|AwsSolutions-SQS4/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has zero cfn-lint errors (and no warning but CDK\u2019s own redundant DependsOn, W3005)', () => {
    const file = join(outdir, `${stack.stackName}.template.json`);
    if (process.env.SKIP_CFN_LINT === '1') return; // explicit opt-out only
    const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) throw new Error('cfn-lint is not installed: install it (pip install cfn-lint) or set SKIP_CFN_LINT=1 explicitly');
    const run = spawnSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const findings = JSON.parse(run.stdout || '[]') as Array<{ Level: string; Rule: { Id: string }; Message: string }>;
    expect(findings.filter((f) => f.Level === 'Error')).toEqual([]);
    expect(findings.filter((f) => f.Level === 'Warning' && f.Rule.Id !== 'W3005')).toEqual([]);
    // cfn-lint over the whole template takes 30–50 s on a loaded 2-core machine (one more domain Lambda since workplan).
  }, 180_000);
});

describe('table', () => {
  it('is on-demand, PITR, encrypted with the rotating CMK, deletion-protected, with TTL and the indexes of shared/db/table.ts', () => {
    const tableKeyId = logicalId(stack.tableKey);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [tableKeyId, 'Arn'] } },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE.globalIndexes.map((g) =>
        Match.objectLike({ IndexName: g.name, KeySchema: [{ AttributeName: g.partitionKey, KeyType: 'HASH' }, { AttributeName: g.sortKey, KeyType: 'RANGE' }] }),
      ),
    });
    expect(resource(logicalId(stack.table)).Type).toBe('AWS::DynamoDB::Table');
    expect(resource(tableKeyId).Properties.EnableKeyRotation).toBe(true);
    expect(resource(logicalId(stack.piiKey)).Properties.EnableKeyRotation).toBe(true);
    expect((templateJson.Resources[logicalId(stack.table)] as unknown as { DeletionPolicy: string }).DeletionPolicy).toBe('Retain');
  });

  it('session-signing and blind-index keys are two secrets generated by Secrets Manager, never written in the template', () => {
    const signing = resource(logicalId(stack.sessionKeys));
    expect(signing.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, GenerateStringKey: 'key', SecretStringTemplate: '{"kid":"k1"}' });
    const blind = resource(logicalId(stack.blindIndexKey));
    expect(blind.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
    for (const secret of [signing, blind]) expect(secret.Properties.SecretString).toBeUndefined();
  });

  it('the synthesized template carries no key material, credentials or bootstrap ID numbers', () => {
    const text = JSON.stringify(templateJson);
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(text).not.toMatch(/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/);
    expect(text).not.toMatch(/"d"\s*:\s*"[A-Za-z0-9_-]{40,}"/);
    // The bootstrap admins come in as NoEcho parameters only: no default, no literal.
    for (const id of ['140000197508080017', '140000198012120024']) expect(text).not.toContain(id);
    for (const name of ['BootstrapSysAdminIdNumber', 'BootstrapBizAdminIdNumber']) {
      expect(templateJson.Parameters[name]).toMatchObject({ NoEcho: true });
      expect(templateJson.Parameters[name].Default).toBeUndefined();
    }
  });
});

describe('functions', () => {
  it('every domain of DOMAIN_APIS has its own Lambda: Node.js 22, arm64, traced, ESM bundle with source maps', () => {
    expect(Object.keys(stack.functions).sort()).toEqual(DOMAIN_APIS.map((a) => a.domain).sort());
    for (const api of DOMAIN_APIS) {
      const fn = stack.functions[api.domain]!;
      const props = resource(logicalId(fn.fn)).Properties;
      expect(props, api.domain).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.logGroup) } },
      });
      expect(props.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(existsSync(join(assetDir(fn), 'index.mjs')), api.domain).toBe(true);
      expect(existsSync(join(assetDir(fn), 'index.mjs.map')), api.domain).toBe(true);
      expect(resource(logicalId(fn.logGroup)).Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('environment names are the ones shared/config.ts reads (deployed mode, KMS and secret configured)', () => {
    const all = [...Object.values(stack.functions), stack.authorizerFunction];
    for (const fn of all) {
      const vars = resource(logicalId(fn.fn)).Properties.Environment.Variables as Record<string, unknown>;
      // Tokens (Ref/GetAtt) stand in as their own JSON: present and non-empty is what matters here.
      const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
      const c = loadConfig(env);
      expect(c.localMode).toBe(false);
      expect(c.tableName).toContain(logicalId(stack.table));

    }
    // Keys only where the access declared beside the routes grants them (test/infra/access.test.ts).
    const authEnv = resource(logicalId(stack.functions.auth!.fn)).Properties.Environment.Variables as Record<string, unknown>;
    expect(JSON.stringify(authEnv.PII_KMS_KEY_ID)).toContain(logicalId(stack.piiKey));
    expect(JSON.stringify(authEnv.SESSION_KEYS_SECRET_ARN)).toContain(logicalId(stack.sessionKeys));
    expect(JSON.stringify(authEnv.BLIND_INDEX_SECRET_ARN)).toContain(logicalId(stack.blindIndexKey));
    const auth = loadConfig(
      Object.fromEntries(
        Object.entries(resource(logicalId(stack.functions.auth!.fn)).Properties.Environment.Variables as Record<string, unknown>).map(([k, v]) => [k, JSON.stringify(v)]),
      ),
    );
    expect(auth.esscIssuer).toContain('EsscIssuer');
    expect(auth.esscJwks).toContain('EsscJwks');
  });

  it('grants least privilege: no Scan, no wildcard actions, named index ARNs, platform holds no key or secret', () => {
    const all = [...Object.values(stack.functions), stack.authorizerFunction];
    for (const fn of all) {
      const actions = actionsOf(fn);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions.filter((a) => a.includes('*') && !a.startsWith('xray:'))).toEqual([]);
      const text = JSON.stringify(policyStatements(fn));
      expect(text).not.toContain('/index/*');
    }
    const cases = stack.functions.cases ?? stack.functions.catalog!;
    const indexResources = JSON.stringify(policyStatements(cases).filter((s) => s.Action === 'dynamodb:Query' || (Array.isArray(s.Action) && s.Action.length === 1 && s.Action[0] === 'dynamodb:Query')));
    for (const g of TABLE.globalIndexes) expect(indexResources).toContain(`/index/${g.name}`);
    expect(actionsOf(cases)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'kms:GenerateDataKey', 'secretsmanager:GetSecretValue']));
    const platform = actionsOf(stack.functions.platform!);
    // /health?deep=1 reads the table; the shared pipeline bundles the Idempotency-Key writer, so the
    // declared (and probed, test/infra/access.test.ts) access is readWrite — but never a key or a secret.
    // (its kms actions are the table's own CMK, which every table reader needs)
    expect(platform.filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
    expect(policyStatements(stack.functions.platform!).filter((st) => JSON.stringify(st.Resource).includes(logicalId(stack.piiKey)))).toEqual([]);
    expect(platform).not.toContain('dynamodb:Scan');
    // The authorizer verifies tokens and reads sessions; it never unseals personal data.
    const authorizer = actionsOf(stack.authorizerFunction);
    expect(authorizer).toContain('secretsmanager:GetSecretValue');
    const piiKeyId = logicalId(stack.piiKey);
    expect(policyStatements(stack.authorizerFunction).filter((st) => JSON.stringify(st.Resource).includes(piiKeyId))).toEqual([]);
    expect(policyStatements(cases).filter((st) => JSON.stringify(st.Resource).includes(piiKeyId))).toHaveLength(1);
  });

  it('report files: a private, TLS-only bucket that only the reports functions write and read, named in their environment', () => {
    const bucket = resource(logicalId(stack.reportFiles));
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const reports = stack.functions.reports!;
    expect(actionsOf(reports)).toEqual(expect.arrayContaining(['s3:PutObject', 's3:GetObject']));
    const vars = resource(logicalId(reports.fn)).Properties.Environment.Variables as Record<string, unknown>;
    expect(JSON.stringify(vars.REPORTS_BUCKET)).toContain(logicalId(stack.reportFiles));
    for (const [domain, fn] of Object.entries(stack.functions)) {
      if (domain !== 'reports') expect(actionsOf(fn).filter((a) => a.startsWith('s3:')), domain).toEqual([]);
    }
  });

  it('the deployed bundle runs as ESM in a fresh node process (GET /health → 200, unknown route → 404 envelope)', () => {
    const file = join(assetDir(stack.functions.platform!), 'index.mjs');
    const event = (routeKey: string, path: string) => ({
      version: '2.0',
      routeKey,
      rawPath: path,
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { requestId: 'infra-test', routeKey, stage: '$default', http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, timeEpoch: 0 },
    });
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)});
      const ctx = { awsRequestId: 'infra-test', getRemainingTimeInMillis: () => 10000 };
      const a = await handler(${JSON.stringify(event('GET /health', '/health'))}, ctx);
      const b = await handler(${JSON.stringify(event('GET /{proxy+}', '/nowhere'))}, ctx);
      process.stdout.write(JSON.stringify([a, b]));`;
    const out = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, AWS_REGION: 'cn-north-1', TABLE_NAME: 'x', LOG_LEVEL: 'SILENT' },
      encoding: 'utf8',
    });
    const [health, unmatched] = JSON.parse(out) as Array<{ statusCode: number; body: string }>;
    expect(health!.statusCode).toBe(200);
    expect(JSON.parse(health!.body)).toEqual({ status: 'ok' });
    expect(unmatched!.statusCode).toBe(404);
    expect(JSON.parse(unmatched!.body).error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('HTTP API', () => {
  const deployedSpecs = () => DOMAIN_APIS.flatMap((api) => Object.values(api.routes)).filter((s) => !s.localOnly);

  it('has one route per deployed RouteSpec (plus the per-method /{proxy+} 404 fallbacks), and no /dev route at all', () => {
    const keys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string);
    expect(keys.filter((k) => !k.endsWith(' /{proxy+}')).sort()).toEqual(deployedSpecs().map((s) => `${s.method} ${s.path}`).sort());
    expect(keys.filter((k) => k.endsWith(' /{proxy+}')).sort()).toEqual(['DELETE /{proxy+}', 'GET /{proxy+}', 'POST /{proxy+}', 'PUT /{proxy+}']);
    // The local-only route exists in the specs (so this check is not vacuous) and never here.
    expect(DOMAIN_APIS.some((a) => Object.values(a.routes).some((s) => s.localOnly && s.path.startsWith('/dev/')))).toBe(true);
    expect(keys.filter((k) => /^\/dev(\/|$)/.test(k.split(' ')[1] ?? ''))).toEqual([]);
  });

  it('every non-public route goes through the Lambda authorizer; public routes have none', () => {
    const [[authorizerId, authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer') as unknown as [[string, { Properties: Record<string, unknown> }]];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
    });
    // No identity source: API Gateway must not answer 401 by itself (the handler's envelope does).
    expect(authorizer.Properties.IdentitySource).toBeUndefined();
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(logicalId(stack.authorizerFunction.fn));
    const byKey = new Map(ofType('AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey as string, r.Properties]));
    for (const spec of deployedSpecs()) {
      const r = byKey.get(`${spec.method} ${spec.path}`)!;
      if (spec.auth === 'public') {
        expect(r.AuthorizerId, spec.path).toBeUndefined();
        expect(r.AuthorizationType ?? 'NONE', spec.path).toBe('NONE');
      } else {
        expect(r, `${spec.method} ${spec.path}`).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
      }
    }
  });

  it('the stage throttles by default and writes JSON access logs to a retained log group', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
    const [, stageRes] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stageRes.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stageRes.Properties.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
    expect(() => JSON.parse(stageRes.Properties.AccessLogSettings.Format)).not.toThrow();
  });

  it('the public case-status lookup has its own tighter throttle, after its route exists', () => {
    const [stageId, stageRes] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stageRes.Properties.RouteSettings['GET /public/case-status']).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    const routeId = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === 'GET /public/case-status')![0];
    expect([stageRes.DependsOn ?? []].flat()).toContain(routeId);
    expect(stageId).toBeDefined();
  });

  it('CORS is off unless origins are configured, and then limited to them', () => {
    expect(resource(logicalId(stack.api)).Properties.CorsConfiguration).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'jjb-cdk-cors-'));
    try {
      // No bundling needed to read the API's CORS block: skip it for this second synthesis.
      const { stack: s } = buildApp({ outdir: dir, context: { corsOrigins: 'https://jjb.example.cn, https://ops.example.cn', 'aws:cdk:bundling-stacks': [] } });
      const api = Template.fromStack(s).findResources('AWS::ApiGatewayV2::Api');
      expect(Object.values(api)[0]!.Properties.CorsConfiguration.AllowOrigins).toEqual(['https://jjb.example.cn', 'https://ops.example.cn']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('schedules', () => {
  it('every SCHEDULES entry (a fake one included) is a Scheduler schedule in Asia/Shanghai with a DLQ, running its jobs.ts export', () => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(SCHEDULES.length + 1);
    const dlqId = logicalId(stack.jobSchedules.deadLetterQueue);
    expect(resource(dlqId).Type).toBe('AWS::SQS::Queue');
    for (const [, s] of schedules) {
      expect(s.Properties.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
      expect(s.Properties.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } });
    }
    const fake = schedules.find(([, s]) => s.Properties.ScheduleExpression === 'cron(15 3 1 * ? *)');
    expect(fake).toBeDefined();
    const jobFn = stack.jobFunction(FAKE_SCHEDULE.domain, FAKE_SCHEDULE.exportName);
    expect(fake![1].Properties.Target.Arn).toEqual({ 'Fn::GetAtt': [logicalId(jobFn.fn), 'Arn'] });
    expect(JSON.parse(fake![1].Properties.Target.Input)).toEqual({ kind: 'fake' });
    const fnProps = resource(logicalId(jobFn.fn)).Properties;
    expect(fnProps).toMatchObject({ Handler: 'index.runFakeJob', Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    // Asynchronous invocations that keep failing are kept too.
    expect(fnProps.DeadLetterConfig.TargetArn).toEqual({ 'Fn::GetAtt': [logicalId(stack.jobDeadLetters()), 'Arn'] });
  });

  it('a schedule name declared twice is refused at synth', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jjb-cdk-dup-'));
    try {
      expect(() =>
        buildApp({ outdir: dir, context: { 'aws:cdk:bundling-stacks': [] }, stack: { schedules: [FAKE_SCHEDULE, FAKE_SCHEDULE], jobsEntry: () => FAKE_JOBS } }),
      ).toThrow(/declared twice/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy-time seed', () => {
  it('bootstrap ID numbers are NoEcho parameters that reach the seed through a secret, never through the event', () => {
    for (const p of ['BootstrapSysAdminIdNumber', 'BootstrapBizAdminIdNumber']) {
      expect(templateJson.Parameters[p]).toMatchObject({ Type: 'String', NoEcho: true, AllowedPattern: BOOTSTRAP_ID_PATTERN });
    }
    const [[, seed]] = ofType('Custom::JiujinbanSeed') as unknown as [[string, { Properties: Record<string, unknown> }]];
    expect(Object.keys(seed.Properties).sort()).toEqual(['BootstrapSecretArn', 'ServiceToken']);
    const secrets = ofType('AWS::SecretsManager::Secret').map(([, s]) => JSON.stringify(s.Properties.SecretString ?? ''));
    expect(secrets.some((s) => s.includes('BootstrapSysAdminIdNumber') && s.includes('BootstrapBizAdminIdNumber'))).toBe(true);
  });

  it('the seed bundle carries the region and catalogue CSV files it reads at run time', () => {
    const seedFn = stack.node.findAll().find((c) => c.node.path === `${stack.stackName}/Seed`) as DomainFunction;
    const dir = assetDir(seedFn);
    expect(existsSync(join(dir, 'data', 'pu-county-regions.csv'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'service-catalog.csv'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'catalog-details.json'))).toBe(true);
  });
});
