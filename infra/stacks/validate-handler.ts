import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { idNumberProblem, normalizeIdNumber } from '../../shared/security/pii';

/**
 * The stack's first resource (every other resource depends on it): checks the deploy parameters
 * the templates cannot (the ID numbers' check digit and date, the e-SSC key set's JSON) before
 * anything is created. A typo then fails the deployment in seconds with nothing left behind,
 * instead of failing in the seed, the last resource, after the retained table, keys and log
 * groups exist. Invoked by CloudFormation directly (no provider framework, which would log the
 * event with the ID numbers): it answers on the pre-signed ResponseURL itself. It never logs the
 * event or a number.
 */
export function parameterProblems(p: Record<string, unknown>, now = new Date()): string[] {
  const problems: string[] = [];
  const ids: string[] = [];
  for (const name of ['BootstrapSysAdminIdNumber', 'BootstrapBizAdminIdNumber']) {
    const raw = normalizeIdNumber(String(p[name] ?? ''));
    const problem = idNumberProblem(raw, now);
    if (problem) problems.push(`${name}: ${problem}`);
    ids.push(raw);
  }
  if (ids[0] && ids[0] === ids[1]) problems.push('BootstrapSysAdminIdNumber and BootstrapBizAdminIdNumber must be two different people');
  try {
    const jwks = JSON.parse(String(p.EsscJwks ?? '')) as { keys?: unknown };
    if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) problems.push('EsscJwks: a JSON Web Key Set {"keys":[...]} with at least one key');
    else if (jwks.keys.some((k) => typeof k !== 'object' || k === null || 'd' in k)) problems.push('EsscJwks: public keys only (a key has a private part "d")');
  } catch {
    problems.push('EsscJwks: not valid JSON');
  }
  const domain = String(p.ApiDomainName ?? '');
  const cert = String(p.ApiCertificateArn ?? '');
  if ((domain === '') !== (cert === '')) problems.push('ApiDomainName and ApiCertificateArn: give both or neither');
  return problems;
}

export const handler = async (event: CloudFormationCustomResourceEvent): Promise<void> => {
  const problems = event.RequestType === 'Delete' ? [] : parameterProblems(event.ResourceProperties);
  const body = JSON.stringify({
    Status: problems.length ? 'FAILED' : 'SUCCESS',
    Reason: problems.length ? `deploy parameters: ${problems.join('; ')}`.slice(0, 3500) : 'parameters valid',
    PhysicalResourceId: 'jiujinban-parameter-check',
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const res = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
  if (!res.ok) throw new Error(`CloudFormation response failed: ${res.status}`);
};
