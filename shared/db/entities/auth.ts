import { defineEntity } from './define';

/** QR login session shown on the login page; confirmed by the card app, consumed once. */
export interface QrSessionAttrs {
  sessionId: string;
  status: 'pending' | 'confirmed' | 'consumed';
  createdAt: string;
  expiresAt: string;
  ttl: number;
  /** Set on confirm: the token to hand over exactly once. */
  token?: string;
  tokenExpiresAt?: string;
  accountId?: string;
  /** Started on a registered kiosk: the session it gives ends after this many idle seconds. */
  terminalId?: string;
  idleSeconds?: number;
  version: number;
}
export const QrSession = defineEntity<QrSessionAttrs, { sessionId: string }>({
  type: 'QrSession',
  key: ({ sessionId }) => ({ pk: `QR#${sessionId}`, sk: 'QR' }),
});

/** A used card assertion id (jti): single use, kept until the assertion would expire anyway. */
export const AssertionUse = defineEntity<{ jti: string; ttl: number; at: string }, { jti: string }>({
  type: 'AssertionUse',
  key: ({ jti }) => ({ pk: `JTI#${jti}`, sk: 'JTI' }),
});

/** A platform session behind a token: idle timeout and revocation live here. */
export interface SessionAttrs {
  sid: string;
  kind: 'staff' | 'citizen';
  accountId?: string;
  /** Citizens: blind index of their ID number and the sealed number itself. */
  personIndex?: string;
  idNumberSealed?: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ttl: number;
  revoked?: boolean;
  /** A kiosk session: its terminal and its own idle limit (KIOSK_IDLE_SECONDS). */
  terminalId?: string;
  idleSeconds?: number;
}
export const Session = defineEntity<SessionAttrs, { sid: string }>({
  type: 'Session',
  key: ({ sid }) => ({ pk: `SESSION#${sid}`, sk: 'SESSION' }),
  // AP: live sessions of an account (freeze ends them all) → gsi1
  indexes: (s) => (s.accountId ? { gsi1pk: `SESSIONS_OF#${s.accountId}`, gsi1sk: s.sid } : {}),
});
export const sessionsOfAccount = (accountId: string) => ({ index: 'gsi1' as const, pk: `SESSIONS_OF#${accountId}` });
