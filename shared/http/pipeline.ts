import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../log';
import { config } from '../config';
import { clock } from '../clock';
import { runInScope } from '../db/request-scope';
import { runIdempotent } from './idempotency';
import { AppError, BadRequest, Forbidden, NotFound, PayloadTooLarge, ServiceUnavailable, Unauthorized, type FieldIssue } from './errors';
import { asUnavailable } from './unavailable';
import type { Principal, RequestCtx } from './context';
import { routeKey, type DomainApi, type RouteSpec } from './route';
import { principalFromAuthorizer } from '../security/authorizer-context';
import { XLSX_TYPE, exportList, wantsXlsx, type ListPage } from './export';

// Non-distributive: an optional spec field (body?: B) must not add `| Record<string, never>` to the input type.
type Out<T> = [Exclude<T, undefined>] extends [z.ZodType] ? z.output<Exclude<T, undefined>> : Record<string, never>;

export interface HandlerInput<S extends RouteSpec> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: Out<S['body']>;
  ctx: RequestCtx;
  headers: Record<string, string>;
}
export type Impl<S extends RouteSpec> = (input: HandlerInput<S>) => Promise<unknown>;
export type Impls<R extends Record<string, RouteSpec>> = { [K in keyof R]: Impl<R[K]> };

/** A reply that is not JSON (CSV, XLSX) or needs its own status or headers. */
export class RawReply {
  constructor(
    readonly statusCode: number,
    readonly body: string | Buffer,
    readonly headers: Record<string, string> = {},
  ) {}
}

const SECURITY_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

function json(statusCode: number, body: unknown, extra: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...extra },
    body: JSON.stringify(body),
  };
}

export function errorReply(err: AppError): APIGatewayProxyStructuredResultV2 {
  return json(
    err.status,
    { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } },
    err instanceof ServiceUnavailable ? { 'retry-after': String(err.retryAfterSeconds) } : {},
  );
}

export function zodIssues(error: z.ZodError, prefix: string): FieldIssue[] {
  return error.issues.flatMap((i) => {
    const path = i.path.map(String).join('.');
    // Unknown keys name each key, not just the object that carried them.
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => ({ field: [prefix, path, k].filter(Boolean).join('.'), message: '不允许的字段' }));
    }
    return [{ field: [prefix, path].filter(Boolean).join('.'), message: i.message }];
  });
}

function parseWith<T extends z.ZodType | undefined>(schema: T, value: unknown, where: string, issues: FieldIssue[]): unknown {
  if (!schema) return {};
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  issues.push(...zodIssues(r.error, where));
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const NO_QUERY = z.strictObject({});

function rawBody(event: APIGatewayProxyEventV2): string | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  const limit = config().maxBodyBytes;
  if (bytes.length > limit) throw new PayloadTooLarge(limit);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BadRequest('body: 请求体不是有效的 UTF-8', [{ field: 'body', message: '不是有效的 UTF-8' }]);
  }
}

function isEmptyObject(text: string): boolean {
  return /^\s*\{\s*\}\s*$/.test(text);
}

function lowerHeaders(event: APIGatewayProxyEventV2): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function requireAuth(spec: RouteSpec, principal: Principal, authState: string): void {
  if (spec.auth === 'public') return;
  if (authState === 'unavailable') throw new ServiceUnavailable();
  if (authState === 'frozen') throw new Forbidden('账号已冻结', 'ACCOUNT_FROZEN');
  if (authState === 'locked') throw new Forbidden('账号因长期未登录已锁定，请联系管理员解锁', 'ACCOUNT_LOCKED');
  if (authState === 'deregistered') throw new Forbidden('账号已注销', 'ACCOUNT_DEREGISTERED');
  if (principal.kind === 'anonymous') throw new Unauthorized();
  if (spec.auth === 'staff' && principal.kind !== 'staff') throw new Forbidden('仅限工作人员账号', 'STAFF_ONLY');
  if (spec.auth === 'citizen' && principal.kind !== 'citizen') throw new Forbidden('仅限群众本人', 'CITIZEN_ONLY');
}

/** Maps any thrown error to the envelope; 5xx details stay in the log. */
const errorEnvelope = (): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  onError: async (request) => {
    const err = request.error;
    if (err instanceof AppError) {
      request.response = errorReply(err);
      return;
    }
    const requestId = request.context?.awsRequestId ?? request.event?.requestContext?.requestId;
    // The database unreachable or failing on its side: the client retries (503), it is no bug of ours.
    const unavailable = asUnavailable(err);
    if (unavailable) {
      logger.warn('dependency unavailable', { requestId, error: err as Error });
      request.response = errorReply(unavailable);
      return;
    }
    logger.error('unhandled error', { requestId, error: err as Error });
    request.response = json(500, { error: { code: 'INTERNAL', message: `服务内部错误，请联系管理员 (请求号 ${requestId})` } });
  },
});

/**
 * One structured line per request, refusals included: who (account or citizen), from which
 * point and terminal, what route and path parameters, the outcome. With the operation log's
 * entries for every change, any query is traceable to person, point and terminal (S1).
 */
const requestLog = (): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => {
  const started = new WeakMap<object, number>();
  const line = (request: { event: APIGatewayProxyEventV2; response?: APIGatewayProxyStructuredResultV2 | null }) => {
    const { principal } = principalFromAuthorizer(request.event);
    const headers = request.event.headers ?? {};
    logger.info('request', {
      status: request.response?.statusCode,
      ms: Date.now() - (started.get(request.event) ?? Date.now()),
      actor: principal.kind === 'staff' ? principal.accountId : principal.kind === 'citizen' ? `citizen:${principal.personIndex.slice(0, 16)}` : 'anonymous',
      roles: principal.kind === 'staff' ? principal.roles.join(',') : principal.kind,
      point: principal.kind === 'staff' ? principal.pointId : undefined,
      terminal: headers['x-terminal-id'] ?? headers['X-Terminal-Id'],
      sourceIp: request.event.requestContext?.http?.sourceIp,
      params: request.event.pathParameters,
    });
  };
  return {
    before: async (request) => {
      started.set(request.event, Date.now());
      logger.resetKeys();
      logger.appendKeys({ requestId: request.event.requestContext?.requestId, route: request.event.routeKey });
    },
    after: async (request) => line(request),
    onError: async (request) => line(request),
  };
};

/**
 * The Lambda handler of a domain: one function serves all of the domain's routes. Order:
 * size limit and JSON parse → authentication state → zod validation of path, query and body →
 * the operation (idempotent if it creates) → JSON reply.
 */
export function domainHandler<R extends Record<string, RouteSpec>>(api: DomainApi<R>, impls: Impls<R>) {
  const byKey = new Map<string, { spec: RouteSpec; impl: Impl<RouteSpec> }>();
  for (const [op, spec] of Object.entries(api.routes)) {
    byKey.set(routeKey(spec), { spec, impl: impls[op] as Impl<RouteSpec> });
  }

  const base = async (event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const entry = byKey.get(event.routeKey);
    if (!entry) throw new NotFound('没有这个接口', 'ROUTE_NOT_FOUND');
    const { spec, impl } = entry;
    const headers = lowerHeaders(event);
    const text = rawBody(event);
    const { principal, authState } = principalFromAuthorizer(event);
    requireAuth(spec, principal, authState);

    let bodyValue: unknown = undefined;
    if (spec.body && text !== undefined) {
      try {
        bodyValue = JSON.parse(text);
      } catch {
        throw new BadRequest('body: 请求体不是有效的 JSON', [{ field: 'body', message: '不是有效的 JSON' }]);
      }
    } else if (!spec.body && text !== undefined && text.trim() !== '' && spec.method !== 'GET' && !isEmptyObject(text)) {
      // A body where none is expected is a client mistake worth naming (an empty {} is harmless).
      throw new BadRequest('body: 此接口不接受请求体', [{ field: 'body', message: '此接口不接受请求体' }]);
    }
    // A body schema that accepts undefined makes the body optional (e.g. a freeze with or without a reason).
    if (spec.body && bodyValue === undefined && !spec.body.safeParse(undefined).success) {
      throw new BadRequest('body: 缺少请求体', [{ field: 'body', message: '缺少请求体' }]);
    }
    const issues: FieldIssue[] = [];
    const params = parseWith(spec.params, event.pathParameters ?? {}, 'path', issues);
    // A query parameter the route does not know is a client mistake: named, like unknown body fields.
    const query = parseWith(spec.query ?? NO_QUERY, event.queryStringParameters ?? {}, 'query', issues);
    const body = parseWith(spec.body, bodyValue, 'body', issues);
    if (issues.length > 0) throw new BadRequest(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);

    const ctx: RequestCtx = {
      principal,
      requestId: context?.awsRequestId ?? event.requestContext.requestId,
      terminalId: headers['x-terminal-id'],
      sourceIp: event.requestContext.http?.sourceIp,
      userAgent: headers['user-agent'],
      now: clock.now(),
    };
    // Every list route answers XLSX on request: the same operation, page by page (shared/http/export.ts).
    if (wantsXlsx(spec, headers.accept)) {
      const run = (cursor: string | undefined, limit: number) => impl({ params, query: { ...(query as object), cursor, limit }, ctx, headers } as HandlerInput<RouteSpec>) as Promise<ListPage>;
      const file = await exportList(spec, run, ctx.now);
      return {
        statusCode: 200,
        headers: {
          ...SECURITY_HEADERS,
          'content-type': XLSX_TYPE,
          'content-disposition': `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
          'x-export-rows': String(file.rows),
          'x-export-truncated': String(file.truncated),
        },
        body: file.bytes.toString('base64'),
        isBase64Encoded: true,
      };
    }
    let raw: RawReply | undefined;
    const caller = principal.kind === 'staff' ? principal.accountId : principal.kind === 'citizen' ? `citizen:${principal.personIndex}` : 'anonymous';
    const result = await runInScope({ caller }, () =>
      runIdempotent(spec, headers['idempotency-key'], principal, text, ctx.now, async () => {
        raw = undefined;
        const out = await impl({ params, query, body, ctx, headers } as HandlerInput<RouteSpec>);
        if (out instanceof RawReply) {
          raw = out;
          return { statusCode: out.statusCode, body: null };
        }
        return { statusCode: spec.status ?? 200, body: out ?? null };
      }),
    );
    if (raw) {
      const isBinary = Buffer.isBuffer(raw.body);
      return {
        statusCode: raw.statusCode,
        headers: { ...SECURITY_HEADERS, ...raw.headers },
        body: isBinary ? (raw.body as Buffer).toString('base64') : (raw.body as string),
        isBase64Encoded: isBinary,
      };
    }
    return json(result.statusCode, result.body);
  };

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(base).use(requestLog()).use(errorEnvelope());
}
