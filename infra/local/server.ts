import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DOMAIN_APIS } from '../../functions/routes';
import { routeKey, type RouteSpec } from '../../shared/http/route';
import { config } from '../../shared/config';
import { handler as authorizer } from '../../functions/auth/authorizer';
import { asUnavailable } from '../../shared/http/unavailable';
import { errorReply } from '../../shared/http/pipeline';

/**
 * The laptop's API Gateway: each HTTP request becomes the HTTP API payload 2.0 event that the
 * deployed Lambda receives, goes through the same authorizer and reaches the same handler export.
 */
type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

interface CompiledRoute {
  spec: RouteSpec;
  domain: string;
  regex: RegExp;
  names: string[];
}

export function compileRoutes(): CompiledRoute[] {
  const out: CompiledRoute[] = [];
  for (const api of DOMAIN_APIS) {
    for (const spec of Object.values(api.routes)) {
      const names: string[] = [];
      const pattern = spec.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, n: string) => {
        names.push(n);
        return '([^/]+)';
      });
      out.push({ spec, domain: api.domain, regex: new RegExp(`^${pattern}$`), names });
    }
  }
  // Literal segments win over parameters (e.g. /accounts/audit before /accounts/{id}).
  return out.sort((a, b) => a.names.length - b.names.length);
}

const handlers = new Map<string, Promise<LambdaHandler>>();
function handlerOf(domain: string): Promise<LambdaHandler> {
  let h = handlers.get(domain);
  if (!h) {
    h = import(`../../functions/${domain}/handler.ts`).then((m: { handler: LambdaHandler }) => m.handler);
    handlers.set(domain, h);
  }
  return h;
}

function lambdaContext(requestId: string, domain: string): Context {
  return {
    awsRequestId: requestId,
    functionName: `local-${domain}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${domain}`,
    memoryLimitInMB: '512',
    logGroupName: `/local/${domain}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function envelope(status: number, code: string, message: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ error: { code, message } }) };
}

/** Past this much, an oversized body is not drained but the connection cut after the 413. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * The body, or 'too_large'. An oversized body is read to its end without keeping it (up to
 * DRAIN_LIMIT_BYTES): leaving the loop early would destroy the socket while the client is
 * still sending, and the client would see a reset instead of the 413.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > DRAIN_LIMIT_BYTES) return 'too_large';
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? 'too_large' : Buffer.concat(chunks);
}

export interface LocalApi {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function dispatch(req: IncomingMessage, body: Buffer, routes: CompiledRoute[]): Promise<APIGatewayProxyStructuredResultV2> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return envelope(400, 'INVALID_INPUT', '路径编码无效');
  }
  const candidates = routes.filter((r) => r.regex.test(url.pathname));
  const match = candidates.find((r) => r.spec.method === method);
  if (!match) {
    return candidates.length > 0 ? envelope(405, 'METHOD_NOT_ALLOWED', '不支持的请求方法') : envelope(404, 'ROUTE_NOT_FOUND', '没有这个接口');
  }
  if (match.spec.localOnly && !config().localMode) return envelope(404, 'ROUTE_NOT_FOUND', '没有这个接口');
  const values = match.regex.exec(url.pathname)!.slice(1);
  const pathParameters: Record<string, string> = {};
  try {
    match.names.forEach((n, i) => (pathParameters[n] = decodeURIComponent(values[i]!)));
  } catch {
    return envelope(400, 'INVALID_INPUT', '路径参数编码无效');
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const requestId = randomUUID();
  const now = new Date();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: routeKey(match.spec),
    rawPath: path,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(match.names.length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: routeKey(match.spec),
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
  };
  if (match.spec.auth !== 'public') {
    // The same authorizer export, with the HTTP API request-authorizer event shape.
    const verdict = await authorizer({
      version: '2.0',
      type: 'REQUEST',
      routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${method}${match.spec.path}`,
      identitySource: [headers.authorization ?? ''],
      routeKey: routeKey(match.spec),
      rawPath: path,
      rawQueryString: event.rawQueryString,
      headers,
      requestContext: event.requestContext,
      ...(match.names.length ? { pathParameters } : {}),
    } as never);
    if (!verdict.isAuthorized) return envelope(403, 'FORBIDDEN', 'Forbidden');
    (event.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: verdict.context };
  }
  const handler = await handlerOf(match.domain);
  return handler(event, lambdaContext(requestId, match.domain));
}

export async function startLocalApi(opts: { port: number; host?: string; corsOrigins?: string[] }): Promise<LocalApi> {
  const routes = compileRoutes();
  const limit = config().maxBodyBytes;
  const cors = new Set(opts.corsOrigins ?? config().corsOrigins);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    const corsHeaders: Record<string, string> =
      origin && cors.has(origin)
        ? {
            'access-control-allow-origin': origin,
            'access-control-allow-headers': 'authorization,content-type,idempotency-key,x-terminal-id',
            'access-control-allow-methods': 'GET,POST,PUT,DELETE',
            vary: 'origin',
          }
        : {};
    const send = (r: APIGatewayProxyStructuredResultV2) => {
      const payload = r.isBase64Encoded ? Buffer.from(r.body ?? '', 'base64') : Buffer.from(r.body ?? '', 'utf8');
      res.writeHead(r.statusCode ?? 200, { ...(r.headers as Record<string, string>), ...corsHeaders, 'content-length': payload.length });
      res.end(payload);
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(corsHeaders['access-control-allow-origin'] ? 204 : 403, corsHeaders);
      res.end();
      return;
    }
    readBody(req, limit)
      .then((body) => {
        if (body === 'too_large') {
          // Reply, then close the connection cleanly: nothing of this request is left on the
          // socket for the next request on it to trip over.
          const r = envelope(413, 'PAYLOAD_TOO_LARGE', `请求体超过 ${limit} 字节`);
          send({ ...r, headers: { ...(r.headers as Record<string, string>), connection: 'close' } });
          return;
        }
        return dispatch(req, body, routes).then(send);
      })
      .catch((err: unknown) => {
        // The authorizer could not reach the table: 503 with Retry-After, as the handlers answer.
        const unavailable = asUnavailable(err);
        if (unavailable) return send(errorReply(unavailable));
        console.error('local server error', err);
        send(envelope(500, 'INTERNAL', '服务内部错误'));
      });
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    server,
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
