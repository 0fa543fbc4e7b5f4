import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DOMAIN_APIS } from '../../functions/routes';
import { routeKey, type RouteSpec } from '../../shared/http/route';
import { config } from '../../shared/config';
import { handler as authorizer } from '../../functions/auth/authorizer';
import { asUnavailable } from '../../shared/http/unavailable';
import { errorReply } from '../../shared/http/pipeline';
import { serveConsole } from './console-static';
import { AppError, PayloadTooLarge } from '../../shared/http/errors';
import {
  AUTHORIZER_DENIED,
  AUTHORIZER_FAILURE,
  GATEWAY_INTERNAL_ERROR,
  GATEWAY_NOT_FOUND,
  catchAllRouteKey,
  DOMAIN_FUNCTION_TIMEOUT_SECONDS,
  LAMBDA_SYNC_PAYLOAD_BYTES,
  corsReplyHeaders,
  isPreflight,
  preflightHeaders,
} from './gateway';

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
  const deadline = Date.now() + DOMAIN_FUNCTION_TIMEOUT_SECONDS * 1000;
  return {
    awsRequestId: requestId,
    functionName: `local-${domain}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${domain}`,
    memoryLimitInMB: '512',
    logGroupName: `/local/${domain}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A reply of the local server itself, with the pipeline's envelope and headers. */
function envelope(status: number, code: string, message: string): APIGatewayProxyStructuredResultV2 {
  return errorReply(new AppError(status, code, message));
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

export async function dispatch(req: IncomingMessage, body: Buffer, routes: CompiledRoute[], requestId: string = randomUUID()): Promise<APIGatewayProxyStructuredResultV2> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return envelope(400, 'INVALID_INPUT', '路径编码无效');
  }
  // As API Gateway routes: method and path together; anything else (a known path with another
  // method included) goes to the catch-all, i.e. the platform function's 404.
  const found = routes.find((r) => r.spec.method === method && r.regex.test(url.pathname) && !(r.spec.localOnly && !config().localMode));
  const key = found ? routeKey(found.spec) : catchAllRouteKey(method);
  if (!key) return GATEWAY_NOT_FOUND;
  // The fallback routes have no authorizer and reach the platform function.
  const domain = found?.domain ?? 'platform';
  const names = found?.names ?? [];
  const values = found ? found.regex.exec(url.pathname)!.slice(1) : [];
  const pathParameters: Record<string, string> = {};
  try {
    names.forEach((n, i) => (pathParameters[n] = decodeURIComponent(values[i]!)));
  } catch {
    return envelope(400, 'INVALID_INPUT', '路径参数编码无效');
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = new Date();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: key,
    rawPath: path,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(names.length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
  };
  if (found && found.spec.auth !== 'public') {
    // The same authorizer export, with the HTTP API request-authorizer event shape.
    const verdict = await authorizer({
      version: '2.0',
      type: 'REQUEST',
      routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${method}${found.spec.path}`,
      identitySource: [headers.authorization ?? ''],
      routeKey: key,
      rawPath: path,
      rawQueryString: event.rawQueryString,
      headers,
      requestContext: event.requestContext,
      ...(names.length ? { pathParameters } : {}),
    } as never).catch(() => undefined);
    // A failing authorizer: API Gateway answers 500 itself, the handler never runs.
    if (!verdict) return AUTHORIZER_FAILURE;
    if (!verdict.isAuthorized) return AUTHORIZER_DENIED;
    (event.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: verdict.context };
  }
  const handler = await handlerOf(domain);
  return handler(event, lambdaContext(requestId, domain));
}

export async function startLocalApi(opts: { port: number; host?: string; corsOrigins?: string[]; serveConsole?: boolean }): Promise<LocalApi> {
  const routes = compileRoutes();
  // Read up to what the deployed path lets through (Lambda's invocation payload); above the
  // app's own limit the handler's pipeline answers 413, deployed and local alike.
  const limit = LAMBDA_SYNC_PAYLOAD_BYTES;
  const cors = new Set(opts.corsOrigins ?? config().corsOrigins);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    const requestId = randomUUID();
    // API Gateway's own headers on every reply, the handler's or its own.
    const gatewayHeaders: Record<string, string> = { ...corsReplyHeaders(origin, cors), 'apigw-requestid': requestId };
    const send = (r: APIGatewayProxyStructuredResultV2) => {
      const payload = r.isBase64Encoded ? Buffer.from(r.body ?? '', 'base64') : Buffer.from(r.body ?? '', 'utf8');
      res.writeHead(r.statusCode ?? 200, { ...(r.headers as Record<string, string>), ...gatewayHeaders, 'content-length': payload.length });
      res.end(payload);
    };
    const preflight = { method: req.method ?? '', origin, requestMethod: req.headers['access-control-request-method'] as string | undefined };
    if (isPreflight(preflight, cors)) {
      res.writeHead(204, { ...preflightHeaders(origin!, cors), 'apigw-requestid': requestId });
      res.end();
      req.resume();
      return;
    }
    // The web console (web/dist) on the same port, only for paths no API route matches.
    if (opts.serveConsole && !routes.some((r) => r.regex.test(new URL(req.url ?? '/', 'http://localhost').pathname)) && serveConsole(req, res)) return;
    readBody(req, limit)
      .then((body) => {
        if (body === 'too_large') {
          // Reply, then close the connection cleanly: nothing of this request is left on the
          // socket for the next request on it to trip over.
          const r = errorReply(new PayloadTooLarge(config().maxBodyBytes));
          send({ ...r, headers: { ...(r.headers as Record<string, string>), connection: 'close' } });
          return;
        }
        return dispatch(req, body, routes, requestId).then(send);
      })
      .catch((err: unknown) => {
        // The authorizer could not reach the table: 503 with Retry-After, as the handlers answer.
        const unavailable = asUnavailable(err);
        if (unavailable) return send(errorReply(unavailable));
        console.error('local server error', err);
        send(GATEWAY_INTERNAL_ERROR);
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
