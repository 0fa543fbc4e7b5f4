import { config } from '../config';
import { keyCache, keySource, localKeys, type DataKey } from './keys';

/**
 * PII data keys (S2, envelope encryption): deployed, one KMS data key per container (one KMS
 * call at the first write, not one per item), wrapped blobs unwrapped once and cached; the CMK
 * never leaves KMS. Local: the key file's data key.
 */
export interface DataKeys {
  currentDataKey(): Promise<DataKey>;
  dataKeyById(id: string): Promise<Buffer>;
}

const LOCAL_DATA_KEY_ID = 'local1';

async function localDataKeys(): Promise<DataKeys> {
  const dataKey = Buffer.from((await localKeys()).dataKey, 'base64');
  return {
    currentDataKey: async () => ({ id: LOCAL_DATA_KEY_ID, key: dataKey }),
    dataKeyById: async (id) => {
      if (id !== LOCAL_DATA_KEY_ID) throw new Error('unknown local data key');
      return dataKey;
    },
  };
}

async function kmsDataKeys(keyId: string): Promise<DataKeys> {
  // Loaded on first use: module init never pays for the client.
  const { DecryptCommand, GenerateDataKeyCommand, KMSClient } = await import('@aws-sdk/client-kms');
  const { traced } = await import('../trace');
  const kms = traced(new KMSClient({ region: config().region }));
  let current: Promise<DataKey> | undefined;
  const cache = new Map<string, Buffer>();
  return {
    currentDataKey: () => {
      current ??= kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })).then((out) => {
        const id = Buffer.from(out.CiphertextBlob!).toString('base64url');
        const key = Buffer.from(out.Plaintext!);
        cache.set(id, key);
        return { id, key };
      });
      current.catch(() => (current = undefined));
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
  };
}

export function dataKeys(): Promise<DataKeys> {
  keyCache.dataKeys ??= (async () => {
    const keyId = config().piiKmsKeyId;
    return keySource(keyId, 'PII_KMS_KEY_ID') === 'aws' ? kmsDataKeys(keyId!) : localDataKeys();
  })().catch((e) => {
    keyCache.dataKeys = undefined;
    throw e;
  });
  return keyCache.dataKeys as Promise<DataKeys>;
}
