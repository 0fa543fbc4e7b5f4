import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/stacks/build';
import type { JiujinbanStack } from '../../infra/stacks/app-stack';

/**
 * Issue 15 ("ready for operations"), asserted on synthesized templates: the default synthesis with
 * CORS origins configured and a China (cn-north-1) synthesis with a custom domain. Bundling is
 * skipped (stack.test.ts checks the bundles); cdk-nag runs on both, as in `npm run synth`.
 */
type Res = { Type: string; Properties: Record<string, any>; DependsOn?: string[] | string; DeletionPolicy?: string; Condition?: string };
interface Synth {
  stack: JiujinbanStack;
  json: { Resources: Record<string, Res>; Parameters: Record<string, any>; Outputs: Record<string, any>; Conditions?: Record<string, unknown>; Rules?: Record<string, any> };
  dir: string;
  file: string;
}
const dirs: string[] = [];
function synth(context: Record<string, unknown>, env?: { account: string; region: string }): Synth {
  const dir = mkdtempSync(join(tmpdir(), 'jjb-ops-'));
  dirs.push(dir);
  const { app, stack } = buildApp({ outdir: dir, context: { 'aws:cdk:bundling-stacks': [], ...context }, stack: env ? { env } : {} });
  app.synth();
  const file = join(dir, `${stack.stackName}.template.json`);
  return { stack, json: JSON.parse(readFileSync(file, 'utf8')), dir, file };
}
const ofType = (s: Synth, type: string) => Object.entries(s.json.Resources).filter(([, r]) => r.Type === type);

let std: Synth;
let china: Synth;
beforeAll(() => {
  // Prepare + Act: two synthesis runs (cdk-nag throws on any unacknowledged finding).
  std = synth({ corsOrigins: 'https://console.jjb.example.cn' });
  china = synth(
    { apiDomainName: 'api.jjb.example.cn', apiCertificateArn: 'arn:aws-cn:acm:cn-north-1:111111111111:certificate/abcd' },
    { account: '111111111111', region: 'cn-north-1' },
  );
}, 180_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cfnLintErrors(file: string): unknown[] {
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error('cfn-lint is not installed: install it (pip install cfn-lint)');
  const findings = JSON.parse(run.stdout || '[]') as Array<{ Level: string; Rule: { Id: string }; Message: string }>;
  return findings.filter((f) => f.Level === 'Error');
}

describe('CORS preflight, deployed', () => {
  it('no route can receive OPTIONS: no $default, no ANY, no OPTIONS route; CORS answers preflights for the configured origins', () => {
    // Assess
    const keys = ofType(std, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string);
    expect(keys.length).toBeGreaterThan(50);
    expect(keys).not.toContain('$default');
    expect(keys.filter((k) => k.startsWith('ANY ') || k.startsWith('OPTIONS '))).toEqual([]);
    expect(keys).toEqual(expect.arrayContaining(['GET /{proxy+}', 'POST /{proxy+}', 'PUT /{proxy+}', 'DELETE /{proxy+}']));
    const [[, api]] = ofType(std, 'AWS::ApiGatewayV2::Api') as [[string, Res]];
    expect(api.Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: ['https://console.jjb.example.cn'],
      AllowHeaders: expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'x-terminal-id']),
      AllowMethods: expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']),
    });
  });
});

describe('templates', () => {
  it('cfn-lint: 0 errors for the default and the China synthesis', { timeout: 180_000 }, () => {
    expect(cfnLintErrors(std.file)).toEqual([]);
    expect(cfnLintErrors(china.file)).toEqual([]);
  });
});

/** The statements of the inline policies on a role (by the role's logical id). */
function statements(s: Synth, roleId: string): Array<{ Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, any>; Sid?: string }> {
  return ofType(s, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
const actions = (st: ReturnType<typeof statements>) => st.filter((x) => x.Effect === 'Allow').flatMap((x) => (Array.isArray(x.Action) ? x.Action : [x.Action]));
const roleOf = (s: Synth, fn: { role: { node: { defaultChild?: unknown } } }) => s.stack.getLogicalId(fn.role.node.defaultChild as never);
const idOf = (s: Synth, c: { node: { defaultChild?: unknown } }) => s.stack.getLogicalId(c.node.defaultChild as never);

/** One row per function: what its role may do (printed for the operations note). */
export function grantsTable(s: Synth): Record<string, string> {
  const fns = { ...s.stack.functions, authorizer: s.stack.authorizerFunction };
  const piiKey = idOf(s, s.stack.piiKey);
  const row: Record<string, string> = {};
  for (const [name, fn] of Object.entries(fns)) {
    const st = statements(s, roleOf(s, fn));
    const a = actions(st);
    const text = (x: unknown) => JSON.stringify(x);
    const writes = a.filter((x) => ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(x));
    const scoped = st.some((x) => x.Condition?.['ForAllValues:StringLike']);
    row[name] = [
      a.some((x) => x.startsWith('dynamodb:')) ? `table ${writes.length ? (scoped ? `read + ${writes.join('/')} on SESSION#` : 'read/write') : 'read'}` : 'no table',
      st.some((x) => x.Effect === 'Allow' && text(x.Resource).includes(piiKey)) ? 'PII key' : '',
      st.some((x) => text(x.Resource).includes(idOf(s, s.stack.sessionKeys))) ? 'session keys' : '',
      st.some((x) => text(x.Resource).includes(idOf(s, s.stack.blindIndexKey))) ? 'blind-index key' : '',
      st.some((x) => x.Effect === 'Deny') ? 'Deny log edits' : '',
    ].filter(Boolean).join(', ');
  }
  return row;
}

describe('least privilege per function', () => {
  it('catalog holds no KMS key and no secret; problems, points, calendar, reports neither', () => {
    for (const domain of ['catalog', 'problems', 'points', 'calendar', 'reports', 'platform']) {
      const st = statements(std, roleOf(std, std.stack.functions[domain]!));
      const text = JSON.stringify(st.filter((x) => x.Effect === 'Allow'));
      expect(text, domain).not.toContain(idOf(std, std.stack.piiKey));
      expect(actions(st).filter((a) => a.startsWith('secretsmanager:')), domain).toEqual([]);
      const env = std.json.Resources[idOf(std, std.stack.functions[domain]!.fn)]!.Properties.Environment.Variables;
      expect(Object.keys(env).filter((k) => /SECRET|KMS/.test(k)), domain).toEqual([]);
    }
  });

  it('the authorizer reads (Get/BatchGet) and updates only session partitions; session keys only', () => {
    const st = statements(std, roleOf(std, std.stack.authorizerFunction));
    const table = idOf(std, std.stack.table);
    const onTable = st.filter((x) => x.Effect === 'Allow' && JSON.stringify(x.Resource).includes(table) && JSON.stringify(x.Action).includes('dynamodb:'));
    expect(onTable.flatMap((x) => x.Action).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']);
    const update = onTable.find((x) => x.Action === 'dynamodb:UpdateItem' || (Array.isArray(x.Action) && x.Action.includes('dynamodb:UpdateItem')))!;
    expect(update.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SESSION#*'] } });
    expect(JSON.stringify(st)).not.toContain(idOf(std, std.stack.piiKey));
    expect(JSON.stringify(st)).not.toContain(idOf(std, std.stack.blindIndexKey));
    expect(JSON.stringify(st)).toContain(idOf(std, std.stack.sessionKeys));
  });

  it('cases and accounts seal and look people up: PII key and blind-index key, never the session keys', () => {
    for (const domain of ['cases', 'accounts']) {
      const text = JSON.stringify(statements(std, roleOf(std, std.stack.functions[domain]!)));
      expect(text, domain).toContain(idOf(std, std.stack.piiKey));
      expect(text, domain).toContain(idOf(std, std.stack.blindIndexKey));
      expect(text, domain).not.toContain(idOf(std, std.stack.sessionKeys));
    }
  });

  it('every role that may write the table is denied Update/Delete/BatchWrite on operation-log partitions', () => {
    const writers = [...Object.values(std.stack.functions), std.stack.authorizerFunction].filter((fn) =>
      actions(statements(std, roleOf(std, fn))).some((a) => a === 'dynamodb:PutItem' || a === 'dynamodb:UpdateItem'),
    );
    expect(writers.length).toBeGreaterThan(5);
    for (const fn of writers) {
      const deny = statements(std, roleOf(std, fn)).find((x) => x.Effect === 'Deny');
      expect(deny, fn.node.path).toMatchObject({
        Action: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['LOG#*'] } },
      });
    }
  });

  it('kms:ViaService is partition-correct: the China synthesis names dynamodb.cn-north-1.amazonaws.com.cn', () => {
    const st = statements(china, roleOf(china, china.stack.functions.cases!));
    const via = st.find((x) => x.Condition?.StringEquals?.['kms:ViaService'] && JSON.stringify(x.Resource).includes(idOf(china, china.stack.tableKey)))!;
    expect(via.Condition!.StringEquals['kms:ViaService']).toContain('dynamodb.cn-north-1.amazonaws.com.cn');
  });

  it('prints the grants per function', () => {
    const t = grantsTable(std);
    console.log(Object.entries(t).map(([k, v]) => `${k.padEnd(12)} ${v}`).join('\n'));
    expect(t.catalog).toBe('table read/write, Deny log edits');
  });
});

describe('customer-managed keys', () => {
  it('secrets, queues, log groups and the report bucket are encrypted with the rotating ops CMK', () => {
    const ops = idOf(std, std.stack.opsKey);
    expect(std.json.Resources[ops]!.Properties.EnableKeyRotation).toBe(true);
    for (const [, sec] of ofType(std, 'AWS::SecretsManager::Secret')) expect(sec.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [ops, 'Arn'] });
    for (const [id, q] of ofType(std, 'AWS::SQS::Queue')) expect(q.Properties.KmsMasterKeyId, id).toEqual({ 'Fn::GetAtt': [ops, 'Arn'] });
    for (const [id, lg] of ofType(std, 'AWS::Logs::LogGroup')) if (!id.startsWith('ParameterCheck')) expect(lg.Properties.KmsKeyId, id).toEqual({ 'Fn::GetAtt': [ops, 'Arn'] });
    const bucket = std.json.Resources[idOf(std, std.stack.reportFiles)]!;
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [ops, 'Arn'] } },
    });
  });

  it('the session keys rotate every 30 days; the blind-index key does not', () => {
    const [[, rot]] = ofType(std, 'AWS::SecretsManager::RotationSchedule') as [[string, Res]];
    expect(rot.Properties.SecretId).toEqual({ Ref: idOf(std, std.stack.sessionKeys) });
    expect(rot.Properties.RotationRules).toMatchObject({ ScheduleExpression: 'rate(30 days)' });
  });
});

describe('China regions and deploy parameters', () => {
  it('an optional custom domain: DomainName + ApiMapping only when ApiDomainName is given, with its DNS target as output', () => {
    const [[, domain]] = ofType(china, 'AWS::ApiGatewayV2::DomainName') as [[string, Res]];
    const [[, mapping]] = ofType(china, 'AWS::ApiGatewayV2::ApiMapping') as [[string, Res]];
    expect(domain.Condition).toBe('HasApiDomain');
    expect(mapping.Condition).toBe('HasApiDomain');
    expect(domain.Properties).toMatchObject({ DomainName: { Ref: 'ApiDomainName' }, DomainNameConfigurations: [{ CertificateArn: { Ref: 'ApiCertificateArn' }, EndpointType: 'REGIONAL' }] });
    expect(china.json.Conditions!.HasApiDomain).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ApiDomainName' }, ''] }] });
    expect(china.json.Parameters.ApiDomainName.Default).toBe('');
    expect(china.json.Outputs.ApiDomainTarget.Condition).toBe('HasApiDomain');
  });

  it('parameters are checked before anything is created: rules, then a check that every resource waits for', () => {
    // Rules: two different admins; both or neither of the custom-domain pair.
    expect(Object.values(std.json.Rules!.BootstrapAdminsDiffer.Assertions)).toHaveLength(2);
    const checkId = ofType(std, 'Custom::JiujinbanParameterCheck')[0]![0];
    const check = std.json.Resources[checkId]!;
    expect(Object.keys(check.Properties).sort()).toEqual(['ApiCertificateArn', 'ApiDomainName', 'BootstrapBizAdminIdNumber', 'BootstrapSysAdminIdNumber', 'EsscJwks', 'ServiceToken']);
    const own = new Set(std.stack.node.findChild('ParameterCheck').node.findAll().map((c) => (c.node.defaultChild ?? c) as never).map((c) => { try { return std.stack.getLogicalId(c); } catch { return ''; } }));
    const retained = Object.entries(std.json.Resources).filter(([, r]) => r.DeletionPolicy === 'Retain');
    expect(retained.length).toBeGreaterThan(5);
    for (const [id, r] of Object.entries(std.json.Resources)) {
      if (own.has(id) || r.Type === 'AWS::CDK::Metadata') continue;
      const deps = Array.isArray(r.DependsOn) ? r.DependsOn : r.DependsOn ? [r.DependsOn] : [];
      expect(deps, id).toContain(checkId);
    }
    // Nothing of the check itself is retained: a failed first deployment leaves nothing behind.
    for (const id of own) if (id && std.json.Resources[id]) expect(std.json.Resources[id]!.DeletionPolicy, id).not.toBe('Retain');
  });
});

describe('ops can see and act', () => {
  it('every alarm of the issue exists and notifies the SNS topic (on alarm and on recovery)', () => {
    const topic = idOf(std, std.stack.operations.topic);
    const alarms = ofType(std, 'AWS::CloudWatch::Alarm');
    for (const [id, a] of alarms) expect(a.Properties.AlarmActions, id).toEqual([{ Ref: topic }]);
    const names = std.stack.operations.alarms.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['Api5xxRate', 'ApiLatencyP99', 'AuthorizerErrors', 'JobsDeadLetters', 'SchedulesDeadLetters', 'EscalationExecutionsFailed', 'EscalationExecutionsTimedOut', 'SchedulerTargetErrors', 'TableThrottles', 'TableSystemErrors']));
    for (const domain of Object.keys(std.stack.functions)) expect(names).toEqual(expect.arrayContaining([`${domain}Errors`, `${domain}Throttles`]));
    console.log(`${alarms.length} alarms:\n${names.join('\n')}`);
  });

  it('alarm subscriptions are parameters (email, SMS), created only when given', () => {
    const subs = ofType(std, 'AWS::SNS::Subscription');
    expect(subs.map(([, s]) => [s.Properties.Protocol, s.Condition]).sort()).toEqual([['email', 'HasAlarmEmail'], ['sms', 'HasAlarmSms']]);
    expect(std.json.Parameters.AlarmEmail.Default).toBe('');
  });

  it('a dashboard with the figures and the business metrics; a daily (35 d) and monthly (1 year) backup of the table', () => {
    const [[, dash]] = ofType(std, 'AWS::CloudWatch::Dashboard') as [[string, Res]];
    const body = JSON.stringify(dash.Properties.DashboardBody);
    for (const m of ['CasesAccepted', 'ProblemsEscalated', 'FailedLogins', 'Freezes', 'Latency', 'ApproximateNumberOfMessagesVisible']) expect(body).toContain(m);
    const [[, plan]] = ofType(std, 'AWS::Backup::BackupPlan') as [[string, Res]];
    const rules = plan.Properties.BackupPlan.BackupPlanRule as Array<{ RuleName: string; Lifecycle: { DeleteAfterDays: number } }>;
    expect(rules.map((r) => [r.RuleName, r.Lifecycle.DeleteAfterDays])).toEqual([['Daily', 35], ['Monthly', 366]]);
    const [[, sel]] = ofType(std, 'AWS::Backup::BackupSelection') as [[string, Res]];
    expect(JSON.stringify(sel.Properties.BackupSelection.Resources)).toContain(idOf(std, std.stack.table));
  });

  it('escalation: task timeout above the function timeout, an execution time limit, and timed-out executions marked flowFailed', () => {
    const [[, sm]] = ofType(std, 'AWS::StepFunctions::StateMachine') as [[string, Res]];
    const def = JSON.stringify(sm.Properties.DefinitionString);
    expect(def).toContain('\\"TimeoutSeconds\\":60');
    expect(def).toMatch(/"TimeoutSeconds\\":10368000/); // 120 days, the execution limit
    const taskFn = std.stack.jobFunction('problems', 'escalationTask');
    expect(std.json.Resources[idOf(std, taskFn.fn)]!.Properties.Timeout).toBe(50);
    const [[, rule]] = ofType(std, 'AWS::Events::Rule') as [[string, Res]];
    expect(rule.Properties.EventPattern).toMatchObject({ source: ['aws.states'], detail: { status: ['TIMED_OUT', 'ABORTED'] } });
    expect(JSON.stringify(rule.Properties.Targets)).toContain(idOf(std, std.stack.jobFunction('problems', 'escalationEnded').fn));
  });

  it('outputs: state machine, dead-letter queues, alarm topic, dashboard, API URL', () => {
    expect(Object.keys(std.json.Outputs)).toEqual(expect.arrayContaining(['EscalationStateMachineArn', 'JobDeadLetterQueueUrl', 'ScheduleDeadLetterQueueUrl', 'AlarmTopicArn', 'DashboardName', 'ApiUrl']));
  });
});

describe('operation log nobody can edit', () => {
  it('the table streams, the archive function reads only log partitions, into an Object Lock bucket in compliance mode for 6 years', () => {
    const table = std.json.Resources[idOf(std, std.stack.table)]!;
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const bucket = std.json.Resources[idOf(std, std.stack.opLogArchive)]!;
    expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    expect(bucket.Properties.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 6 * 366 } } });
    expect(bucket.DeletionPolicy).toBe('Retain');
    const [[, mapping]] = ofType(std, 'AWS::Lambda::EventSourceMapping') as [[string, Res]];
    expect(mapping.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], BisectBatchOnFunctionError: true });
    expect(JSON.parse(mapping.Properties.FilterCriteria.Filters[0].Pattern)).toEqual({ dynamodb: { Keys: { pk: { S: [{ prefix: 'LOG#' }] } } } });
  });
});
