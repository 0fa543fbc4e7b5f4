import type { Role } from '../db/entities/accounts';

/** Who is calling, as resolved by the authorizer from the session token. */
export interface StaffPrincipal {
  kind: 'staff';
  accountId: string;
  name: string;
  roles: Role[];
  regionCode: string;
  regionPath: string;
  scopeBucket: string;
  pointId?: string;
  sid: string;
}
export interface CitizenPrincipal {
  kind: 'citizen';
  personIndex: string;
  idNumberSealed: string;
  sid: string;
}
export interface AnonymousPrincipal {
  kind: 'anonymous';
}
export type Principal = StaffPrincipal | CitizenPrincipal | AnonymousPrincipal;

/** Everything a service needs to know about the request it serves (and logs). */
export interface RequestCtx {
  principal: Principal;
  requestId: string;
  terminalId?: string;
  sourceIp?: string;
  userAgent?: string;
  now: Date;
}

/** A system actor for scheduled jobs and the escalation flow. */
export function systemCtx(requestId: string, now: Date): RequestCtx {
  return {
    principal: { kind: 'anonymous' },
    requestId,
    now,
  };
}
