import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Principal } from '../http/context';

/**
 * The authorizer's verdict as passed to handlers in requestContext.authorizer.lambda. The
 * authorizer resolves identity; the handler pipeline turns a bad state into 401/403 with the
 * api.md envelope (an HTTP API authorizer cannot answer 401 with a body of its own).
 */
/** `unavailable`: the session could not be read (the table is out of reach): the handler answers 503. */
export type AuthState = 'ok' | 'none' | 'invalid' | 'expired' | 'frozen' | 'locked' | 'deregistered' | 'unavailable';

export interface AuthorizerContext {
  authState: AuthState;
  principal?: string;
}

export function principalFromAuthorizer(event: APIGatewayProxyEventV2): { principal: Principal; authState: AuthState } {
  const rc = event.requestContext as APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { lambda?: Partial<AuthorizerContext> };
  };
  const ctx = rc.authorizer?.lambda;
  const authState = (ctx?.authState ?? 'none') as AuthState;
  if (authState === 'ok' && typeof ctx?.principal === 'string') {
    return { principal: JSON.parse(ctx.principal) as Principal, authState };
  }
  return { principal: { kind: 'anonymous' }, authState };
}
