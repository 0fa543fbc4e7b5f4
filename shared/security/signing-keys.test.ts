import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { decodeProtectedHeader } from 'jose';
import { resetConfig } from '../config';
import { resetKeyRing } from './keys';
import { signSessionToken, verifySessionToken } from './tokens';
import type { SessionKeysDocument } from './signing-keys';

/**
 * Session-signing keys from their own secret, rotated without logging anyone out: tokens carry
 * the kid; after a rotation the previous key verifies for one session lifetime, then no more.
 */
const sm = mockClient(SecretsManagerClient);
const saved = { ...process.env };
const k1 = 'a'.repeat(64);
const k2 = 'b'.repeat(64);
let secret: SessionKeysDocument;

beforeAll(() => {
  process.env.JJB_LOCAL_MODE = '0';
  process.env.SESSION_KEYS_SECRET_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:session-keys';
  process.env.SESSION_MAX_SECONDS = String(12 * 3600);
  resetConfig();
  sm.on(GetSecretValueCommand).callsFake(() => ({ SecretString: JSON.stringify(secret) }));
});
beforeEach(() => {
  secret = { kid: 'k1', key: k1 };
  resetKeyRing();
  sm.resetHistory();
});
afterAll(() => {
  process.env = saved;
  resetConfig();
  resetKeyRing();
  sm.restore();
});

describe('session-signing keys', () => {
  it('signs with the current key and names it in the header', async () => {
    // Act
    const now = new Date();
    const t = await signSessionToken({ sid: 's1', sub: 'a1', ep: 1 }, now, new Date(now.getTime() + 3600_000));
    // Assess
    expect(decodeProtectedHeader(t).kid).toBe('k1');
    expect(await verifySessionToken(t, now)).toEqual({ sid: 's1', sub: 'a1', ep: 1 });
    expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input.SecretId).toBe(process.env.SESSION_KEYS_SECRET_ARN);
  });

  it('after a rotation: old tokens verify for one session lifetime, new tokens use the new kid, then the old key is refused', async () => {
    // Prepare: a token under k1, then the rotation (k2 current, k1 previous since now)
    const now = new Date();
    const old = await signSessionToken({ sid: 's1', sub: 'a1', ep: 1 }, now, new Date(now.getTime() + 48 * 3600_000));
    secret = { kid: 'k2', key: k2, previous: { kid: 'k1', key: k1, retiredAt: now.toISOString() } };
    resetKeyRing(); // a container started after the rotation
    // Act
    const fresh = await signSessionToken({ sid: 's2', sub: 'a1', ep: 1 }, now, new Date(now.getTime() + 3600_000));
    // Assess
    expect(decodeProtectedHeader(fresh).kid).toBe('k2');
    expect(await verifySessionToken(fresh, now)).toMatchObject({ sid: 's2' });
    expect(await verifySessionToken(old, new Date(now.getTime() + 11 * 3600_000))).toMatchObject({ sid: 's1' });
    expect(await verifySessionToken(old, new Date(now.getTime() + 13 * 3600_000))).toBeUndefined();
  });

  it('a container that read the keys before the rotation picks up the new kid on the first token it does not know', async () => {
    // Prepare: this container caches k1 (at a fake clock far in the past, so the 30 s re-read floor has passed)
    const now = new Date();
    await signSessionToken({ sid: 's0', sub: 'a1', ep: 1 }, now, new Date(now.getTime() + 3600_000));
    secret = { kid: 'k2', key: k2, previous: { kid: 'k1', key: k1, retiredAt: now.toISOString() } };
    const { signingKeysFrom } = await import('./signing-keys');
    const k2Token = await new (await import('jose')).SignJWT({ sid: 's3', ep: 1 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'k2' })
      .setIssuer('jiujinban').setAudience('jiujinban-api').setSubject('a1').setIssuedAt().setExpirationTime('1h')
      .sign(signingKeysFrom(secret, 43200).current.key);
    // Act: an unknown kid within 30 s of the last read is refused without a new read ...
    const before = sm.commandCalls(GetSecretValueCommand).length;
    expect(await verifySessionToken(k2Token, now)).toBeUndefined();
    expect(sm.commandCalls(GetSecretValueCommand).length).toBe(before);
    // ... and once the floor has passed, one re-read finds it.
    const realNow = Date.now;
    Date.now = () => realNow() + 31_000;
    try {
      expect(await verifySessionToken(k2Token, now)).toMatchObject({ sid: 's3' });
    } finally {
      Date.now = realNow;
    }
    expect(sm.commandCalls(GetSecretValueCommand).length).toBe(before + 1);
  });

  it('a token with an unknown kid or a forged one is refused', async () => {
    const now = new Date();
    const { SignJWT } = await import('jose');
    const forged = await new SignJWT({ sid: 's1', ep: 1 }).setProtectedHeader({ alg: 'HS256', kid: 'k9' }).setIssuer('jiujinban').setAudience('jiujinban-api').setSubject('a1').setIssuedAt().setExpirationTime('1h').sign(Buffer.alloc(32, 1));
    expect(await verifySessionToken(forged, now)).toBeUndefined();
  });
});
