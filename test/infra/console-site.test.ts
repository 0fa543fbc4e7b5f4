import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/stacks/build';

/**
 * The hosted console (infra/constructs/console-site.ts) on a stand-in build (a temporary folder
 * with an index.html; the real one is web/dist): private bucket, OAI, HTTPS only, security
 * headers, SPA fallback, config.json from the deploy, the ConsoleUrl output; cdk-nag runs.
 */
type Res = { Type: string; Properties: Record<string, any> };
let dir: string;
let web: string;
let json: { Resources: Record<string, Res>; Outputs: Record<string, any> };
let file: string;
const ofType = (type: string) => Object.values(json.Resources).filter((r) => r.Type === type);

beforeAll(() => {
  // Prepare: a stand-in console build
  web = mkdtempSync(join(tmpdir(), 'jjb-web-'));
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><html lang="zh-CN"><title>就近办</title><script type="module" src="/assets/app.js"></script></html>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  dir = mkdtempSync(join(tmpdir(), 'jjb-console-'));
  // Act
  const { app, stack } = buildApp({ outdir: dir, context: { 'aws:cdk:bundling-stacks': [] }, stack: { consoleAssetDir: web } });
  app.synth();
  file = join(dir, `${stack.stackName}.template.json`);
  json = JSON.parse(readFileSync(file, 'utf8'));
}, 300_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(web, { recursive: true, force: true });
});

describe('console site', () => {
  it('CloudFront reads a private bucket through an origin access identity, HTTPS only, SPA fallback to index.html', () => {
    const [dist] = ofType('AWS::CloudFront::Distribution');
    const cfg = dist!.Properties.DistributionConfig;
    expect(cfg.DefaultRootObject).toBe('index.html');
    expect(cfg.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
    expect(cfg.Origins[0].S3OriginConfig.OriginAccessIdentity).toBeDefined();
    expect(JSON.stringify(cfg)).not.toContain('OriginAccessControlId');
    expect(cfg.CustomErrorResponses).toEqual(
      expect.arrayContaining([403, 404].map((c) => expect.objectContaining({ ErrorCode: c, ResponseCode: 200, ResponsePagePath: '/index.html' }))),
    );
    expect(ofType('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toHaveLength(1);
    const files = Object.entries(json.Resources).find(([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('ConsoleFiles'))![1];
    expect(files.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  });

  it('security headers: CSP without inline scripts and with frame-ancestors none, HSTS, frame DENY', () => {
    const [policy] = ofType('AWS::CloudFront::ResponseHeadersPolicy');
    const sec = policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(sec.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('connect-src');
    expect(sec.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true });
    expect(sec.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
  });

  it('the API origin is decided at deploy time: config.json written by the deployment, the URL as an output', () => {
    const [deploy] = ofType('Custom::CDKBucketDeployment');
    expect(deploy!.Properties.SourceObjectKeys).toHaveLength(2); // the build and config.json
    // config.json's apiBaseUrl: the custom API domain when given, else the execute-api endpoint.
    const markers = JSON.stringify(deploy!.Properties.SourceMarkers);
    expect(markers).toContain('"Fn::If":["HasApiDomain"');
    expect(markers).toContain('"ApiEndpoint"');
    expect(json.Outputs.ConsoleUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^ConsoleDistribution/), 'DomainName'] }]] });
  });

  it('cfn-lint: 0 errors', { timeout: 180_000 }, () => {
    const run = spawnSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const findings = JSON.parse(run.stdout || '[]') as Array<{ Level: string }>;
    expect(findings.filter((f) => f.Level === 'Error')).toEqual([]);
  });
});
