import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { BOOTSTRAP, createStaff, startTestApi, testPhone, type TestApi } from '../../test/helpers/api';

/**
 * No staff-account oracle: a filer learns whether a person holds a staff account only for
 * people in the filer's own scope; elsewhere the form is accepted and refused at the decision.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
let api: TestApi;
let filer: string;
let decider: string;

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  filer = await api.login((await createStaff({ roles: ['sys_admin'], regionCode: COUNTY })).idNumber);
  decider = await api.login((await createStaff({ roles: ['biz_admin'], regionCode: COUNTY })).idNumber);
});
afterAll(async () => api?.close());

describe('PERSON_HAS_ACCOUNT', () => {
  it('is not told to a filer about a province admin; the decider is refused with the reason', async () => {
    // Act
    const filed = await api.call('POST', '/account-requests', {
      token: filer,
      body: { kind: 'create', person: { name: '试探者', idNumber: BOOTSTRAP.sysAdmin(), phone: testPhone() }, regionCode: VILLAGE, roles: ['operator'] },
    });
    const approve = await api.call('POST', `/account-requests/${filed.body.id}/decision`, { token: decider, body: { approve: true } });
    const reject = await api.call('POST', `/account-requests/${filed.body.id}/decision`, { token: decider, body: { approve: false, reason: '此人已有账号' } });
    // Assess
    expect(filed.status, filed.text).toBe(201);
    expect(approve.status).toBe(409);
    expect(approve.body.error.code).toBe('PERSON_HAS_ACCOUNT');
    expect(reject.status).toBe(200);
  });
});
