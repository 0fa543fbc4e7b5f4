import { createLocalJWKSet, jwtVerify, SignJWT, importJWK, errors as joseErrors, type JSONWebKeySet } from 'jose';
import { config } from '../../shared/config';
import { readOrCreateLocalKeyFile } from '../../shared/security/keys';
import { epochSeconds } from '../../shared/clock';
import { idNumberProblem, normalizeIdNumber } from '../../shared/security/pii';

/**
 * The e-SSC card app's signed assertion: a JWS (ES256) from the configured issuer whose nonce is
 * the QR session id, naming the person's ID number. Single use by jti.
 */
export const ASSERTION_AUDIENCE = 'jiujinban';
const ALGORITHMS = ['ES256'];
const MAX_AGE_SECONDS = 300;

export interface CardAssertion {
  idNumber: string;
  jti: string;
  exp: number;
}

let jwks: Promise<ReturnType<typeof createLocalJWKSet>> | undefined;
async function issuerKeys() {
  jwks ??= (async () => {
    const c = config();
    if (c.esscJwks) return createLocalJWKSet(JSON.parse(c.esscJwks) as JSONWebKeySet);
    if (!c.localMode) throw new Error('ESSC_JWKS is not configured');
    const f = await readOrCreateLocalKeyFile(c.localKeyDir);
    return createLocalJWKSet({ keys: [f.devIssuer.publicJwk] });
  })();
  return jwks;
}
export function resetIssuerKeys(): void {
  jwks = undefined;
}

/** Undefined when the assertion is forged, expired, for another session or malformed. */
export async function verifyCardAssertion(assertion: string, sessionId: string, now: Date): Promise<CardAssertion | undefined> {
  try {
    const { payload } = await jwtVerify(assertion, await issuerKeys(), {
      algorithms: ALGORITHMS,
      issuer: config().esscIssuer,
      audience: ASSERTION_AUDIENCE,
      currentDate: now,
      maxTokenAge: MAX_AGE_SECONDS,
      requiredClaims: ['exp', 'iat', 'jti', 'nonce', 'sub'],
    });
    if (payload.nonce !== sessionId || typeof payload.sub !== 'string' || typeof payload.jti !== 'string') return undefined;
    const id = normalizeIdNumber(payload.sub);
    if (idNumberProblem(id, now)) return undefined;
    return { idNumber: id, jti: payload.jti, exp: payload.exp! };
  } catch (e) {
    if (e instanceof joseErrors.JOSEError || e instanceof TypeError || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/** Local mode only: plays the card app by signing with the development issuer key. */
export const signDevAssertion = (sessionId: string, idNumber: string, now: Date): Promise<string> => signDev(sessionId, idNumber, now, 120);

/** The card app's assertion as the development issuer signs it: `nonce` names what it proves (a QR session, an offline case). */
async function signDev(nonce: string, idNumber: string, at: Date, validSeconds: number): Promise<string> {
  const c = config();
  if (!c.localMode) throw new Error('dev assertions exist only in local mode');
  const f = await readOrCreateLocalKeyFile(c.localKeyDir);
  const key = await importJWK(f.devIssuer.privateJwk, 'ES256');
  return new SignJWT({ nonce })
    .setProtectedHeader({ alg: 'ES256', kid: f.devIssuer.privateJwk.kid })
    .setIssuer(c.esscIssuer)
    .setAudience(ASSERTION_AUDIENCE)
    .setSubject(idNumber)
    .setJti(crypto.randomUUID())
    .setIssuedAt(epochSeconds(at))
    .setExpirationTime(epochSeconds(at) + validSeconds)
    .sign(key);
}

/**
 * An assertion the card app signed for a kiosk that was offline (P6 offline acceptance): the same
 * issuer, audience and algorithm; its nonce is the kiosk's client id of the case (so it proves
 * this one case), and it may be as old as the offline window. Undefined when forged, for
 * another case, too old or malformed; `tooOld` when only its age fails.
 */
export async function verifyOfflineAssertion(
  assertion: string,
  clientId: string,
  now: Date,
  maxAgeSeconds: number,
): Promise<{ ok: true; idNumber: string; iat: number } | { ok: false; tooOld: boolean }> {
  try {
    const { payload } = await jwtVerify(assertion, await issuerKeys(), {
      algorithms: ALGORITHMS,
      issuer: config().esscIssuer,
      audience: ASSERTION_AUDIENCE,
      currentDate: now,
      maxTokenAge: maxAgeSeconds,
      clockTolerance: 300,
      requiredClaims: ['iat', 'jti', 'nonce', 'sub'],
    });
    if (payload.nonce !== clientId || typeof payload.sub !== 'string') return { ok: false, tooOld: false };
    const id = normalizeIdNumber(payload.sub);
    if (idNumberProblem(id, now)) return { ok: false, tooOld: false };
    return { ok: true, idNumber: id, iat: payload.iat! };
  } catch (e) {
    // jose says "timestamp check failed" both for an expired exp and for an iat past maxTokenAge.
    if (e instanceof joseErrors.JWTExpired) return { ok: false, tooOld: true };
    if (e instanceof joseErrors.JOSEError || e instanceof TypeError || e instanceof SyntaxError) return { ok: false, tooOld: false };
    throw e;
  }
}

/** Local mode only: plays the card app for an offline kiosk (nonce = the case's client id). */
export const signDevOfflineAssertion = (clientId: string, idNumber: string, at: Date, validSeconds = 72 * 3600): Promise<string> =>
  signDev(clientId, idNumber, at, validSeconds);
