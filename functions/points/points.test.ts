import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems, tableSnapshot } from '../../test/helpers/table';
import { createStaff, startTestApi, testIdNumber, BOOTSTRAP, type TestApi } from '../../test/helpers/api';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { Region } from '../../shared/db/entities';
import { opLogByTarget } from '../../shared/db/entities';

/**
 * The points domain over HTTP: a village point's whole life (agreement, inspection, kiosk,
 * subsidy), every out-of-order step refused with nothing written, the authorization matrix and
 * the public directory.
 */
let api: TestApi;
const COUNTY = '141033000000';
const CHENGGUAN = '141033100200'; // 城关村委会 (village under 蒲城镇)
const TAOWAN = '141033100201'; // 桃湾村委会
const PUCHENG = '141033100000'; // 蒲城镇
const XUEGUAN = '141033101000'; // 薛关镇
const OTHER_COUNTY = '141034000000'; // a neighbouring county, added for the scope tests

let sysAdmin: string;
let bizAdmin: string;
let reviewer: string;
let countySupervisor: string;
let citySupervisor: string;
let otherSysAdmin: string;
let citizen: string;

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const ok = <R extends { status: number; text: string }>(r: R, status = 200): R => {
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
  return r;
};

async function pointAt(regionCode: string, token = sysAdmin) {
  const list = ok(await api.call('GET', `/points?region=${regionCode}`, { token }));
  return list.body.items.find((p: { regionCode: string }) => p.regionCode === regionCode);
}

const fullChecklist = { hasSign: true, hasWindow: true, hasEquipment: true, hasStaff: true, hasNetwork: true, hasSystem: true, canHandle: true };
const fullBase = { office: true, furniture: true, computer: true, internet: true, kiosk: true, publicBoard: true, staff: [{ name: '李四', type: 'part_time' }] };
const agreement = {
  countyParty: '蒲县人力资源和社会保障局',
  localParty: '城关村民委员会',
  content: '就业社保服务点合作内容',
  rightsAndDuties: '双方权利义务',
  responsibilities: '工作责任',
  majorProblemHandling: '重大问题处理',
  signedOn: '2024-04-25',
  termStart: '2024-05-01',
  termEnd: '2027-04-30',
};

beforeAll(async () => {
  await prepareTable();
  await new Tx(systemCtx('test', new Date()))
    .put(Region.item({ code: OTHER_COUNTY, name: '汾西县', level: 'county', parentCode: '141000000000', path: `140000000000/141000000000/${OTHER_COUNTY}` }))
    .log({ action: 'test.region', targetType: 'Region', targetId: OTHER_COUNTY })
    .commit();
  api = await startTestApi();
  const staff = async (roles: Parameters<typeof createStaff>[0]['roles'], regionCode: string) => api.login((await createStaff({ roles, regionCode })).idNumber);
  [sysAdmin, bizAdmin, reviewer, countySupervisor, citySupervisor, otherSysAdmin] = await Promise.all([
    staff(['sys_admin'], COUNTY),
    staff(['biz_admin'], COUNTY),
    staff(['reviewer'], COUNTY),
    staff(['supervisor'], COUNTY),
    staff(['supervisor'], '141000000000'),
    staff(['sys_admin'], OTHER_COUNTY),
  ]);
  citizen = await api.login(testIdNumber('19600101'));
});
afterAll(async () => api?.close());

/** Walks a point from planned to in_operation over HTTP (operator, agreement, inspection, kiosk where needed). */
async function walkToOperation(regionCode: string, location?: { lat: number; lng: number }) {
  let point = await pointAt(regionCode);
  const id = point.id as string;
  if (location) point = ok(await api.call('PUT', `/points/${id}`, { token: sysAdmin, body: { location, version: point.version } })).body;
  const step = async (to: string, date: string) => {
    point = ok(await api.call('POST', `/points/${id}/stage`, { token: bizAdmin, body: { to, date, note: to, version: point.version } })).body;
  };
  await step('set_up', '2024-04-20');
  ok(await api.call('PUT', `/points/${id}/agreement`, { token: bizAdmin, body: agreement }));
  await step('agreement_signed', '2024-04-25');
  await createStaff({ roles: ['operator'], regionCode, pointId: id });
  await step('accounts_configured', '2024-05-20');
  await step('trial_run', '2024-07-01');
  if (point.kind === 'village' || point.kind === 'community') {
    let device = ok(await api.call('POST', `/points/${id}/devices`, { token: bizAdmin, body: { serialNumber: `SN-${id.slice(-8)}`, deliveredOn: '2024-05-10' } }), 201).body;
    for (const to of ['distributed', 'registered', 'installed', 'debugged']) {
      device = ok(await api.call('POST', `/devices/${device.id}/stage`, { token: bizAdmin, body: { to, date: '2024-06-15', version: device.version } })).body;
    }
  }
  ok(await api.call('POST', `/points/${id}/inspections`, { token: bizAdmin, body: { date: '2024-08-10', inspector: '王验收', checklist: fullChecklist, baseStandard: fullBase } }), 201);
  await step('accepted', '2024-08-12');
  await step('in_operation', '2024-08-20');
  return point;
}

describe('seed', () => {
  it('gives every Pu County township, the community committee, each village and community a planned point', async () => {
    // Act
    const page1 = ok(await api.call('GET', `/points?region=${COUNTY}&limit=200`, { token: countySupervisor }));
    // Assess
    const kinds = page1.body.items.reduce((m: Record<string, number>, p: { kind: string }) => ({ ...m, [p.kind]: (m[p.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ township: 8, community_committee: 1, village: 80, community: 4 });
    expect(page1.body.items.every((p: { stage: string }) => p.stage === 'planned')).toBe(true);
    const small = ok(await api.call('GET', `/points?region=${COUNTY}&limit=50`, { token: countySupervisor }));
    const rest = ok(await api.call('GET', `/points?region=${COUNTY}&limit=50&cursor=${small.body.nextCursor}`, { token: countySupervisor }));
    expect(small.body.items.length + rest.body.items.length).toBe(93);
    expect(rest.body.nextCursor).toBeNull();
  });
});

describe('a village point from planned to formal operation', () => {
  it('walks the lifecycle with agreement, inspection, kiosk and subsidy; refuses every out-of-order step with nothing written', async () => {
    // Prepare
    let point = await pointAt(CHENGGUAN);
    const id = point.id as string;
    const stage = (to: string, date: string, version = point.version) =>
      api.call('POST', `/points/${id}/stage`, { token: bizAdmin, body: { to, date, note: `到${to}`, version } });
    const refused = async (res: Promise<{ status: number; body: any }>, code: string) => {
      const before = await tableSnapshot();
      const r = await res;
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.error.code).toBe(code);
      expect(await tableSnapshot()).toEqual(before);
      return r.body.error;
    };
    point = ok(await api.call('PUT', `/points/${id}`, { token: sysAdmin, body: { location: { lat: 36.412, lng: 111.088 }, hours: '周一至周五 9:00-17:00', version: point.version } })).body;
    point = ok(await api.call('PUT', `/points/${id}/base-standard`, { token: bizAdmin, body: { ...fullBase, kiosk: false, version: point.version } })).body;
    expect(point.baseStandard.staff).toHaveLength(1);

    // Act + Assess: skipping set_up names it
    const skip = await refused(stage('agreement_signed', '2024-04-25'), 'STAGE_OUT_OF_ORDER');
    expect(skip.details.missing).toEqual(['set_up']);
    await refused(stage('in_operation', '2024-04-25'), 'STAGE_OUT_OF_ORDER');
    await refused(stage('suspended', '2024-04-25'), 'STAGE_OUT_OF_ORDER');
    point = ok(await stage('set_up', '2024-04-20')).body;
    expect(point).toMatchObject({ stage: 'set_up', stageDate: '2024-04-20' });
    await refused(stage('set_up', '2024-04-21', point.version - 1), 'STALE_VERSION');

    // agreement_signed needs the agreement
    expect((await refused(stage('agreement_signed', '2024-04-25'), 'AGREEMENT_MISSING')).details.missing).toEqual(['agreement']);
    const signed = ok(await api.call('PUT', `/points/${id}/agreement`, { token: bizAdmin, body: agreement }));
    expect(signed.body.version).toBe(1);
    const changed = ok(await api.call('PUT', `/points/${id}/agreement`, { token: bizAdmin, body: { ...agreement, termEnd: '2028-04-30', version: 1 } }));
    expect(changed.body).toMatchObject({ version: 2, termEnd: '2028-04-30' });
    await refused(api.call('PUT', `/points/${id}/agreement`, { token: bizAdmin, body: { ...agreement, version: 1 } }), 'STALE_VERSION');
    point = ok(await stage('agreement_signed', '2024-04-25')).body;

    // accounts_configured needs an active operator of this point (another point's operator does not count)
    const taowan = await pointAt(TAOWAN);
    await createStaff({ roles: ['operator'], regionCode: TAOWAN, pointId: taowan.id });
    expect((await refused(stage('accounts_configured', '2024-05-20'), 'OPERATOR_MISSING')).details.missing).toEqual(['operator_account']);
    const operator = await createStaff({ roles: ['operator'], regionCode: CHENGGUAN, pointId: id });
    point = ok(await stage('accounts_configured', '2024-05-20')).body;
    point = ok(await stage('trial_run', '2024-07-01')).body;

    // accepted needs a passed inspection …
    await refused(stage('accepted', '2024-08-12'), 'INSPECTION_MISSING');
    const failed = ok(
      await api.call('POST', `/points/${id}/inspections`, {
        token: bizAdmin,
        body: { date: '2024-08-05', inspector: '王验收', checklist: { ...fullChecklist, hasEquipment: false }, baseStandard: { ...fullBase, kiosk: false }, remarks: '自助设备未到位' },
      }),
      201,
    );
    expect(failed.body).toMatchObject({ passed: false, failedItems: ['checklist.hasEquipment（有设备）', 'baseStandard.kiosk（自助设备）'] });
    await refused(stage('accepted', '2024-08-12'), 'INSPECTION_FAILED');
    ok(await api.call('POST', `/points/${id}/inspections`, { token: bizAdmin, body: { date: '2024-08-10', inspector: '王验收', checklist: fullChecklist, baseStandard: fullBase } }), 201);
    // (a village's kiosk is judged by the inspection's 有设备 item, as above: no separate gate)

    // the kiosk: delivered → … → debugged, in order
    let device = ok(await api.call('POST', `/points/${id}/devices`, { token: bizAdmin, body: { serialNumber: 'PX-2024-0001', terminalId: 'KIOSK-CG-01', deliveredOn: '2024-05-10' } }), 201).body;
    expect(device).toMatchObject({ id: 'KIOSK-CG-01', stage: 'delivered', stageDates: { delivered: '2024-05-10' } });
    await refused(api.call('POST', `/points/${id}/devices`, { token: bizAdmin, body: { serialNumber: 'PX-2024-0002', deliveredOn: '2024-05-10' } }), 'KIOSK_EXISTS');
    const devSkip = await refused(api.call('POST', `/devices/${device.id}/stage`, { token: bizAdmin, body: { to: 'installed', date: '2024-06-01', version: device.version } }), 'STAGE_OUT_OF_ORDER');
    expect(devSkip.details.missing).toEqual(['distributed', 'registered']);
    for (const [to, date] of [['distributed', '2024-05-15'], ['registered', '2024-05-20'], ['installed', '2024-06-10'], ['debugged', '2024-06-20']] as const) {
      device = ok(await api.call('POST', `/devices/${device.id}/stage`, { token: bizAdmin, body: { to, date, version: device.version } })).body;
    }
    expect(device.stageDates).toEqual({ delivered: '2024-05-10', distributed: '2024-05-15', registered: '2024-05-20', installed: '2024-06-10', debugged: '2024-06-20' });
    point = ok(await stage('accepted', '2024-08-12')).body;
    point = ok(await stage('in_operation', '2024-08-20')).body;
    expect(point.stage).toBe('in_operation');

    // asset transfer needs its asset number
    const noAsset = await api.call('POST', `/devices/${device.id}/stage`, { token: bizAdmin, body: { to: 'asset_transferred', date: '2024-09-20', version: device.version } });
    expect(noAsset.status).toBe(400);
    expect(noAsset.body.error.details[0].field).toBe('assetNumber');
    device = ok(await api.call('POST', `/devices/${device.id}/stage`, { token: bizAdmin, body: { to: 'asset_transferred', date: '2024-09-20', assetNumber: 'ZC-141033-0001', version: device.version } })).body;
    expect(device).toMatchObject({ stage: 'asset_transferred', assetNumber: 'ZC-141033-0001' });

    // suspension returns only to the stage it left
    point = ok(await stage('suspended', '2024-10-01')).body;
    expect(point.resumeStage).toBe('in_operation');
    expect((await refused(stage('trial_run', '2024-10-05'), 'STAGE_OUT_OF_ORDER')).details.missing).toEqual(['in_operation']);
    point = ok(await stage('in_operation', '2024-10-08')).body;
    expect(point.resumeStage).toBeUndefined();

    // every transition is on record with date, note and who
    const history = ok(await api.call('GET', `/points/${id}/stages`, { token: countySupervisor })).body.items;
    expect(history.map((h: { to: string }) => h.to)).toEqual(['set_up', 'agreement_signed', 'accounts_configured', 'trial_run', 'accepted', 'in_operation', 'suspended', 'in_operation']);
    expect(history[0]).toMatchObject({ from: 'planned', date: '2024-04-20', note: '到set_up' });
    expect(history.every((h: { recordedBy: string }) => h.recordedBy)).toBe(true);
    const logs = (await rawItems()).filter((i) => i.pk === opLogByTarget('Point', id).pk && String(i.action).startsWith('point.stage.'));
    expect(logs).toHaveLength(8);

    // the subsidy: allocated once per county-year from the count of points, spent within the balance
    const alloc = ok(await api.call('POST', '/funds/allocations', { token: bizAdmin, body: { regionCode: COUNTY, year: 2024, receivedOn: '2024-03-15' } }), 201);
    expect(alloc.body).toMatchObject({ pointCount: 93, perPointFen: 150000, totalFen: 93 * 150000, alreadyAllocated: false });
    const again = ok(await api.call('POST', '/funds/allocations', { token: bizAdmin, body: { regionCode: COUNTY, year: 2024, receivedOn: '2024-03-20' } }), 201);
    expect(again.body).toMatchObject({ totalFen: 93 * 150000, receivedOn: '2024-03-15', alreadyAllocated: true });
    const spend = (amountFen: number, voucherNumber: string, date = '2024-07-10', category = 'network') =>
      api.call('POST', '/funds/expenditures', { token: bizAdmin, body: { pointId: id, category, amountFen, date, voucherNumber } });
    expect(ok(await spend(50_000, 'PZ-2024-001'), 201).body.balanceFen).toBe(100_000);
    ok(await spend(30_000, 'PZ-2024-002', '2024-06-05', 'publicity'), 201);
    const over = await refused(spend(70_001, 'PZ-2024-003'), 'INSUFFICIENT_BALANCE');
    expect(over.details).toEqual({ balanceFen: 70_000, amountFen: 70_001 });
    await refused(spend(1_000, 'PZ-2024-001'), 'DUPLICATE_VOUCHER');
    await refused(spend(1_000, 'PZ-2023-009', '2023-12-01'), 'NO_ALLOCATION');
    // two spends racing for one balance: the conditional update lets exactly one through
    const race = await Promise.all(
      ['PZ-RACE-1', 'PZ-RACE-2'].map((voucherNumber) =>
        api.call('POST', '/funds/expenditures', { token: bizAdmin, body: { pointId: taowan.id, category: 'publicity', amountFen: 100_000, date: '2024-07-15', voucherNumber } }),
      ),
    );
    expect(race.map((r) => r.status).sort()).toEqual([201, 409]);
    // two transitions racing on one version: one wins, the other is stale
    const twice = await Promise.all([0, 1].map(() => api.call('POST', `/points/${taowan.id}/stage`, { token: bizAdmin, body: { to: 'set_up', date: '2024-04-20', version: taowan.version } })));
    expect(twice.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(ok(await api.call('GET', `/points/${taowan.id}/stages`, { token: bizAdmin })).body.items).toHaveLength(1);
    const summary = ok(await api.call('GET', `/funds/summary?region=${PUCHENG}&month=2024-07`, { token: countySupervisor })).body;
    expect(summary.points.find((r: { pointId: string }) => r.pointId === id)).toMatchObject({ allocatedFen: 150_000, spentFen: 80_000, spentInMonthFen: 50_000, balanceFen: 70_000 });
    const june = ok(await api.call('GET', `/funds/summary?region=${COUNTY}&month=2024-06`, { token: citySupervisor })).body;
    expect(june.total).toMatchObject({ allocatedFen: 93 * 150000, spentFen: 30_000, spentInMonthFen: 30_000, balanceFen: 93 * 150000 - 30_000 });
    const city = ok(await api.call('GET', '/funds/summary?region=141000000000&month=2024-07', { token: citySupervisor })).body;
    expect(city.points).toBeUndefined();
    expect(city.counties.find((c: { countyCode: string }) => c.countyCode === COUNTY)).toMatchObject({ spentFen: 180_000, spentInMonthFen: 150_000, executionPercent: 1.2 });

    // the operator sees their own point (and its funds), nothing else
    const opToken = await api.login(operator.idNumber);
    expect(ok(await api.call('GET', `/points/${id}`, { token: opToken })).body.stage).toBe('in_operation');
    expect(ok(await api.call('GET', '/points', { token: opToken })).body.items.map((p: { id: string }) => p.id)).toEqual([id]);
    expect((await api.call('GET', `/points/${taowan.id}`, { token: opToken })).status).toBe(404);
  });

  it('reports kiosk progress per county against the June and July milestones', async () => {
    // Act
    const june = ok(await api.call('GET', `/devices/progress?region=${COUNTY}&asOf=2024-06-30`, { token: citySupervisor })).body;
    const july = ok(await api.call('GET', `/devices/progress?region=${COUNTY}&asOf=2024-07-01`, { token: citySupervisor })).body;
    const may = ok(await api.call('GET', `/devices/progress?region=${COUNTY}&asOf=2024-05-31`, { token: citySupervisor })).body;
    // Assess: 84 village/community points need a kiosk; the one debugged on 2024-06-20 counts from then on
    expect(june.counties[0]).toMatchObject({ countyCode: COUNTY, target: 84, ready: 1 });
    expect(june.counties[0].milestones[0]).toMatchObject({ due: '2024-06-30', percent: 50, required: 42, readyByDue: 1, status: 'pending' });
    expect(july.counties[0].milestones[0]).toMatchObject({ due: '2024-06-30', readyByDue: 1, status: 'missed' });
    expect(june.counties[0].milestones[1]).toMatchObject({ due: '2024-07-31', required: 84, status: 'pending' });
    expect(may.counties[0]).toMatchObject({ ready: 0, reached: { delivered: 1, distributed: 1, registered: 1, installed: 0 } });
  });
});

describe('agreement and inspection forms', () => {
  it('takes parties and a worded term, the checklist in the plan\'s words, and refuses a result the checklist contradicts', async () => {
    // Prepare
    const point = await pointAt('141033900000'); // 社区联合党委
    // Act
    const agreed = await api.call('PUT', `/points/${point.id}/agreement`, {
      token: bizAdmin,
      body: { parties: ['蒲县人力资源和社会保障局', '蒲县社区联合党委'], content: '合作内容', rightsAndDuties: '权利义务', responsibilities: '工作责任', majorProblemHandling: '重大问题处理', signingDate: '2024-04-28', term: '三年' },
    });
    const incomplete = await api.call('PUT', `/points/${point.id}/agreement`, { token: bizAdmin, body: { content: '合作内容', rightsAndDuties: 'x', responsibilities: 'x', majorProblemHandling: 'x', termStart: '2024-05-01', termEnd: '2024-04-01' } });
    const zh = { 有标识: true, 有窗口: true, 有设备: true, 有人员: true, 有网络: true, 有系统: true, 能办事: false };
    const before = await tableSnapshot();
    const contradicted = await api.call('POST', `/points/${point.id}/inspections`, { token: bizAdmin, body: { checklist: zh, result: 'passed' } });
    const unknownItem = await api.call('POST', `/points/${point.id}/inspections`, { token: bizAdmin, body: { checklist: { ...zh, 有咖啡: true } } });
    const afterRefusals = await tableSnapshot();
    const inspected = await api.call('POST', `/points/${point.id}/inspections`, { token: bizAdmin, body: { checklist: zh, remarks: '尚不能办事' } });
    const listed = await api.call('GET', `/points/${point.id}/inspections`, { token: countySupervisor });
    // Assess
    expect(agreed.status).toBe(200);
    expect(agreed.body).toMatchObject({ countyParty: '蒲县人力资源和社会保障局', localParty: '蒲县社区联合党委', signedOn: '2024-04-28', term: '三年', version: 1 });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.parties', 'body.signedOn', 'body.termEnd']);
    expect(contradicted.status).toBe(400);
    expect(contradicted.body.error.details[0].field).toBe('result');
    expect(unknownItem.status).toBe(400);
    expect(unknownItem.body.error.details[0].field).toBe('body.checklist.有咖啡');
    expect(afterRefusals).toEqual(before);
    expect(inspected.status).toBe(201);
    expect(inspected.body).toMatchObject({ passed: false, result: 'failed', failedItems: ['checklist.canHandle（能办事）'], date: today() });
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([inspected.body.id]);
  });
});

describe('authorization matrix', () => {
  it('hides a point from another county (404), lets supervisors only read, operators and reviewers not write, citizens not in; nothing is written', async () => {
    // Prepare
    const point = await pointAt(XUEGUAN);
    const id = point.id as string;
    const village = await pointAt('141033101200');
    const device = ok(await api.call('POST', `/points/${village.id}/devices`, { token: bizAdmin, body: { serialNumber: 'PX-AUTH-0001', deliveredOn: '2024-05-10' } }), 201).body;
    const xgOperator = await createStaff({ roles: ['operator'], regionCode: XUEGUAN, pointId: id });
    const operator = await api.login(xgOperator.idNumber);
    const province = await api.login(BOOTSTRAP.sysAdmin());
    const writes = (token: string) => [
      api.call('POST', '/points', { token, body: { regionCode: XUEGUAN, kind: 'township', name: '新点', address: '薛关镇' } }),
      api.call('PUT', `/points/${id}`, { token, body: { hours: '全天', version: point.version } }),
      api.call('PUT', `/points/${id}/base-standard`, { token, body: { ...fullBase, version: point.version } }),
      api.call('POST', `/points/${id}/stage`, { token, body: { to: 'set_up', date: '2024-04-20', version: point.version } }),
      api.call('PUT', `/points/${id}/agreement`, { token, body: agreement }),
      api.call('POST', `/points/${id}/inspections`, { token, body: { date: '2024-08-10', inspector: '王', checklist: fullChecklist, baseStandard: fullBase } }),
      api.call('POST', `/points/${village.id}/devices`, { token, body: { serialNumber: 'PX-AUTH-0002', deliveredOn: '2024-05-10' } }),
      api.call('POST', `/devices/${device.id}/stage`, { token, body: { to: 'distributed', date: '2024-05-12', version: device.version } }),
      api.call('POST', '/funds/allocations', { token, body: { regionCode: COUNTY, year: 2025, receivedOn: '2025-03-01' } }),
      api.call('POST', '/funds/expenditures', { token, body: { pointId: id, category: 'network', amountFen: 100, date: '2024-07-01', voucherNumber: 'AUTH-1' } }),
    ];
    const reads = (token: string) => [
      api.call('GET', `/points/${id}`, { token }),
      api.call('GET', `/points?region=${COUNTY}`, { token }),
      api.call('GET', `/points/${id}/stages`, { token }),
      api.call('GET', `/points/${id}/inspections`, { token }),
      api.call('GET', `/points/${village.id}/devices`, { token }),
      api.call('GET', `/devices/${device.id}`, { token }),
      api.call('GET', `/devices/progress?region=${COUNTY}`, { token }),
      api.call('GET', `/funds/summary?region=${COUNTY}&month=2024-07`, { token }),
    ];
    const statuses = async (calls: Promise<{ status: number }>[]) => (await Promise.all(calls)).map((r) => r.status);
    const before = await tableSnapshot();

    // Act
    const other = { writes: await statuses(writes(otherSysAdmin)), reads: await statuses(reads(otherSysAdmin)) };
    const supervisor = { writes: await statuses(writes(countySupervisor)), reads: await statuses(reads(countySupervisor)) };
    const city = { writes: await statuses(writes(citySupervisor)), reads: await statuses(reads(citySupervisor)) };
    const op = { writes: await statuses(writes(operator)), reads: await statuses(reads(operator)) };
    const rev = await statuses(writes(reviewer));
    const prov = await statuses(writes(province));
    const cit = { writes: await statuses(writes(citizen)), reads: await statuses(reads(citizen)) };
    const anon = await statuses([api.call('GET', `/points/${id}`)]);

    // Assess
    expect(other.writes).toEqual([404, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
    expect(other.reads).toEqual([404, 404, 404, 404, 404, 404, 404, 404]);
    expect(supervisor.writes).toEqual(Array(10).fill(403));
    expect(supervisor.reads).toEqual(Array(8).fill(200));
    expect(city.writes).toEqual(Array(10).fill(403));
    expect(city.reads).toEqual(Array(8).fill(200));
    // operators: their own point's records forbid writing (403); the county and other points do not exist for them (404)
    expect(op.writes).toEqual([403, 403, 403, 403, 403, 403, 404, 404, 404, 403]);
    expect(op.reads).toEqual([200, 404, 200, 200, 404, 404, 404, 404]);
    expect(rev).toEqual(Array(10).fill(403));
    // province admins do not run county points (403), but see them
    expect(prov).toEqual(Array(10).fill(403));
    expect(cit.writes).toEqual(Array(10).fill(403));
    expect(cit.reads).toEqual(Array(8).fill(403));
    expect(anon).toEqual([401]);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('lets the county system admin create a point in its county, refusing a kind that does not fit the region; the business admin cannot create', async () => {
    // Act
    const created = await api.call('POST', '/points', { token: sysAdmin, body: { regionCode: XUEGUAN, kind: 'township', name: '薛关镇便民服务点', address: '薛关镇便民服务中心', location: { lat: 36.3, lng: 111.0 } } });
    const before = await tableSnapshot();
    const wrongKind = await api.call('POST', '/points', { token: sysAdmin, body: { regionCode: XUEGUAN, kind: 'village', name: 'x', address: 'y' } });
    const badInput = await api.call('POST', '/points', { token: sysAdmin, body: { regionCode: '1410', kind: 'farm', name: '', address: 'y', location: { lat: 91, lng: 0 }, extra: 1 } });
    const byBiz = await api.call('POST', '/points', { token: bizAdmin, body: { regionCode: XUEGUAN, kind: 'township', name: 'x', address: 'y' } });
    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ regionCode: XUEGUAN, stage: 'planned', version: 1, regionPath: `140000000000/141000000000/${COUNTY}/${XUEGUAN}` });
    expect(created.body.scopeBucket).toBeUndefined();
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error.details[0].field).toBe('kind');
    expect(badInput.status).toBe(400);
    expect(badInput.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.extra', 'body.kind', 'body.location.lat', 'body.name', 'body.regionCode']);
    expect(byBiz.status).toBe(403);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('public directory', () => {
  it('lists points in operation in a region, nearest first, with channels, items and hours', async () => {
    // Prepare: two townships in operation at known places (the village 城关 is already in operation)
    await walkToOperation(PUCHENG, { lat: 36.4115, lng: 111.0905 });
    await walkToOperation('141033104000', { lat: 36.2, lng: 110.9 });
    const planned = await pointAt('141033103000');
    ok(await api.call('PUT', `/points/${planned.id}`, { token: sysAdmin, body: { location: { lat: 36.41, lng: 111.09 }, version: planned.version } }));

    // Act
    const res = ok(await api.call('GET', '/public/points?region=141033000000&near=36.41,111.09'));
    const paged = ok(await api.call('GET', '/public/points?region=141033000000&near=36.41,111.09&limit=2'));
    const next = ok(await api.call('GET', `/public/points?region=141033000000&near=36.41,111.09&limit=2&cursor=${paged.body.nextCursor}`));
    const township = ok(await api.call('GET', `/public/points?region=${PUCHENG}`));
    const bad = await api.call('GET', '/public/points?region=141033000000&near=north');

    // Assess
    const names = res.body.items.map((p: { regionCode: string }) => p.regionCode);
    expect(names).toEqual([PUCHENG, CHENGGUAN, '141033104000']);
    const d = res.body.items.map((p: { distanceMeters: number }) => p.distanceMeters);
    expect(d[0]).toBeLessThan(d[1]);
    expect(d[1]).toBeLessThan(d[2]);
    const village = res.body.items[1];
    expect(village).toMatchObject({ hasKiosk: true, hours: '周一至周五 9:00-17:00', kind: 'village' });
    expect(village.channels).toContain('self_service');
    expect(village.itemCodes).toHaveLength(40);
    expect(res.body.items[0]).toMatchObject({ hasKiosk: false, channels: ['window', 'home_visit'] });
    expect([...paged.body.items, ...next.body.items].map((p: { regionCode: string }) => p.regionCode)).toEqual(names);
    expect(next.body.nextCursor).toBeNull();
    expect(township.body.items.map((p: { regionCode: string }) => p.regionCode).sort()).toEqual([PUCHENG, CHENGGUAN].sort());
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('query.near');
  });

  it('makes bad input 400 naming every field, never 500', async () => {
    const point = await pointAt('141033102000');
    const stage = await api.call('POST', `/points/${point.id}/stage`, { token: bizAdmin, body: { to: 'flying', date: '2024-13-01', version: 0, extra: true } });
    const future = await api.call('POST', `/points/${point.id}/stage`, { token: bizAdmin, body: { to: 'set_up', date: '2099-01-01', version: point.version } });
    const money = await api.call('POST', '/funds/expenditures', { token: bizAdmin, body: { pointId: point.id, category: 'food', amountFen: 1.5, date: today(), voucherNumber: '' } });
    expect(stage.status).toBe(400);
    expect(stage.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.date', 'body.extra', 'body.to', 'body.version']);
    expect(future.status).toBe(400);
    expect(future.body.error.details[0].field).toBe('date');
    expect(money.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.amountFen', 'body.category', 'body.voucherNumber']);
    expect((await api.call('GET', '/points/not-an-id', { token: bizAdmin })).status).toBe(400);
  });
});
