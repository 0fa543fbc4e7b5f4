import { DeleteSecretCommand, GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { clock } from '../../shared/clock';
import { config } from '../../shared/config';
import { logger } from '../../shared/log';
import { idNumberProblem, normalizeIdNumber } from '../../shared/security/pii';
import { seedBaseline } from '../../shared/seed/seed';
import { traced } from '../../shared/trace';

/**
 * Deploy-time seed (custom resource, onEvent of a custom-resources Provider): the region tree,
 * catalogue v1 and the two province bootstrap accounts, exactly as `npm start` seeds locally.
 * The bootstrap ID numbers arrive in a Secrets Manager secret (filled from NoEcho parameters);
 * the event carries only the secret's ARN, because the Provider framework logs every event.
 * seedBaseline is idempotent (one mark per step), so Update re-runs it safely; Delete keeps data.
 * Once the seed has run, the bootstrap secret is deleted (no recovery window): the two ID numbers
 * are needed once and then only live sealed in the table. A later run without it has nothing to do.
 */
const sm = traced(new SecretsManagerClient({ region: config().region }));
const PHYSICAL_ID = 'jiujinban-seed-baseline';

interface BootstrapIds {
  sysAdminId: string;
  bizAdminId: string;
}

export const handler = async (event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }> => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: PHYSICAL_ID };
  const secretArn = event.ResourceProperties.BootstrapSecretArn as string | undefined;
  if (!secretArn) throw new Error('BootstrapSecretArn missing');
  let secret;
  try {
    secret = await sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    logger.info('bootstrap secret already deleted: the seed ran before');
    return { PhysicalResourceId: PHYSICAL_ID, Data: { steps: '0' } };
  }
  const ids = JSON.parse(secret.SecretString ?? '{}') as Partial<BootstrapIds>;
  const now = clock.now();
  const checked: BootstrapIds = { sysAdminId: '', bizAdminId: '' };
  for (const field of ['sysAdminId', 'bizAdminId'] as const) {
    const raw = normalizeIdNumber(ids[field] ?? '');
    const problem = idNumberProblem(raw, now);
    // Fails the deployment before anything is written; the message never carries the number.
    if (problem) throw new Error(`bootstrap parameter ${field}: ${problem}`);
    checked[field] = raw;
  }
  if (checked.sysAdminId === checked.bizAdminId) throw new Error('the two bootstrap admins must be different people');
  const done = await seedBaseline({ ...checked, now });
  await sm.send(new DeleteSecretCommand({ SecretId: secretArn, ForceDeleteWithoutRecovery: true }));
  logger.info('seed finished; bootstrap secret deleted', { steps: done.length });
  return { PhysicalResourceId: PHYSICAL_ID, Data: { steps: String(done.length) } };
};
