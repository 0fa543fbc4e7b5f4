import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * What the deployed HTTP API does around a Lambda, for the laptop's server (infra/local/server.ts)
 * to do the same. Every figure here is also in the synthesized template or an AWS quota;
 * test/infra/parity.test.ts compares them with the template, so that a change on one side only
 * fails the tests.
 */

/** The HTTP API's corsPreflight (infra/stacks/app-stack.ts), origins aside (they come from config). */
export const CORS_PREFLIGHT = {
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
  allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-terminal-id'],
  maxAgeSeconds: 3600,
} as const;

/**
 * Payload quotas, in bytes. API Gateway HTTP API: 10 MB per request (not adjustable). Lambda:
 * 6 MB (6,291,456 bytes) per synchronous invocation, and the HTTP API's event carries the body,
 * so with a Lambda integration the binding limit is Lambda's. Below it the request reaches the
 * handler, whose pipeline answers 413 above config().maxBodyBytes (64 KiB), deployed and local.
 */
export const HTTP_API_PAYLOAD_BYTES = 10 * 1024 * 1024;
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** The domain functions' timeout (DomainFunction in app-stack.ts): the local context counts down from it. */
export const DOMAIN_FUNCTION_TIMEOUT_SECONDS = 15;

/**
 * The not-found fallback: one greedy route per method (`GET /{proxy+}` …, UNMATCHED_METHODS in
 * app-stack.ts), never `$default`, which would also take the browser's preflights. Unmatched
 * requests (wrong path, or a known path with another method) of these methods reach the platform
 * function's 404; any other method gets API Gateway's own bare 404.
 */
export const UNMATCHED_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export const catchAllRouteKey = (method: string): string | undefined =>
  (UNMATCHED_METHODS as readonly string[]).includes(method) ? `${method} /{proxy+}` : undefined;
/** API Gateway's own reply when no route matches at all. */
export const GATEWAY_NOT_FOUND: APIGatewayProxyStructuredResultV2 = {
  statusCode: 404,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Not Found' }),
};

/** API Gateway's own reply to a simple-response authorizer's `isAuthorized: false` (ours never denies; the pipeline answers 401/403). */
export const AUTHORIZER_DENIED: APIGatewayProxyStructuredResultV2 = {
  statusCode: 403,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Forbidden' }),
};

/**
 * API Gateway's own reply when a function fails outright (throws past the pipeline, times out)
 * or the Lambda authorizer fails: the handler's envelope never reaches the client.
 */
export const GATEWAY_INTERNAL_ERROR: APIGatewayProxyStructuredResultV2 = {
  statusCode: 500,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Internal Server Error' }),
};
export const AUTHORIZER_FAILURE = GATEWAY_INTERNAL_ERROR;

export interface CorsRequest {
  method: string;
  origin?: string;
  requestMethod?: string;
}

/**
 * A CORS preflight as API Gateway sees one: OPTIONS with Origin and Access-Control-Request-Method,
 * on an API with a CORS configuration. API Gateway answers it itself (no route, no function).
 */
export function isPreflight(req: CorsRequest, origins: ReadonlySet<string>): boolean {
  return origins.size > 0 && req.method === 'OPTIONS' && !!req.origin && !!req.requestMethod;
}

/**
 * The preflight answer: 204; the configured lists only for a configured origin (another origin
 * gets a bare 204, and the browser refuses the call).
 */
export function preflightHeaders(origin: string, origins: ReadonlySet<string>): Record<string, string> {
  if (!origins.has(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': CORS_PREFLIGHT.allowMethods.join(','),
    'access-control-allow-headers': CORS_PREFLIGHT.allowHeaders.join(','),
    'access-control-max-age': String(CORS_PREFLIGHT.maxAgeSeconds),
  };
}

/** On an actual request API Gateway adds only Allow-Origin (no credentials, no exposed headers configured). */
export function corsReplyHeaders(origin: string | undefined, origins: ReadonlySet<string>): Record<string, string> {
  return origin && origins.has(origin) ? { 'access-control-allow-origin': origin } : {};
}
