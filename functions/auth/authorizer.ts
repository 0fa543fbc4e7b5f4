import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { clock } from '../../shared/clock';
import { logger } from '../../shared/log';
import type { AuthorizerContext } from '../../shared/security/authorizer-context';
import { isDependencyUnavailable } from '../../shared/http/unavailable';
import { authenticate } from './service';

/**
 * HTTP API Lambda authorizer (simple responses, no caching so that a freeze is immediate). It
 * always lets the request through with its verdict; the handler pipeline answers 401/403 with
 * the api.md envelope, which an authorizer's own deny cannot carry.
 */
export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<Record<string, string>>> => {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  let context: AuthorizerContext;
  try {
    context = await authenticate(header, clock.now());
  } catch (err) {
    // The table out of reach is no bug of ours and no verdict on the caller: the handler answers
    // 503 with Retry-After (a thrown error would be API Gateway's bare 500). Public routes still work.
    if (isDependencyUnavailable(err)) {
      logger.warn('authorizer: session store unavailable', { error: err as Error });
      return { isAuthorized: true, context: { authState: 'unavailable' } };
    }
    logger.error('authorizer failure', { error: err as Error });
    throw err; // API Gateway answers 500; never let an unchecked request through
  }
  return { isAuthorized: true, context: context as unknown as Record<string, string> };
};
