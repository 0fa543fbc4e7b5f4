import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems } from '../../test/helpers/table';
import { BOOTSTRAP, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { monthShanghai } from '../../shared/clock';
import { putPoint, provisionOverHttp } from './test-support';

/**
 * A4 end to end over HTTP: the bootstrap province admins give 蒲县 its two admins; the county
 * admins give a village point its operator; each person then logs in with the card.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200'; // 城关村委会, 蒲城镇

let api: TestApi;
let provSys: string;
let provBiz: string;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  provSys = await api.login(BOOTSTRAP.sysAdmin());
  provBiz = await api.login(BOOTSTRAP.bizAdmin());
});
afterAll(async () => api?.close());

const person = (name: string) => ({ name, idNumber: testIdNumber('19850101'), phone: testPhone() });

describe('request → approve → create → roles → login', () => {
  it('province admins create the county admins; county admins create an operator; each logs in', async () => {
    // Prepare
    const countySysP = person('县系统管理员');
    const countyBizP = person('县业务管理员');
    const operatorP = person('村级操作员');
    const pointId = await putPoint(VILLAGE);

    // Act: the province files (the paper form), decides and fulfils for the county admins
    const filed = await api.call('POST', '/account-requests', {
      token: provSys,
      body: { kind: 'create', person: countySysP, regionCode: COUNTY, roles: ['sys_admin'] },
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ status: 'filed', managerLevel: 'province', roles: ['sys_admin'] });
    expect(filed.body.person.idNumber).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
    const decided = await api.call('POST', `/account-requests/${filed.body.id}/decision`, { token: provBiz, body: { approve: true, reason: '同意' } });
    expect(decided.body.status).toBe('approved');
    const created = await api.call('POST', '/accounts', { token: provSys, body: { requestId: filed.body.id } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ roles: [], status: 'active', regionCode: COUNTY, managerLevel: 'province' });
    const linked = await api.call('PUT', `/accounts/${created.body.id}/roles`, { token: provBiz, body: { roles: ['sys_admin'], version: created.body.version } });
    expect(linked.status).toBe(200);
    // The applicant (the filer) sees the outcome on the form
    const seen = await api.call('GET', `/account-requests/${filed.body.id}`, { token: provSys });
    expect(seen.body).toMatchObject({ status: 'fulfilled', accountId: created.body.id, decision: { approve: true, reason: '同意' } });

    const biz = await provisionOverHttp(api, { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz }, { person: countyBizP, regionCode: COUNTY, roles: ['biz_admin'] });
    const countySys = await api.login(countySysP.idNumber);
    const countyBiz = await api.login(countyBizP.idNumber);
    expect((await api.call('GET', '/me', { token: countySys })).body).toMatchObject({ roles: ['sys_admin'], regionCode: COUNTY });
    expect((await api.call('GET', '/me', { token: countyBiz })).body).toMatchObject({ roles: ['biz_admin'], accountId: biz.accountId });

    // Act: the county (on the village's behalf) files for an operator; county decides and fulfils
    const op = await provisionOverHttp(
      api,
      { filer: countyBiz, decider: countySys, sysAdmin: countySys, bizAdmin: countyBiz },
      { person: operatorP, regionCode: VILLAGE, pointId, roles: ['operator'] },
    );
    const operator = await api.login(operatorP.idNumber);

    // Assess
    expect((await api.call('GET', '/me', { token: operator })).body).toMatchObject({ kind: 'staff', roles: ['operator'], regionCode: VILLAGE, pointId });
    const form = await api.call('GET', `/account-requests/${op.requestId}`, { token: countyBiz });
    expect(form.body).toMatchObject({ status: 'fulfilled', closedMonth: monthShanghai(new Date()) });
    const shown = await api.call('GET', `/accounts/${op.accountId}`, { token: countySys });
    expect(shown.body.idNumber).toBe(`${operatorP.idNumber.slice(0, 4)}**********${operatorP.idNumber.slice(-4)}`);
    expect(shown.body.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    const dump = JSON.stringify(await rawItems());
    expect(dump).not.toContain(operatorP.idNumber);
    expect(dump).not.toContain(operatorP.phone);
  });

  it('lists the month archive for the city and the county queue by status', async () => {
    // Prepare: a form that is still open, and a rejected one
    const open = await api.call('POST', '/account-requests', { token: provSys, body: { kind: 'create', person: person('待审'), regionCode: COUNTY, roles: ['sys_admin'] } });
    const toReject = await api.call('POST', '/account-requests', { token: provSys, body: { kind: 'create', person: person('驳回'), regionCode: COUNTY, roles: ['biz_admin'] } });
    await api.call('POST', `/account-requests/${toReject.body.id}/decision`, { token: provBiz, body: { approve: false, reason: '材料不全' } });
    const month = monthShanghai(new Date());
    // Act
    const archive = await api.call('GET', `/account-requests?month=${month}&region=141000000000&limit=2`, { token: provSys });
    const rest = await api.call('GET', `/account-requests?month=${month}&region=141000000000&cursor=${archive.body.nextCursor}`, { token: provSys });
    const rejected = await api.call('GET', `/account-requests?month=${month}&status=rejected`, { token: provBiz });
    const queue = await api.call('GET', `/account-requests?region=${COUNTY}&status=filed`, { token: provSys });
    // Assess
    const archived = [...archive.body.items, ...rest.body.items];
    expect(archive.body.items).toHaveLength(2);
    expect(archived.map((r: { status: string }) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(rest.body.nextCursor).toBeNull();
    expect(rejected.body.items.map((r: { id: string }) => r.id)).toEqual([toReject.body.id]);
    expect(queue.body.items.map((r: { id: string }) => r.id)).toContain(open.body.id);
    expect(queue.body.items.every((r: { status: string }) => r.status === 'filed')).toBe(true);
  });

  it('keeps one live account per person; deregistering frees the person for a new request', async () => {
    // Prepare
    const p = person('调岗人员');
    const made = await provisionOverHttp(api, { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz }, { person: p, regionCode: COUNTY, roles: ['sys_admin'] });
    // Act
    const again = await api.call('POST', '/account-requests', { token: provSys, body: { kind: 'create', person: p, regionCode: COUNTY, roles: ['biz_admin'] } });
    const gone = await api.call('POST', `/accounts/${made.accountId}/deregister`, { token: provSys, body: { reason: '离岗' } });
    const back = await api.call('POST', `/accounts/${made.accountId}/unfreeze`, { token: provSys });
    const relock = await api.call('POST', `/accounts/${made.accountId}/unlock`, { token: provSys });
    const roles = await api.call('PUT', `/accounts/${made.accountId}/roles`, { token: provBiz, body: { roles: ['sys_admin'], version: gone.body.version } });
    const asCitizen = await api.call('GET', '/me', { token: await api.login(p.idNumber) });
    const renewed = await provisionOverHttp(api, { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz }, { person: p, regionCode: COUNTY, roles: ['biz_admin'] });
    // Assess
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PERSON_HAS_ACCOUNT');
    expect(gone.body).toMatchObject({ status: 'deregistered', roles: [] });
    expect([back.status, relock.status, roles.status]).toEqual([409, 409, 409]);
    expect(asCitizen.body.kind).toBe('citizen');
    expect(renewed.accountId).not.toBe(made.accountId);
    expect((await api.call('GET', '/me', { token: await api.login(p.idNumber) })).body).toMatchObject({ accountId: renewed.accountId, roles: ['biz_admin'] });
  });

  it('freezing ends every live session at once; unfreezing does not revive old tokens', async () => {
    // Prepare
    const p = person('泄露账号');
    const made = await provisionOverHttp(api, { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz }, { person: p, regionCode: COUNTY, roles: ['supervisor'] }).catch((e) => e);
    // a county supervisor is the county's to manage: the province may not create it
    expect(String(made)).toMatch(/file: 403/);
    const sup = await provisionOverHttp(api, { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz }, { person: p, regionCode: COUNTY, roles: ['biz_admin'] });
    const t1 = await api.login(p.idNumber);
    const t2 = await api.login(p.idNumber);
    // Act
    const frozen = await api.call('POST', `/accounts/${sup.accountId}/freeze`, { token: provSys, body: { reason: '账号泄露' } });
    const r1 = await api.call('GET', '/me', { token: t1 });
    const r2 = await api.call('GET', '/accounts?status=active', { token: t2 });
    const loginFrozen = await api.call('POST', '/dev/card-scan', { body: { sessionId: (await api.call('POST', '/auth/qr-sessions')).body.sessionId, idNumber: p.idNumber } });
    const thawed = await api.call('POST', `/accounts/${sup.accountId}/unfreeze`, { token: provSys });
    const old = await api.call('GET', '/me', { token: t1 });
    // Assess
    expect(frozen.body.status).toBe('frozen');
    expect([r1.status, r1.body.error.code]).toEqual([403, 'ACCOUNT_FROZEN']);
    expect([r2.status, r2.body.error.code]).toEqual([403, 'ACCOUNT_FROZEN']);
    expect([loginFrozen.status, loginFrozen.body.error.code]).toEqual([403, 'ACCOUNT_FROZEN']);
    expect(thawed.body.status).toBe('active');
    expect(old.status).toBe(401);
    expect((await api.call('GET', '/me', { token: await api.login(p.idNumber) })).status).toBe(200);
  });

  it('refuses an operator without a point, a role at the wrong level, and names every bad field', async () => {
    const bad = await api.call('POST', '/account-requests', {
      token: provSys,
      body: { kind: 'create', person: { name: '', idNumber: '140000197508080018', phone: '123' }, regionCode: 'x', roles: ['operator', 'operator', 'chief'], extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(
      ['body.extra', 'body.person.idNumber', 'body.person.name', 'body.person.phone', 'body.regionCode', 'body.roles.2'].sort(),
    );
    const misplaced = await api.call('POST', '/account-requests', { token: provSys, body: { kind: 'create', person: person('错位'), regionCode: COUNTY, roles: ['operator'] } });
    expect(misplaced.status).toBe(400);
    expect(misplaced.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.pointId', 'body.roles']);
  });
});

describe('an operator form that names the village but not the point', () => {
  it('takes the village\'s one point (every region is seeded with its planned point)', async () => {
    // Prepare: county admins, and a village whose only point is its seeded planned one
    const roles = { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz };
    const sysP = person('县系统管理员二');
    const bizP = person('县业务管理员二');
    await provisionOverHttp(api, roles, { person: sysP, regionCode: COUNTY, roles: ['sys_admin'] });
    await provisionOverHttp(api, roles, { person: bizP, regionCode: COUNTY, roles: ['biz_admin'] });
    const countyBiz = await api.login(bizP.idNumber);
    const points = await api.call('GET', '/points?region=141033100201', { token: countyBiz });
    const own = points.body.items.filter((pt: { regionCode: string }) => pt.regionCode === '141033100201');
    expect(own).toHaveLength(1);
    // Act
    const filed = await api.call('POST', '/account-requests', {
      token: countyBiz,
      body: { kind: 'create', person: person('桃湾村操作员'), regionCode: '141033100201', roles: ['operator'] },
    });
    // Assess
    expect(filed.status).toBe(201);
    expect(filed.body.pointId).toBe(own[0].id);
  });
});

describe('change and deregister forms', () => {
  it('a change form moves an operator to another point; a deregister form ends the account; both archived', async () => {
    // Prepare: county admins and an operator at one point
    const sysP = person('县系统B');
    const bizP = person('县业务B');
    await provisionOverHttp(api, { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz }, { person: sysP, regionCode: COUNTY, roles: ['sys_admin'] });
    await provisionOverHttp(api, { filer: provSys, decider: provBiz, sysAdmin: provSys, bizAdmin: provBiz }, { person: bizP, regionCode: COUNTY, roles: ['biz_admin'] });
    const countySys = await api.login(sysP.idNumber);
    const countyBiz = await api.login(bizP.idNumber);
    const from = await putPoint(VILLAGE);
    const to = await putPoint('141033100201');
    const opP = person('调动操作员');
    const op = await provisionOverHttp(api, { filer: countyBiz, decider: countySys, sysAdmin: countySys, bizAdmin: countyBiz }, { person: opP, regionCode: VILLAGE, pointId: from, roles: ['operator'] });
    const opToken = await api.login(opP.idNumber);

    // Act: change (new village and point, same role)
    const change = await api.call('POST', '/account-requests', {
      token: opToken,
      body: { kind: 'change', person: { ...opP, phone: testPhone() }, regionCode: '141033100201', pointId: to, roles: ['operator'] },
    });
    const wrongUnit = change.status; // the operator's unit is its own village: not the target village
    const byCounty = await api.call('POST', '/account-requests', {
      token: countyBiz,
      body: { kind: 'change', person: { ...opP, phone: testPhone() }, regionCode: '141033100201', pointId: to, roles: ['operator'] },
    });
    await api.call('POST', `/account-requests/${byCounty.body.id}/decision`, { token: countySys, body: { approve: true } });
    const changed = await api.call('POST', '/accounts', { token: countySys, body: { requestId: byCounty.body.id } });
    const changeForm = await api.call('GET', `/account-requests/${byCounty.body.id}`, { token: countyBiz });
    // Act: deregister, filed by the county, fulfilled through POST /accounts
    const dereg = await api.call('POST', '/account-requests', { token: countyBiz, body: { kind: 'deregister', person: opP, regionCode: '141033100201', roles: [] } });
    await api.call('POST', `/account-requests/${dereg.body.id}/decision`, { token: countySys, body: { approve: true, reason: '离岗' } });
    const ended = await api.call('POST', '/accounts', { token: countySys, body: { requestId: dereg.body.id } });
    const again = await api.call('POST', '/accounts', { token: countySys, body: { requestId: dereg.body.id } });

    // Assess
    expect(wrongUnit).toBe(404);
    expect(byCounty.status).toBe(201);
    expect(byCounty.body.accountId).toBe(op.accountId);
    expect(changed.body).toMatchObject({ id: op.accountId, regionCode: '141033100201', pointId: to, roles: ['operator'] });
    expect(changeForm.body.status).toBe('fulfilled');
    expect(ended.status).toBe(201);
    expect(ended.body).toMatchObject({ id: op.accountId, status: 'deregistered', roles: [] });
    expect(again.status).toBe(409);
    expect((await api.call('GET', `/account-requests/${dereg.body.id}`, { token: countyBiz })).body.status).toBe('fulfilled');
    expect((await api.call('GET', '/me', { token: opToken })).status).toBe(403);
  });
});
