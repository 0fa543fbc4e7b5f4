import { describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair, exportJWK } from 'jose';
import { blindIndex, seal, unseal } from './crypto';
import { signingKeys } from './signing-keys';
import { signSessionToken, verifySessionToken, TOKEN_AUDIENCE, TOKEN_ISSUER } from './tokens';

describe('sealing personal data', () => {
  it('round-trips, never shows the clear text and differs on every seal', async () => {
    const a = await seal('141033199001010012');
    const b = await seal('141033199001010012');
    expect(a).not.toContain('141033199001010012');
    expect(a).not.toBe(b);
    expect(await unseal(a)).toBe('141033199001010012');
  });

  it('refuses a tampered ciphertext', async () => {
    const s = await seal('13912345678');
    const parts = s.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString('base64url');
    await expect(unseal(parts.join('.'))).rejects.toThrow();
  });

  it('gives a stable, purpose-separated blind index', async () => {
    expect(await blindIndex('id', '141033199001010012')).toBe(await blindIndex('id', '141033199001010012'));
    expect(await blindIndex('id', '13912345678')).not.toBe(await blindIndex('phone', '13912345678'));
  });
});

describe('session tokens', () => {
  const now = new Date('2026-03-02T08:00:00Z');
  const later = new Date('2026-03-02T09:00:00Z');

  it('verifies its own tokens and refuses expired ones', async () => {
    const t = await signSessionToken({ sid: 's1', sub: 'a1', ep: 1 }, now, later);
    expect(await verifySessionToken(t, now)).toEqual({ sid: 's1', sub: 'a1', ep: 1 });
    expect(await verifySessionToken(t, new Date(later.getTime() + 1000))).toBeUndefined();
  });

  it('is pinned to HS256 and our issuer: alg none, another issuer and key confusion are refused', async () => {
    const tokenSigningKey = (await signingKeys()).current.key;
    const claims = { sid: 's1', ep: 1 };
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ ...claims, sub: 'a1', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: 1, exp: 4_000_000_000 }),
    ).toString('base64url')}.`;
    const otherIssuer = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('evil').setAudience(TOKEN_AUDIENCE).setSubject('a1').setIssuedAt().setExpirationTime('1h').sign(tokenSigningKey);
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setSubject('a1').setIssuedAt().setExpirationTime('1h').sign(Buffer.concat([tokenSigningKey, tokenSigningKey]));
    // Key confusion: an ES256 token whose public key an attacker might hope is tried as an HMAC secret.
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const es = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', jwk: await exportJWK(publicKey) }).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setSubject('a1').setIssuedAt().setExpirationTime('1h').sign(privateKey);
    for (const t of [none, otherIssuer, hs512, es]) expect(await verifySessionToken(t, new Date())).toBeUndefined();
  });
});
