import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Who may reach a route at all (role and scope rules come after, in the service):
 * public — anyone; staff — a staff session; citizen — a citizen session; signedIn — either.
 */
export type RouteAuth = 'public' | 'staff' | 'citizen' | 'signedIn';

/** A route's contract: the one declaration used by the handler, OpenAPI, CDK and the local server. */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  path: string;
  auth: RouteAuth;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  /** Success status (default 200). */
  status?: number;
  /** Creating POST: honours Idempotency-Key. */
  creates?: boolean;
  /** Served only by the local runtime; never deployed. */
  localOnly?: boolean;
  /** Deployed: this route's own API Gateway throttle, tighter than the stage's (requests per second). */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Extra content types the route can return (e.g. text/csv). */
  produces?: string[];
}

export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> {
  return spec;
}

/**
 * What a function's code uses, and so all its role is granted (infra/constructs/domain-function.ts).
 * Declared beside the routes; test/infra/access.test.ts checks each declaration against the code
 * that is bundled (a module that is used but not declared, or declared but not used, fails).
 * `table`: none, read (Get/BatchGet/Query) or readWrite (plus Put/Update/Delete/BatchWrite).
 * `pii`: seals or unseals personal data (the PII key). `blindIndex`: looks people up by ID number
 * (the blind-index key). `sessionKeys`: signs or verifies session tokens (the signing keys).
 */
export interface FunctionAccess {
  table: 'none' | 'read' | 'readWrite';
  pii?: boolean;
  blindIndex?: boolean;
  sessionKeys?: boolean;
}
export const NO_ACCESS: FunctionAccess = { table: 'none' };

/** A domain's API: its name (= its Lambda), its routes by operation id, and what its code uses. */
export interface DomainApi<R extends Record<string, RouteSpec> = Record<string, RouteSpec>> {
  domain: string;
  routes: R;
  /** The API function's access (default: none). */
  access: FunctionAccess;
  /** Access of each job export of functions/<domain>/jobs.ts, by export name. */
  jobs?: Record<string, FunctionAccess>;
}

export function defineApi<R extends Record<string, RouteSpec>>(
  domain: string,
  routes: R,
  access: FunctionAccess = NO_ACCESS,
  jobs?: Record<string, FunctionAccess>,
): DomainApi<R> {
  return { domain, routes, access, ...(jobs ? { jobs } : {}) };
}

/** API Gateway route key, e.g. "POST /cases/{id}/submit". */
export const routeKey = (r: Pick<RouteSpec, 'method' | 'path'>): string => `${r.method} ${r.path}`;

/**
 * Creating POSTs (api.md), and every other POST too: a retried submit, review or stage change
 * after a lost answer gets the first answer rather than a 409 for the step it already made.
 */
export const honoursIdempotencyKey = (spec: Pick<RouteSpec, 'creates' | 'method' | 'auth'>): boolean =>
  spec.auth !== 'public' && (spec.creates === true || spec.method === 'POST');
