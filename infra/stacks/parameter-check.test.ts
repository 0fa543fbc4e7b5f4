import { describe, expect, it } from 'vitest';
import { parameterProblems } from './validate-handler';

/** The deploy-time parameter check (the stack's first custom resource), on its own. */
const jwks = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k' }] });
const ok = { BootstrapSysAdminIdNumber: '140000197508080017', BootstrapBizAdminIdNumber: '140000198012120024', EsscJwks: jwks, ApiDomainName: '', ApiCertificateArn: '' };

describe('deploy parameter check', () => {
  it('accepts the valid set', () => {
    expect(parameterProblems(ok)).toEqual([]);
  });
  it('names each bad parameter: check digit, same person, private key, half a custom domain', () => {
    // Act
    const problems = parameterProblems({
      ...ok,
      BootstrapSysAdminIdNumber: '140000197508080018',
      EsscJwks: JSON.stringify({ keys: [{ kty: 'EC', d: 'secret' }] }),
      ApiDomainName: 'api.jjb.example.cn',
    });
    // Assess
    expect(problems).toEqual([
      'BootstrapSysAdminIdNumber: 身份证号校验码错误',
      'EsscJwks: public keys only (a key has a private part "d")',
      'ApiDomainName and ApiCertificateArn: give both or neither',
    ]);
    expect(parameterProblems({ ...ok, BootstrapBizAdminIdNumber: ok.BootstrapSysAdminIdNumber })).toEqual([
      'BootstrapSysAdminIdNumber and BootstrapBizAdminIdNumber must be two different people',
    ]);
    expect(parameterProblems({ ...ok, EsscJwks: '{' })).toEqual(['EsscJwks: not valid JSON']);
  });
});
