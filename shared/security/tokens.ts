import { SignJWT, decodeProtectedHeader, jwtVerify, errors as joseErrors } from 'jose';
import { signingKeys } from './signing-keys';
import { epochSeconds } from '../clock';

/** Session tokens: HS256 only, our issuer and audience only; the session item holds the rest. */
export const TOKEN_ISSUER = 'jiujinban';
export const TOKEN_AUDIENCE = 'jiujinban-api';
const ALG = 'HS256';

export interface TokenClaims {
  sid: string;
  /** staff account id, or 'citizen' */
  sub: string;
  /** the account's session epoch when issued (freeze bumps it) */
  ep: number;
}

export async function signSessionToken(claims: TokenClaims, now: Date, expiresAt: Date): Promise<string> {
  const { current } = await signingKeys();
  return new SignJWT({ sid: claims.sid, ep: claims.ep })
    .setProtectedHeader({ alg: ALG, typ: 'JWT', kid: current.kid })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(claims.sub)
    .setIssuedAt(epochSeconds(now))
    .setExpirationTime(epochSeconds(expiresAt))
    .sign(current.key);
}

/** Verifies signature, algorithm, issuer, audience and expiry; undefined for any bad token. */
export async function verifySessionToken(token: string, now: Date): Promise<TokenClaims | undefined> {
  try {
    const kid = decodeProtectedHeader(token).kid;
    // An unknown kid: the keys may have rotated since this container read them.
    const key = (await signingKeys()).verifier(kid, now) ?? (await signingKeys(true)).verifier(kid, now);
    if (!key) return undefined;
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALG],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      currentDate: now,
      requiredClaims: ['sid', 'sub', 'exp', 'iat'],
    });
    if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string' || typeof payload.ep !== 'number') return undefined;
    return { sid: payload.sid, sub: payload.sub, ep: payload.ep };
  } catch (e) {
    if (e instanceof joseErrors.JOSEError || e instanceof TypeError) return undefined;
    throw e;
  }
}
