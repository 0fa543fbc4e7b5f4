import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { config } from '../../shared/config';
import { logger } from '../../shared/log';
import { parseSessionKeys, type SessionKeysDocument } from '../../shared/security/signing-keys';
import { traced } from '../../shared/trace';

/**
 * Secrets Manager rotation of the session-signing keys (the four-step rotation protocol). The new
 * version makes a fresh key current under a new kid and keeps the old one as `previous` with its
 * retirement time, so tokens signed before the rotation verify for one more session lifetime
 * (shared/security/signing-keys.ts) and nobody is logged out. No key material is ever logged.
 */
interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}

const sm = traced(new SecretsManagerClient({ region: config().region }));

/** The next version of the document: a new current key, the old current as previous. */
export function rotatedDocument(current: SessionKeysDocument, newKey: string, now: Date): SessionKeysDocument {
  return {
    kid: `k${now.getTime().toString(36)}`,
    key: newKey,
    previous: { kid: current.kid, key: current.key, retiredAt: now.toISOString() },
  };
}

export const handler = async (event: RotationEvent): Promise<void> => {
  const { SecretId, ClientRequestToken: token, Step } = event;
  const meta = await sm.send(new DescribeSecretCommand({ SecretId }));
  const stages = meta.VersionIdsToStages?.[token];
  if (!meta.RotationEnabled) throw new Error('rotation is not enabled on this secret');
  if (!stages) throw new Error('unknown version token');
  logger.info('rotation step', { step: Step });
  switch (Step) {
    case 'createSecret': {
      try {
        await sm.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }));
        return; // already created by an earlier attempt of this rotation
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
      const current = parseSessionKeys((await sm.send(new GetSecretValueCommand({ SecretId, VersionStage: 'AWSCURRENT' }))).SecretString ?? '{}');
      const random = await sm.send(new GetRandomPasswordCommand({ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false }));
      const next = rotatedDocument(current, random.RandomPassword!, new Date());
      await sm.send(new PutSecretValueCommand({ SecretId, ClientRequestToken: token, SecretString: JSON.stringify(next), VersionStages: ['AWSPENDING'] }));
      return;
    }
    case 'setSecret':
      return; // the keys are ours alone: no other system to tell
    case 'testSecret': {
      const pending = await sm.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }));
      parseSessionKeys(pending.SecretString ?? '{}');
      return;
    }
    case 'finishSecret': {
      if (stages.includes('AWSCURRENT')) return;
      const currentVersion = Object.entries(meta.VersionIdsToStages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      await sm.send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, ...(currentVersion ? { RemoveFromVersionId: currentVersion } : {}) }));
      return;
    }
  }
};
