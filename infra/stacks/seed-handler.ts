import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { clock } from '../../shared/clock';
import { config } from '../../shared/config';
import { logger } from '../../shared/log';
import { idNumberProblem, normalizeIdNumber } from '../../shared/security/pii';
import { seedBaseline } from '../../shared/seed/seed';

/**
 * Deploy-time seed (custom resource, onEvent of a custom-resources Provider): the region tree,
 * catalogue v1 and the two province bootstrap accounts, exactly as `npm start` seeds locally.
 * The bootstrap ID numbers arrive in a Secrets Manager secret (filled from NoEcho parameters);
 * the event carries only the secret's ARN, because the Provider framework logs every event.
 * seedBaseline is idempotent (one mark per step), so Update re-runs it safely; Delete keeps data.
 */
const sm = new SecretsManagerClient({ region: config().region });
const PHYSICAL_ID = 'jiujinban-seed-baseline';

interface BootstrapIds {
  sysAdminId: string;
  bizAdminId: string;
}

export const handler = async (event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }> => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: PHYSICAL_ID };
  const secretArn = event.ResourceProperties.BootstrapSecretArn as string | undefined;
  if (!secretArn) throw new Error('BootstrapSecretArn missing');
  const secret = await sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
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
  logger.info('seed finished', { steps: done.length });
  return { PhysicalResourceId: PHYSICAL_ID, Data: { steps: String(done.length) } };
};
