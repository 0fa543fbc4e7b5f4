import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { resetConfig } from '../config';
import { resetKeyRing } from './keys';
import { blindIndex, seal, unseal } from './crypto';

/**
 * Deployed key handling against mocked KMS and Secrets Manager: one data key per container
 * (not one KMS call per item), unwrapped keys cached, the blind-index key from the secret.
 */
const kms = mockClient(KMSClient);
const sm = mockClient(SecretsManagerClient);
const dataKey = randomBytes(32);
const wrapped = randomBytes(64);
const saved = { ...process.env };

beforeAll(() => {
  process.env.JJB_LOCAL_MODE = '0';
  process.env.PII_KMS_KEY_ID = 'arn:aws:kms:cn-north-1:111122223333:key/pii';
  process.env.BLIND_INDEX_SECRET_ARN = 'arn:aws:secretsmanager:cn-north-1:111122223333:secret:blind-index';
  resetConfig();
  resetKeyRing();
  kms.on(GenerateDataKeyCommand).resolves({ Plaintext: dataKey, CiphertextBlob: wrapped });
  kms.on(DecryptCommand).resolves({ Plaintext: dataKey });
  sm.on(GetSecretValueCommand).resolves({ SecretString: 'x'.repeat(64) });
});
afterAll(() => {
  process.env = saved;
  resetConfig();
  resetKeyRing();
  kms.restore();
  sm.restore();
});

describe('deployed key ring (KMS envelope, blind-index secret)', () => {
  it('asks KMS for one data key per container and stores only its wrapped form beside the ciphertext', async () => {
    // Act
    const a = await seal('141033199001010012');
    const b = await seal('13912345678');
    // Assess
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(1);
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input).toMatchObject({ KeyId: process.env.PII_KMS_KEY_ID, KeySpec: 'AES_256' });
    expect(a.split('.')[1]).toBe(wrapped.toString('base64url'));
    expect(a).not.toContain(dataKey.toString('base64url'));
    expect(await unseal(b)).toBe('13912345678');
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0); // the key it made is cached
  });

  it('unwraps a data key made elsewhere once, then from cache', async () => {
    resetKeyRing();
    const sealedByAnother = await seal('141033199001010012');
    resetKeyRing(); // a fresh container that did not make this data key
    expect(await unseal(sealedByAnother)).toBe('141033199001010012');
    expect(await unseal(sealedByAnother)).toBe('141033199001010012');
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
    expect(Buffer.from(kms.commandCalls(DecryptCommand)[0]!.args[0].input.CiphertextBlob!).equals(wrapped)).toBe(true);
  });

  it('derives the blind-index key from its own secret: stable across containers', async () => {
    const first = await blindIndex('id', '141033199001010012');
    resetKeyRing();
    expect(await blindIndex('id', '141033199001010012')).toBe(first);
    expect(sm.commandCalls(GetSecretValueCommand).length).toBeGreaterThanOrEqual(2);
    expect(sm.commandCalls(GetSecretValueCommand).every((c) => c.args[0].input.SecretId === process.env.BLIND_INDEX_SECRET_ARN)).toBe(true);
  });
});
