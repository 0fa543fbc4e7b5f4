import { createHmac } from 'node:crypto';
import { config } from '../config';
import { deriveKey, keyCache, keySource, localKeys } from './keys';

/**
 * The blind-index key: its own Secrets Manager secret (BLIND_INDEX_SECRET_ARN), apart from the
 * session-signing keys. It cannot rotate on a timer: every stored index (people, accounts,
 * cases by applicant) is an HMAC under it, so a new key makes every lookup miss until every
 * record is re-indexed (docs/deploy.md, "Keys").
 */
async function loadKey(): Promise<Buffer> {
  const arn = config().blindIndexSecretArn;
  if (keySource(arn, 'BLIND_INDEX_SECRET_ARN') === 'local') return Buffer.from((await localKeys()).blindIndexKey, 'base64');
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const { traced } = await import('../trace');
  const sm = traced(new SecretsManagerClient({ region: config().region }));
  const material = (await sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? '';
  if (material.length < 32) throw new Error('blind-index secret too short');
  return deriveKey('blind-index', material);
}

/**
 * Keyed hash (HMAC-SHA256) of a normalized value: the blind index that lets us look up a person
 * by ID number without storing it in clear. `purpose` keeps indexes of different fields apart.
 */
export async function blindIndex(purpose: 'id' | 'phone', value: string): Promise<string> {
  keyCache.blindIndex ??= loadKey().catch((e) => {
    keyCache.blindIndex = undefined;
    throw e;
  });
  return createHmac('sha256', await keyCache.blindIndex).update(`${purpose}:${value}`).digest('base64url');
}
