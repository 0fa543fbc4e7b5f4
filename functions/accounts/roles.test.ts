import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, tableSnapshot } from '../../test/helpers/table';
import { BOOTSTRAP, createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { getItem } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import { Account, type AccountAttrs } from '../../shared/db/entities';
import { systemCtx, type StaffPrincipal } from '../../shared/http/context';
import { Conflict, Forbidden } from '../../shared/http/errors';
import { requireAdminRole, requireCaseRights, separationProblem } from '../../shared/security/authorize';
import { grantRoles } from './store';
import { provisionOverHttp, setAccountRaw } from './test-support';

/** A2/A3: separation of duties where roles are written (a conditional write) and where actions are authorized. */
const COUNTY = '141033000000';
let api: TestApi;
let provSys: string;
let provBiz: string;
let provBizId: string;
let provSysId: string;

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  provSys = await api.login(BOOTSTRAP.sysAdmin());
  provBiz = await api.login(BOOTSTRAP.bizAdmin());
  provBizId = (await api.call('GET', '/me', { token: provBiz })).body.accountId;
  provSysId = (await api.call('GET', '/me', { token: provSys })).body.accountId;
});
afterAll(async () => api?.close());

const person = (name: string) => ({ name, idNumber: testIdNumber('19900101'), phone: testPhone() });

/** A county admin post (managed by the province) with no roles yet, through the real A4 path. */
async function emptyAdminPost(): Promise<string> {
  const filed = await api.call('POST', '/account-requests', { token: provSys, body: { kind: 'create', person: person('待授权'), regionCode: COUNTY, roles: ['sys_admin'] } });
  await api.call('POST', `/account-requests/${filed.body.id}/decision`, { token: provBiz, body: { approve: true } });
  const created = await api.call('POST', '/accounts', { token: provSys, body: { requestId: filed.body.id } });
  expect(created.status).toBe(201);
  return created.body.id as string;
}
const account = async (id: string) => (await getItem<AccountAttrs>(Account.key({ id }), true))!;

describe('separation of duties when roles are written (403 SEPARATION_OF_DUTIES, nothing written)', () => {
  it.each([
    ['both admin roles', ['sys_admin', 'biz_admin']],
    ['an admin with operator', ['sys_admin', 'operator']],
    ['an admin with reviewer', ['biz_admin', 'reviewer']],
    ['an admin with any other role', ['sys_admin', 'supervisor']],
  ])('refuses %s', async (_label, roles) => {
    // Prepare
    const id = await emptyAdminPost();
    const before = await tableSnapshot();
    // Act
    const res = await api.call('PUT', `/accounts/${id}/roles`, { token: provBiz, body: { roles, version: (await account(id)).version } });
    // Assess
    expect([res.status, res.body.error.code]).toEqual([403, 'SEPARATION_OF_DUTIES']);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('refuses swapping one admin post for the other in one write, and an admin acting on their own account', async () => {
    // Prepare
    const id = await emptyAdminPost();
    await api.call('PUT', `/accounts/${id}/roles`, { token: provBiz, body: { roles: ['sys_admin'], version: 1 } });
    const before = await tableSnapshot();
    // Act
    const swap = await api.call('PUT', `/accounts/${id}/roles`, { token: provBiz, body: { roles: ['biz_admin'], version: 2 } });
    const ownRoles = await api.call('PUT', `/accounts/${provBizId}/roles`, { token: provBiz, body: { roles: ['biz_admin'], version: 1 } });
    const ownFreeze = await api.call('POST', `/accounts/${provSysId}/freeze`, { token: provSys });
    const ownDeregister = await api.call('POST', `/accounts/${provSysId}/deregister`, { token: provSys, body: { reason: '自己' } });
    const ownRequest = await api.call('POST', '/account-requests', {
      token: provSys,
      body: { kind: 'change', person: { name: '省级系统管理员', idNumber: BOOTSTRAP.sysAdmin(), phone: '13800000001' }, regionCode: '140000000000', roles: ['sys_admin'] },
    });
    const bothFiled = await api.call('POST', '/account-requests', { token: provSys, body: { kind: 'create', person: person('兼任'), regionCode: COUNTY, roles: ['sys_admin', 'biz_admin'] } });
    // Assess
    for (const r of [swap, ownRoles, ownFreeze, ownDeregister, ownRequest, bothFiled]) {
      expect([r.status, r.body.error.code]).toEqual([403, 'SEPARATION_OF_DUTIES']);
    }
    expect(await tableSnapshot()).toEqual(before);
  });

  it('county admins cannot act on their own accounts either (SEPARATION_OF_DUTIES before any level check)', async () => {
    // Prepare
    const sysP = person('县系统自操作');
    const bizP = person('县业务自操作');
    const sys = await provisionOverHttp(api, { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz }, { person: sysP, regionCode: COUNTY, roles: ['sys_admin'] });
    const biz = await provisionOverHttp(api, { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz }, { person: bizP, regionCode: COUNTY, roles: ['biz_admin'] });
    const sysToken = await api.login(sysP.idNumber);
    const bizToken = await api.login(bizP.idNumber);
    const before = await tableSnapshot();
    // Act
    const results = [
      await api.call('POST', `/accounts/${sys.accountId}/freeze`, { token: sysToken }),
      await api.call('POST', `/accounts/${sys.accountId}/deregister`, { token: sysToken }),
      await api.call('PUT', `/accounts/${biz.accountId}/roles`, { token: bizToken, body: { roles: ['biz_admin', 'supervisor'], version: (await account(biz.accountId)).version } }),
      await api.call('PUT', `/accounts/${sys.accountId}/roles`, { token: bizToken, body: { roles: ['sys_admin', 'operator'], version: (await account(sys.accountId)).version } }),
    ];
    // Assess
    expect(results.map((r) => [r.status, r.body.error.code])).toEqual(Array(4).fill([403, 'SEPARATION_OF_DUTIES']));
    expect(await tableSnapshot()).toEqual(before);
  });

  it('only the province links admin roles: a county business admin cannot make anyone an admin', async () => {
    // Prepare: county admins, and a county reviewer account managed by the county
    const countyBizP = person('县业务');
    await provisionOverHttp(api, { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz }, { person: countyBizP, regionCode: COUNTY, roles: ['biz_admin'] });
    const countyBiz = await api.login(countyBizP.idNumber);
    const { account: reviewer } = await createStaff({ roles: ['reviewer'], regionCode: COUNTY });
    const before = await tableSnapshot();
    // Act
    const res = await api.call('PUT', `/accounts/${reviewer.id}/roles`, { token: countyBiz, body: { roles: ['sys_admin'], version: reviewer.version } });
    // Assess
    expect([res.status, res.body.error.code]).toEqual([403, 'ROLE_NOT_FOR_POST']);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('concurrent grants that together would break A2', () => {
  it('never both succeed (30 rounds, same starting version)', async () => {
    const id = await emptyAdminPost();
    let bothWon = 0;
    let oneWon = 0;
    for (let round = 0; round < 30; round++) {
      // Prepare: back to no roles
      const reset = await api.call('PUT', `/accounts/${id}/roles`, { token: provBiz, body: { roles: [], version: (await account(id)).version } });
      expect(reset.status).toBe(200);
      const v = reset.body.version as number;
      // Act: the two grants at once
      const [a, b] = await Promise.all([
        api.call('PUT', `/accounts/${id}/roles`, { token: provBiz, body: { roles: ['sys_admin'], version: v } }),
        api.call('PUT', `/accounts/${id}/roles`, { token: provBiz, body: { roles: ['biz_admin'], version: v } }),
      ]);
      // Assess
      if (a.status === 200 && b.status === 200) bothWon += 1;
      if ((a.status === 200) !== (b.status === 200)) oneWon += 1;
      for (const r of [a, b]) expect([200, 403, 409]).toContain(r.status);
      const stored = await account(id);
      expect(separationProblem(stored.roles)).toBeUndefined();
    }
    expect(bothWon).toBe(0);
    expect(oneWon).toBe(30);
  });

  it('never both succeed when each names a different version (30 rounds)', async () => {
    const id = await emptyAdminPost();
    let bothWon = 0;
    for (let round = 0; round < 30; round++) {
      const reset = await api.call('PUT', `/accounts/${id}/roles`, { token: provBiz, body: { roles: [], version: (await account(id)).version } });
      const v = reset.body.version as number;
      // The second grant names the version the first one will produce.
      const [a, b] = await Promise.all([
        api.call('PUT', `/accounts/${id}/roles`, { token: provBiz, body: { roles: ['sys_admin'], version: v } }),
        api.call('PUT', `/accounts/${id}/roles`, { token: provBiz, body: { roles: ['biz_admin'], version: v + 1 } }),
      ]);
      if (a.status === 200 && b.status === 200) bothWon += 1;
      expect(separationProblem((await account(id)).roles)).toBeUndefined();
    }
    expect(bothWon).toBe(0);
  });

  it('the write itself refuses: a grant built from a snapshot taken before the other admin role landed fails its condition', async () => {
    // Prepare: read the account, then another writer adds sys_admin without touching the version
    const id = await emptyAdminPost();
    const snapshot = await account(id);
    await setAccountRaw(id, { roles: ['sys_admin'] });
    // Act: the biz_admin grant from the old snapshot (version and login still match)
    const tx = new Tx(systemCtx('test', new Date()));
    grantRoles(tx, snapshot, { ...snapshot, roles: ['biz_admin'] }).log({ action: 'test.grant', targetType: 'Account', targetId: id });
    const outcome = await tx.commit().then(() => 'committed', (e: unknown) => e);
    // Assess
    expect(outcome).toBeInstanceOf(Conflict);
    expect((await account(id)).roles).toEqual(['sys_admin']);
  });
});

describe('separation of duties where actions are authorized (A3)', () => {
  const principal = (roles: StaffPrincipal['roles']): StaffPrincipal => ({
    kind: 'staff', accountId: 'A', name: 'x', roles, regionCode: COUNTY, regionPath: '140000000000/141000000000/141033000000', scopeBucket: COUNTY, sid: 's',
  });
  it('refuses admins any case action, whatever roles are linked', () => {
    expect(() => requireCaseRights(principal(['sys_admin']), 'operator')).toThrow(Forbidden);
    expect(() => requireCaseRights(principal(['biz_admin', 'reviewer']), 'reviewer')).toThrow(/管理员/);
    expect(() => requireCaseRights(principal(['reviewer']), 'reviewer')).not.toThrow();
  });
  it('an account that somehow holds both admin roles acts as neither', () => {
    expect(() => requireAdminRole(principal(['sys_admin', 'biz_admin']), 'sys_admin')).toThrow(Forbidden);
    expect(() => requireAdminRole(principal(['sys_admin']), 'sys_admin')).not.toThrow();
  });
});
