import { ServiceUnavailable } from './errors';

/** Socket-level failures: the database's host is down, restarting or unreachable. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
/** SDK errors that mean "the service could not serve this now" (never a client mistake). */
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
  errors?: unknown;
}

/**
 * Whether an error thrown by the AWS SDK means DynamoDB could not be reached or failed on its
 * side (network, timeout, 5xx, throttling): the client should retry, so 503, not 500. A client
 * fault (ValidationException, a failed condition) is never one.
 */
export function isDependencyUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as ErrorLike;
  const status = e.$metadata?.httpStatusCode;
  if (e.$fault === 'client' && typeof status === 'number' && status < 500 && !UNAVAILABLE_NAMES.has(String(e.name))) return false;
  if (typeof status === 'number' && status >= 500) return true;
  if (e.$fault === 'server') return true;
  if (typeof e.name === 'string' && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDependencyUnavailable(x, depth + 1))) return true;
  return isDependencyUnavailable(e.cause, depth + 1);
}

/** The 503 for an error that `isDependencyUnavailable`; `undefined` for any other. */
export function asUnavailable(err: unknown): ServiceUnavailable | undefined {
  return isDependencyUnavailable(err) ? new ServiceUnavailable() : undefined;
}
