import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, tableSnapshot } from '../../test/helpers/table';
import { BOOTSTRAP, createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { isoShanghai, monthShanghai } from '../../shared/clock';
import { getItem } from '../../shared/db/store';
import { AccountAudit, AccountRequest } from '../../shared/db/entities';
import { SCHEDULES } from '../../shared/schedules';
import { auditMonthEnd } from './audit';
import { buildMonthlyAccountAudits } from './jobs';
import { putPoint, setAccountRaw, setRaw } from './test-support';

/** A7: the monthly account audit of a county and of the province, kept once the month is closed. */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
const DAY = 86_400_000;
const current = monthShanghai(new Date());
const previous = monthShanghai(new Date(Date.parse(`${current}-01T00:00:00+08:00`) - 1));
const end = auditMonthEnd(previous).getTime();
const at = (daysBeforeEnd: number) => isoShanghai(new Date(end - daysBeforeEnd * DAY));

let api: TestApi;
let countySys: string;
const ids = {} as Record<'busy' | 'idle' | 'surplus' | 'locked' | 'frozen' | 'leftThisMonth' | 'leftEarlier', string>;
let staleRequest: string;
let freshRequest: string;

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  const inOperation = await putPoint(VILLAGE, 'in_operation');
  const onTrial = await putPoint(VILLAGE, 'trial_run');
  const make = async (roles: Parameters<typeof createStaff>[0]['roles'], regionCode: string, pointId?: string) =>
    (await createStaff({ roles, regionCode, pointId })).account.id;
  ids.busy = await make(['operator'], VILLAGE, inOperation);
  ids.idle = await make(['operator'], VILLAGE, onTrial);
  ids.surplus = await make(['reviewer', 'supervisor'], COUNTY);
  ids.locked = await make(['operator'], VILLAGE, inOperation);
  ids.frozen = await make(['reviewer'], COUNTY);
  ids.leftThisMonth = await make(['operator'], VILLAGE, inOperation);
  ids.leftEarlier = await make(['operator'], VILLAGE, inOperation);
  const old = at(200);
  await setAccountRaw(ids.busy, { createdAt: old, lastLoginAt: at(6) });
  await setAccountRaw(ids.idle, { createdAt: old, lastLoginAt: at(46) });
  await setAccountRaw(ids.surplus, { createdAt: old, lastLoginAt: at(1) });
  await setAccountRaw(ids.locked, { createdAt: old, lastLoginAt: at(120), status: 'locked', lockedAt: at(20) });
  await setAccountRaw(ids.frozen, { createdAt: old, lastLoginAt: at(2), status: 'frozen', statusReason: '账号泄露' });
  await setAccountRaw(ids.leftThisMonth, { createdAt: old, lastLoginAt: at(12), status: 'deregistered', deregisteredAt: at(10), formerRoles: ['operator'], roles: [] });
  await setAccountRaw(ids.leftEarlier, { createdAt: old, lastLoginAt: at(50), status: 'deregistered', deregisteredAt: at(45), formerRoles: ['operator'], roles: [] });

  const provSys = await api.login(BOOTSTRAP.sysAdmin());
  const countySysMade = await createStaff({ roles: ['sys_admin'], regionCode: COUNTY });
  countySys = await api.login(countySysMade.idNumber);
  const file = async () =>
    (await api.call('POST', '/account-requests', { token: provSys, body: { kind: 'create', person: { name: '申请', idNumber: testIdNumber('19881111'), phone: testPhone() }, regionCode: COUNTY, roles: ['sys_admin'] } })).body.id as string;
  staleRequest = await file();
  freshRequest = await file();
  await setRaw(AccountRequest.key({ id: staleRequest }), { filedAt: at(26) });
  await setRaw(AccountRequest.key({ id: freshRequest }), { filedAt: at(3) });
});
afterAll(async () => api?.close());

const idsOf = (entries: { accountId: string }[]) => entries.map((e) => e.accountId).sort();

describe('monthly account audit (A7)', () => {
  it('lists idle, locked, frozen, deregistered-this-month, over-privileged, operators at idle points and stale requests', async () => {
    // Act
    const res = await api.call('GET', `/accounts/audit?month=${previous}&region=${COUNTY}`, { token: countySys });
    // Assess
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r).toMatchObject({ regionCode: COUNTY, month: previous, stored: true });
    expect(idsOf(r.idle)).toEqual([ids.idle]);
    expect(idsOf(r.locked)).toEqual([ids.locked]);
    expect(idsOf(r.frozen)).toEqual([ids.frozen]);
    expect(idsOf(r.deregisteredThisMonth)).toEqual([ids.leftThisMonth]);
    expect(idsOf(r.overPrivileged)).toEqual([ids.surplus]);
    expect(idsOf(r.operatorsAtPointsNotInOperation)).toEqual([ids.idle]);
    expect(r.staleRequests.map((s: { requestId: string }) => s.requestId)).toEqual([staleRequest]);
    expect(r.staleRequests[0].ageDays).toBe(26);
  });

  it('is kept: asked again after things changed, it returns the same stored report and writes nothing', async () => {
    // Prepare
    const first = await api.call('GET', `/accounts/audit?month=${previous}&region=${COUNTY}`, { token: countySys });
    await setAccountRaw(ids.busy, { status: 'frozen' });
    const before = await tableSnapshot();
    // Act
    const again = await api.call('GET', `/accounts/audit?month=${previous}&region=${COUNTY}`, { token: countySys });
    const live = await api.call('GET', `/accounts/audit?month=${current}&region=${COUNTY}`, { token: countySys });
    // Assess
    expect(again.body).toEqual(first.body);
    expect(await tableSnapshot()).toEqual(before);
    expect(await getItem(AccountAudit.key({ regionCode: COUNTY, month: previous }))).toBeTruthy();
    expect(live.body.stored).toBe(false);
    expect(idsOf(live.body.frozen)).toContain(ids.busy);
    await setAccountRaw(ids.busy, { status: 'active' });
  });

  it('the province audit covers the counties below it; the monthly schedule keeps one per county and one for the province', async () => {
    // Prepare
    const entry = SCHEDULES.find((s) => s.exportName === 'buildMonthlyAccountAudits');
    expect(entry).toMatchObject({ domain: 'accounts', cron: { minute: '30', hour: '7', day: '1' } });
    // Act
    const built = await buildMonthlyAccountAudits({ month: previous });
    const provBiz = await api.login(BOOTSTRAP.bizAdmin());
    const province = await api.call('GET', `/accounts/audit?month=${previous}&region=140000000000`, { token: provBiz });
    // Assess
    expect(built).toEqual({ month: previous, regions: 2 });
    expect(province.body.stored).toBe(true);
    expect(idsOf(province.body.idle)).toEqual([ids.idle]);
    expect((await getItem<{ report: unknown }>(AccountAudit.key({ regionCode: '140000000000', month: previous })))!.report).toEqual(province.body);
  });

  it('refuses future months and regions that are not a county or the province (400)', async () => {
    const future = await api.call('GET', `/accounts/audit?month=2999-01&region=${COUNTY}`, { token: countySys });
    const township = await api.call('GET', `/accounts/audit?month=${previous}&region=141033100000`, { token: countySys });
    const noMonth = await api.call('GET', '/accounts/audit', { token: countySys });
    expect([future.status, township.status, noMonth.status]).toEqual([400, 400, 400]);
    expect(noMonth.body.error.details[0].field).toBe('query.month');
  });
});
