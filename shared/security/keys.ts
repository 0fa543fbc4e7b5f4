import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { config } from '../config';

/**
 * Key material. Deployed: PII data keys from KMS (envelope encryption, the CMK never leaves KMS)
 * and the platform secret (token signing key, blind-index key) from Secrets Manager. Local: one
 * key file under .data/, created on first use and never committed.
 */
export interface DataKey {
  /** Stored beside each ciphertext: how to get the key back (a KMS-wrapped blob or a local id). */
  id: string;
  key: Buffer;
}

export interface KeyRing {
  currentDataKey(): Promise<DataKey>;
  dataKeyById(id: string): Promise<Buffer>;
  tokenSigningKey: Buffer;
  blindIndexKey: Buffer;
}

export interface LocalKeyFile {
  dataKey: string;
  tokenSigningKey: string;
  blindIndexKey: string;
  devIssuer: { privateJwk: JWK; publicJwk: JWK };
}

const LOCAL_DATA_KEY_ID = 'local1';

export async function readOrCreateLocalKeyFile(dir: string): Promise<LocalKeyFile> {
  const file = join(dir, 'local-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalKeyFile;
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'essc-dev-1';
  const keys: LocalKeyFile = {
    dataKey: randomBytes(32).toString('base64'),
    tokenSigningKey: randomBytes(32).toString('base64'),
    blindIndexKey: randomBytes(32).toString('base64'),
    devIssuer: {
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    },
  };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

async function localKeyRing(): Promise<KeyRing> {
  const f = await readOrCreateLocalKeyFile(config().localKeyDir);
  const dataKey = Buffer.from(f.dataKey, 'base64');
  return {
    currentDataKey: async () => ({ id: LOCAL_DATA_KEY_ID, key: dataKey }),
    dataKeyById: async (id) => {
      if (id !== LOCAL_DATA_KEY_ID) throw new Error('unknown local data key');
      return dataKey;
    },
    tokenSigningKey: Buffer.from(f.tokenSigningKey, 'base64'),
    blindIndexKey: Buffer.from(f.blindIndexKey, 'base64'),
  };
}

async function awsKeyRing(): Promise<KeyRing> {
  const c = config();
  if (!c.piiKmsKeyId || !c.platformSecretArn) throw new Error('PII_KMS_KEY_ID and PLATFORM_SECRET_ARN are required');
  // Loaded on first use: local mode and module init never pay for these clients.
  const { DecryptCommand, GenerateDataKeyCommand, KMSClient } = await import('@aws-sdk/client-kms');
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const kms = new KMSClient({ region: c.region });
  const sm = new SecretsManagerClient({ region: c.region });
  const secret = await sm.send(new GetSecretValueCommand({ SecretId: c.platformSecretArn }));
  const material = secret.SecretString ?? '';
  if (material.length < 32) throw new Error('platform secret too short');
  // Two independent keys from one secret: a purpose-labelled hash of the material each.
  const derive = (label: string) => createHash('sha256').update(`${label}\u0000${material}`).digest();
  let current: Promise<DataKey> | undefined;
  const cache = new Map<string, Buffer>();
  return {
    currentDataKey: () => {
      // One data key per container: one KMS call at the first write, not per item.
      current ??= kms.send(new GenerateDataKeyCommand({ KeyId: c.piiKmsKeyId, KeySpec: 'AES_256' })).then((out) => {
        const id = Buffer.from(out.CiphertextBlob!).toString('base64url');
        const key = Buffer.from(out.Plaintext!);
        cache.set(id, key);
        return { id, key };
      });
      return current;
    },
    dataKeyById: async (id) => {
      const hit = cache.get(id);
      if (hit) return hit;
      const out = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(id, 'base64url') }));
      const key = Buffer.from(out.Plaintext!);
      cache.set(id, key);
      return key;
    },
    tokenSigningKey: derive('session-token'),
    blindIndexKey: derive('blind-index'),
  };
}

let ring: Promise<KeyRing> | undefined;
export function keyRing(): Promise<KeyRing> {
  ring ??= (config().localMode || !config().piiKmsKeyId ? localKeyRing() : awsKeyRing()).catch((e) => {
    ring = undefined;
    throw e;
  });
  return ring;
}
export function resetKeyRing(): void {
  ring = undefined;
}
