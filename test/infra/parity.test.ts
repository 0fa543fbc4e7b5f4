import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN_APIS } from '../../functions/routes';
import { handler as platformHandler } from '../../functions/platform/handler';
import { config, loadConfig } from '../../shared/config';
import { routeKey } from '../../shared/http/route';
import { errorReply } from '../../shared/http/pipeline';
import { PayloadTooLarge } from '../../shared/http/errors';
import { buildApp } from '../../infra/stacks/build';
import { UNMATCHED_METHODS, type JiujinbanStack } from '../../infra/stacks/app-stack';
import { startLocalApi, type LocalApi } from '../../infra/local/server';
import { UNMATCHED_METHODS as LOCAL_UNMATCHED_METHODS, CORS_PREFLIGHT, DOMAIN_FUNCTION_TIMEOUT_SECONDS, LAMBDA_SYNC_PAYLOAD_BYTES } from '../../infra/local/gateway';
import { prepareTable } from '../helpers/table';

/**
 * The laptop answers as the deployed API does: the local server's routes, authorizer, catch-all,
 * CORS, payload limit and headers, compared with one synthesis of the real stack (bundling
 * skipped: only the template's API shape matters here), and with the deployed functions' own
 * answers where API Gateway hands a request on.
 */
const ORIGIN = 'https://console.jiujinban.example';
const OTHER_ORIGIN = 'https://elsewhere.example';

type Resource = { Type: string; Properties: Record<string, any> };
let stack: JiujinbanStack;
let resources: Record<string, Resource>;
let outdir: string;
let api: LocalApi;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);

beforeAll(async () => {
  // Prepare: the real app with a console origin, without bundling; the local server with the same origin.
  outdir = mkdtempSync(join(tmpdir(), 'jjb-parity-'));
  const built = buildApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] }, stack: { corsOrigins: [ORIGIN] } });
  stack = built.stack;
  built.app.synth();
  resources = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf8')).Resources;
  await prepareTable();
  api = await startLocalApi({ port: 0, corsOrigins: [ORIGIN] });
}, 180_000);

afterAll(async () => {
  await api?.close();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** The deployed routes: key → authorization type and the domain whose function is the target. */
function deployedRoutes(): Map<string, { auth: string; domain?: string }> {
  const integrationDomain = new Map<string, string>();
  for (const [id, r] of ofType('AWS::ApiGatewayV2::Integration')) {
    const fnId = (r.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const domain = Object.entries(stack.functions).find(([, f]) => logicalId(f.fn) === fnId)?.[0];
    if (domain) integrationDomain.set(id, domain);
  }
  const out = new Map<string, { auth: string; domain?: string }>();
  for (const [, r] of ofType('AWS::ApiGatewayV2::Route')) {
    const target = JSON.stringify(r.Properties.Target ?? '');
    const integration = [...integrationDomain.keys()].find((id) => target.includes(`"${id}"`));
    out.set(r.Properties.RouteKey as string, { auth: r.Properties.AuthorizationType as string, domain: integration && integrationDomain.get(integration) });
  }
  return out;
}

/** What the local server serves: every route of every domain, with its authorizer or not. */
function localRoutes(): Map<string, { auth: string; domain: string; localOnly: boolean }> {
  const out = new Map<string, { auth: string; domain: string; localOnly: boolean }>();
  for (const d of DOMAIN_APIS) {
    for (const spec of Object.values(d.routes)) out.set(routeKey(spec), { auth: spec.auth === 'public' ? 'NONE' : 'CUSTOM', domain: d.domain, localOnly: !!spec.localOnly });
  }
  return out;
}

function call(method: string, path: string, opts: { headers?: Record<string, string>; body?: Buffer | string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string>; text: string }>((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // A server that answers before it has read everything may close the socket under us.
    req.on('error', (err) => reject(err));
    req.end(opts.body);
  });
}

/** The platform function's answer to a request API Gateway sends to the $default route. */
async function catchAllAnswer(method: string, path: string): Promise<APIGatewayProxyStructuredResultV2> {
  const event = {
    version: '2.0',
    routeKey: `${method} /{proxy+}`,
    rawPath: path,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { requestId: 'parity', routeKey: `${method} /{proxy+}`, stage: '$default', http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'parity' }, timeEpoch: 0 },
  } as unknown as APIGatewayProxyEventV2;
  return platformHandler(event, { awsRequestId: 'parity', getRemainingTimeInMillis: () => 10_000 } as Context);
}

/** The headers the deployed function puts on every JSON reply, from its answer to GET /health. */
async function functionHeaders(): Promise<Record<string, string>> {
  const r = await catchAllAnswer('GET', '/nowhere');
  return r.headers as Record<string, string>;
}

const samplePath = (path: string) => path.replace(/\{(\w+)\+?\}/g, 'X0000000000000000000000001');

describe('routes and settings: the local server against the synthesized template', () => {
  it('serves exactly the deployed routes (plus the local-only ones), to the same domain, behind the authorizer on every non-public one', () => {
    const deployed = deployedRoutes();
    const local = localRoutes();
    // The not-found fallback: one greedy route per method (never $default/ANY, which would take preflights).
    expect([...LOCAL_UNMATCHED_METHODS]).toEqual([...UNMATCHED_METHODS]);
    const catchAll = UNMATCHED_METHODS.map((m) => `${m} /{proxy+}`);
    for (const key of catchAll) expect(deployed.get(key), key).toEqual({ auth: 'NONE', domain: 'platform' });
    expect(deployed.has('$default')).toBe(false);
    for (const [key, l] of local) {
      if (l.localOnly) {
        expect(deployed.has(key), `${key} is local-only but deployed`).toBe(false);
        continue;
      }
      expect(deployed.get(key), key).toEqual({ auth: l.auth, domain: l.domain });
    }
    // Nothing deployed that the laptop lacks (the catch-all and any preflight route aside).
    const extra = [...deployed.keys()].filter((k) => !catchAll.includes(k) && !k.startsWith('OPTIONS ') && !local.has(k));
    expect(extra).toEqual([]);
  });

  it('uses one request authorizer with simple responses, no identity source and no caching, as the local server calls it on every request', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [, a] = authorizers[0]!;
    expect(a.Properties).toMatchObject({ AuthorizerType: 'REQUEST', EnableSimpleResponses: true, AuthorizerResultTtlInSeconds: 0, AuthorizerPayloadFormatVersion: '2.0' });
    expect(a.Properties.IdentitySource).toBeUndefined();
    for (const [, r] of ofType('AWS::ApiGatewayV2::Integration')) expect(r.Properties.PayloadFormatVersion).toBe('2.0');
  });

  it('has the CORS configuration of infra/local/gateway.ts', () => {
    const [[, httpApi]] = ofType('AWS::ApiGatewayV2::Api') as [[string, Resource]];
    const c = httpApi.Properties.CorsConfiguration;
    expect(c.AllowOrigins).toEqual([ORIGIN]);
    expect([...c.AllowMethods].sort()).toEqual([...CORS_PREFLIGHT.allowMethods].sort());
    expect([...c.AllowHeaders].sort()).toEqual([...CORS_PREFLIGHT.allowHeaders].sort());
    expect(c.MaxAge).toBe(CORS_PREFLIGHT.maxAgeSeconds);
    expect(c.AllowCredentials ?? false).toBe(false);
    expect(c.ExposeHeaders ?? []).toEqual([]);
  });

  it('gives the domain functions the payload limit and the timeout the local server applies', () => {
    for (const [domain, f] of Object.entries(stack.functions)) {
      const props = resources[logicalId(f.fn)]!.Properties;
      expect(props.Timeout, domain).toBe(DOMAIN_FUNCTION_TIMEOUT_SECONDS);
      const env = Object.fromEntries(Object.entries(props.Environment?.Variables ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : 'resolved-at-deploy']));
      expect(loadConfig(env).maxBodyBytes, domain).toBe(config().maxBodyBytes);
    }
  });
});

describe('answers: the local server against what API Gateway and the deployed functions answer', () => {
  it('answers a known path with a wrong method as the fallback routes do: the platform function’s 404 envelope', async () => {
    const methods = ['GET', 'POST', 'PUT', 'DELETE'];
    const byPath = new Map<string, Set<string>>();
    for (const key of deployedRoutes().keys()) {
      if (key.endsWith(' /{proxy+}') || key.startsWith('OPTIONS ')) continue;
      const [method, path] = key.split(' ') as [string, string];
      byPath.set(path, (byPath.get(path) ?? new Set()).add(method));
    }
    let checked = 0;
    for (const [path, used] of byPath) {
      const wrong = methods.find((m) => !used.has(m))!;
      const expected = await catchAllAnswer(wrong, samplePath(path));
      const got = await call(wrong, samplePath(path));
      expect({ route: `${wrong} ${path}`, status: got.status, body: got.text }).toEqual({ route: `${wrong} ${path}`, status: expected.statusCode, body: expected.body });
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('answers a preflight as corsPreflight does: the configured lists for a configured origin, a bare 204 for another', async () => {
    const allowed = await call('OPTIONS', '/cases', { headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const other = await call('OPTIONS', '/cases', { headers: { origin: OTHER_ORIGIN, 'access-control-request-method': 'POST' } });
    const notPreflight = await call('OPTIONS', '/cases', { headers: { origin: ORIGIN } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(allowed.headers['access-control-allow-methods']!.split(',').sort()).toEqual([...CORS_PREFLIGHT.allowMethods].sort());
    expect(allowed.headers['access-control-allow-headers']!.split(',').sort()).toEqual([...CORS_PREFLIGHT.allowHeaders].sort());
    expect(allowed.headers['access-control-max-age']).toBe('3600');
    expect(other.status).toBe(204);
    expect(Object.keys(other.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    // An OPTIONS that is no preflight: no route (not even a fallback) has OPTIONS, so API Gateway's own 404.
    expect(notPreflight.status).toBe(404);
    expect(JSON.parse(notPreflight.text)).toEqual({ message: 'Not Found' });
  });

  it('puts the function’s headers and API Gateway’s own on every reply: 200, 401, 404, 400 and both 413s', async () => {
    const expected = await functionHeaders();
    const replies = {
      ok: await call('GET', '/health', { headers: { origin: ORIGIN } }),
      unauthorized: await call('GET', '/me', { headers: { origin: ORIGIN } }),
      notFound: await call('GET', '/nowhere', { headers: { origin: ORIGIN } }),
      badJson: await call('POST', '/dev/card-scan', { headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: '{"sessionId":' }),
      tooLargeForTheApp: await call('POST', '/dev/card-scan', { headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: 'x'.repeat(70_000) }) }),
      tooLargeForLambda: await call('POST', '/dev/card-scan', { headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: Buffer.alloc(LAMBDA_SYNC_PAYLOAD_BYTES + 1, 0x20) }),
    };
    expect(Object.fromEntries(Object.entries(replies).map(([k, r]) => [k, r.status]))).toEqual({ ok: 200, unauthorized: 401, notFound: 404, badJson: 400, tooLargeForTheApp: 413, tooLargeForLambda: 413 });
    for (const [name, r] of Object.entries(replies)) {
      for (const [h, v] of Object.entries(expected)) expect(r.headers[h], `${name}: ${h}`).toBe(v);
      expect(r.headers['apigw-requestid'], name).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.headers['access-control-allow-origin'], name).toBe(ORIGIN);
      // Allow-Methods and Allow-Headers belong to the preflight only.
      expect(r.headers['access-control-allow-methods'], name).toBeUndefined();
    }
    // Both 413s carry the pipeline's envelope: the app's limit, whoever refused the body.
    const envelope = errorReply(new PayloadTooLarge(config().maxBodyBytes)).body;
    expect(replies.tooLargeForTheApp.text).toBe(envelope);
    expect(replies.tooLargeForLambda.text).toBe(envelope);
    // A reply for another origin carries no CORS header.
    const other = await call('GET', '/health', { headers: { origin: OTHER_ORIGIN } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
