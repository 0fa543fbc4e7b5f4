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
