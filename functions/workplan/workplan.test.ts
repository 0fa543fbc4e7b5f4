import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { createStaff, startTestApi, type TestApi } from '../../test/helpers/api';
import { createPoint } from '../../test/helpers/fixtures';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { queryAll } from '../../shared/db/store';
import { Region, opLogByTarget, type OpLogAttrs } from '../../shared/db/entities';

/**
 * Training, publicity and the plan's tasks over HTTP, against DynamoDB Local: attendance makes a
 * point's staff trained and a new operator makes it untrained again; publicity linked to a
 * subsidy expenditure agrees with the ledger; the hand records move the tasks; the monthly
 * report shows all three; and the forbidden combinations.
 */
const COUNTY = '141033000000';
const OTHER_COUNTY = '141034000000';
const TOWNSHIP = '141033100000'; // 蒲城镇
const VILLAGE = '141033100201'; // 桃湾村委会
const OTHER_VILLAGE = '141033100203'; // 曹家庄村委会

let api: TestApi;
let bizAdmin: string;
let sysAdmin: string;
let supervisor: string;
let otherAdmin: string;
let pointId: string;
let otherPointId: string;
let operatorA: { id: string; token: string };
let otherOperator: string;

const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) => api.call('POST', path, { token, body, headers });
const get = (path: string, token: string) => api.call('GET', path, { token });
const session = (over: Record<string, unknown> = {}) => ({
  organiserRegion: COUNTY,
  topic: '基层服务点业务培训（第一期）',
  kind: 'business',
  date: '2024-07-10',
  mode: 'onsite',
  place: '蒲县人社局三楼会议室',
  trainer: '县人社局业务股',
  ...over,
});

beforeAll(async () => {
  await prepareTable();
  await new Tx(systemCtx('test', new Date()))
    .put(Region.item({ code: OTHER_COUNTY, name: '汾西县', level: 'county', parentCode: '141000000000', path: `140000000000/141000000000/${OTHER_COUNTY}` }))
    .log({ action: 'test.region', targetType: 'Region', targetId: OTHER_COUNTY })
    .commit();
  api = await startTestApi();
  pointId = await createPoint(VILLAGE, 'trial_run');
  otherPointId = await createPoint(OTHER_VILLAGE, 'trial_run');
  const staff = async (roles: Parameters<typeof createStaff>[0]['roles'], regionCode: string, point?: string) => {
    const s = await createStaff({ roles, regionCode, pointId: point });
    return { id: s.account.id, token: await api.login(s.idNumber) };
  };
  bizAdmin = (await staff(['biz_admin'], COUNTY)).token;
  sysAdmin = (await staff(['sys_admin'], COUNTY)).token;
  supervisor = (await staff(['supervisor'], COUNTY)).token;
  otherAdmin = (await staff(['biz_admin'], OTHER_COUNTY)).token;
  operatorA = await staff(['operator'], VILLAGE, pointId);
  otherOperator = (await staff(['operator'], OTHER_VILLAGE, otherPointId)).token;
}, 240_000);
afterAll(async () => api?.close());

describe('training: a point’s staff count as trained', () => {
  it('when each active operator attended a business session; a later new operator makes it untrained again', async () => {
    // Prepare
    const created = await post('/trainings', bizAdmin, session());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ organiserLevel: 'county', organiserRegionName: '蒲县', attended: 0, absent: 0 });
    const trainingId = created.body.id as string;
    const before = await get(`/points/${pointId}/training`, bizAdmin);
    expect(before.body).toMatchObject({ trained: false, requiredKind: 'business', operators: [{ accountId: operatorA.id, trainedOn: null }] });

    // Act: attendance
    const marked = await post(`/trainings/${trainingId}/attendance`, bizAdmin, { attendees: [{ accountId: operatorA.id, attended: true }] });

    // Assess
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ attended: 1, absent: 0, attendees: [{ accountId: operatorA.id, attended: true }] });
    expect((await get(`/points/${pointId}/training`, bizAdmin)).body).toMatchObject({ trained: true, operators: [{ trainedOn: '2024-07-10' }] });

    // The same attendance again counts nothing twice and writes nothing.
    const again = await post(`/trainings/${trainingId}/attendance`, bizAdmin, { attendees: [{ accountId: operatorA.id, attended: true }] });
    expect(again.body).toMatchObject({ attended: 1, absent: 0 });
    const log = await queryAll<OpLogAttrs>(opLogByTarget('Training', trainingId));
    expect(log.map((e) => e.action).sort()).toEqual(['training.attendance_recorded', 'training.created']);

    // Act: a new operator joins the point
    const newcomer = await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId });
    const after = await get(`/points/${pointId}/training`, bizAdmin);

    // Assess: untrained again until the newcomer attends a business session
    expect(after.body.trained).toBe(false);
    expect(after.body.operators).toHaveLength(2);
    const other = await post('/trainings', bizAdmin, session({ topic: '系统操作补训', kind: 'other', date: '2024-07-20' }));
    await post(`/trainings/${other.body.id}/attendance`, bizAdmin, { attendees: [{ accountId: newcomer.account.id, attended: true }] });
    expect((await get(`/points/${pointId}/training`, bizAdmin)).body.trained).toBe(false); // another kind does not count
    const second = await post('/trainings', bizAdmin, session({ topic: '业务培训（第二期）', date: '2024-07-25', mode: 'online', place: undefined }));
    const absent = await post(`/trainings/${second.body.id}/attendance`, bizAdmin, { attendees: [{ accountId: newcomer.account.id, attended: false }] });
    expect(absent.body).toMatchObject({ attended: 0, absent: 1 });
    expect((await get(`/points/${pointId}/training`, bizAdmin)).body.trained).toBe(false);
    // A correction: absent → attended moves the counters and trains the newcomer.
    const corrected = await post(`/trainings/${second.body.id}/attendance`, bizAdmin, { attendees: [{ accountId: newcomer.account.id, attended: true }] });
    expect(corrected.body).toMatchObject({ attended: 1, absent: 0 });
    expect((await get(`/points/${pointId}/training`, bizAdmin)).body).toMatchObject({ trained: true });

    // The sessions are listed by date for the county and its township.
    const list = await get(`/trainings?region=${TOWNSHIP}&from=2024-07-01&to=2024-07-31`, supervisor);
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: any) => t.date)).toEqual(['2024-07-10', '2024-07-20', '2024-07-25']);
    expect((await get(`/trainings?region=${COUNTY}&kind=business&from=2024-07-11`, bizAdmin)).body.items.map((t: any) => t.date)).toEqual(['2024-07-25']);
  });

  it('an Idempotency-Key replays the first session instead of recording a second', async () => {
    const headers = { 'idempotency-key': 'training-replay-0001' };
    const first = await post('/trainings', bizAdmin, session({ date: '2024-08-02' }), headers);
    const replay = await post('/trainings', bizAdmin, session({ date: '2024-08-02' }), headers);
    expect(first.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect((await get(`/trainings?region=${COUNTY}&from=2024-08-02&to=2024-08-02`, bizAdmin)).body.items).toHaveLength(1);
  });

  it('bad input is 400 naming the field, and nothing is written', async () => {
    const noPlace = await post('/trainings', bizAdmin, session({ place: undefined }));
    expect(noPlace.status).toBe(400);
    expect(noPlace.body.error.details.map((d: any) => d.field)).toContain('body.place');
    const village = await post('/trainings', bizAdmin, session({ organiserRegion: VILLAGE }));
    expect(village.status).toBe(400);
    expect(village.body.error.details[0].field).toBe('body.organiserRegion');
    const t = await post('/trainings', bizAdmin, session({ date: '2024-09-01' }));
    const dup = await post(`/trainings/${t.body.id}/attendance`, bizAdmin, {
      attendees: [
        { accountId: operatorA.id, attended: true },
        { accountId: operatorA.id, attended: false },
      ],
    });
    expect(dup.status).toBe(400);
    expect(dup.body.error.details[0].field).toBe('body.attendees.1.accountId');
    const future = await post('/trainings', bizAdmin, session({ date: '2099-01-01' }));
    expect((await post(`/trainings/${future.body.id}/attendance`, bizAdmin, { attendees: [{ accountId: operatorA.id, attended: true }] })).body.error.code).toBe('TRAINING_NOT_HELD');
    expect((await get(`/trainings/${t.body.id}`, bizAdmin)).body).toMatchObject({ attended: 0, absent: 0, attendees: [] });
  });

  it('forbidden: another county 404, supervisors read only, operators cannot record, attendees outside scope 404', async () => {
    const t = await post('/trainings', bizAdmin, session({ date: '2024-09-02' }));
    expect((await get(`/trainings/${t.body.id}`, otherAdmin)).status).toBe(404);
    expect((await post(`/trainings/${t.body.id}/attendance`, otherAdmin, { attendees: [{ accountId: operatorA.id, attended: true }] })).status).toBe(404);
    expect((await post('/trainings', otherAdmin, session())).status).toBe(404);
    const sup = await post('/trainings', supervisor, session());
    expect(sup.status).toBe(403);
    expect(sup.body.error.code).toBe('READ_ONLY');
    expect((await post(`/trainings/${t.body.id}/attendance`, supervisor, { attendees: [{ accountId: operatorA.id, attended: true }] })).status).toBe(403);
    const op = await post('/trainings', operatorA.token, session());
    expect(op.status).toBe(403);
    expect(op.body.error.code).toBe('ROLE_REQUIRED');
    // Another county's account is not the county's to record (404 naming the line).
    const stranger = await createStaff({ roles: ['operator'], regionCode: OTHER_COUNTY });
    const outside = await post(`/trainings/${t.body.id}/attendance`, bizAdmin, { attendees: [{ accountId: stranger.account.id, attended: true }] });
    expect(outside.status).toBe(404);
    expect(outside.body.error.details[0].field).toBe('body.attendees.0.accountId');
    // An operator reads the sessions and only its own attendance line.
    await post(`/trainings/${t.body.id}/attendance`, bizAdmin, { attendees: [{ accountId: operatorA.id, attended: true }] });
    const mine = await get(`/trainings/${t.body.id}`, otherOperator);
    expect(mine.status).toBe(200);
    expect(mine.body.attendees).toEqual([]);
    expect((await get(`/points/${pointId}/training`, otherOperator)).status).toBe(404);
  });
});

describe('publicity', () => {
  let spendId: string;
  let networkId: string;
  let otherSpendId: string;

  beforeAll(async () => {
    const alloc = await post('/funds/allocations', sysAdmin, { regionCode: COUNTY, year: 2024, receivedOn: '2024-03-01' });
    expect(alloc.status).toBe(201);
    const spend = (pid: string, category: string, amountFen: number, voucherNumber: string) =>
      post('/funds/expenditures', sysAdmin, { pointId: pid, category, amountFen, date: '2024-09-05', voucherNumber });
    spendId = (await spend(pointId, 'publicity', 30_000, 'XC-2024-001')).body.id;
    networkId = (await spend(pointId, 'network', 50_000, 'WL-2024-001')).body.id;
    otherSpendId = (await spend(otherPointId, 'publicity', 12_000, 'XC-2024-002')).body.id;
    expect([spendId, networkId, otherSpendId].every(Boolean)).toBe(true);
  }, 120_000);

  it('an activity linked to a publicity expenditure carries the ledger’s amount, once', async () => {
    // Act
    const res = await post('/publicity', operatorA.token, { pointId, kind: 'poster', date: '2024-09-06', title: '就近办海报', reach: { copies: 200 }, expenditureId: spendId });
    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'poster', kindName: '海报', reach: { people: 0, copies: 200 }, expenditure: { id: spendId, amountFen: 30_000, voucherNumber: 'XC-2024-001' } });
    const twice = await post('/publicity', bizAdmin, { pointId, kind: 'materials', date: '2024-09-07', reach: { copies: 50 }, expenditureId: spendId });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('EXPENDITURE_ALREADY_LINKED');
    const network = await post('/publicity', bizAdmin, { pointId, kind: 'materials', date: '2024-09-07', reach: { copies: 50 }, expenditureId: networkId });
    expect(network.status).toBe(400);
    expect(network.body.error).toMatchObject({ code: 'NOT_PUBLICITY_SPENDING', details: [{ field: 'body.expenditureId' }] });
    const elsewhere = await post('/publicity', bizAdmin, { pointId, kind: 'materials', date: '2024-09-07', reach: { copies: 50 }, expenditureId: otherSpendId });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.code).toBe('EXPENDITURE_NOT_FOUND');
    // A township-wide WeChat push by the county.
    const township = await post('/publicity', bizAdmin, { regionCode: TOWNSHIP, kind: 'wechat_push', date: '2024-09-12', reach: { people: 1500 } });
    expect(township.status).toBe(201);
    const list = await get(`/publicity?region=${COUNTY}&from=2024-09-01&to=2024-09-30`, supervisor);
    expect(list.body.items.map((a: any) => a.kind)).toEqual(['poster', 'wechat_push']);
    // The operator sees its own point's activities only (the county is outside its scope: 404).
    expect((await get(`/publicity?region=${COUNTY}`, operatorA.token)).status).toBe(404);
    expect((await get('/publicity', operatorA.token)).body.items.map((a: any) => a.kind)).toEqual(['poster']);
  });

  it('bad input names the field; forbidden combinations', async () => {
    const both = await post('/publicity', bizAdmin, { pointId, regionCode: TOWNSHIP, kind: 'poster', date: '2024-09-06', reach: { copies: 1 } });
    expect(both.status).toBe(400);
    expect(both.body.error.details[0].field).toBe('body.pointId');
    const noReach = await post('/publicity', bizAdmin, { pointId, kind: 'poster', date: '2024-09-06', reach: {} });
    expect(noReach.body.error.details[0].field).toBe('body.reach');
    const badKind = await post('/publicity', bizAdmin, { pointId, kind: 'billboard', date: '2024-09-06', reach: { copies: 1 } });
    expect(badKind.body.error.details[0].field).toBe('body.kind');
    expect((await post('/publicity', bizAdmin, { regionCode: VILLAGE, kind: 'poster', date: '2024-09-06', reach: { copies: 1 } })).body.error.details[0].field).toBe('body.regionCode');
    // An operator outside its point: 404, also for a township activity (403: own point only).
    expect((await post('/publicity', otherOperator, { pointId, kind: 'poster', date: '2024-09-06', reach: { copies: 1 } })).status).toBe(404);
    expect((await post('/publicity', otherOperator, { regionCode: TOWNSHIP, kind: 'poster', date: '2024-09-06', reach: { copies: 1 } })).status).toBe(403);
    expect((await get(`/publicity?point=${pointId}`, otherOperator)).status).toBe(404);
    expect((await post('/publicity', supervisor, { pointId, kind: 'poster', date: '2024-09-06', reach: { copies: 1 } })).body.error.code).toBe('READ_ONLY');
    expect((await post('/publicity', otherAdmin, { pointId, kind: 'poster', date: '2024-09-06', reach: { copies: 1 } })).status).toBe(404);
    expect((await get(`/publicity?region=${COUNTY}`, otherAdmin)).status).toBe(404);
  });
});

describe('the plan’s tasks', () => {
  it('hand records move task 1 across its deadline; corrections need the version', async () => {
    // Prepare: nothing recorded
    const before = await get(`/plan-tasks?region=${COUNTY}&asOf=2024-03-31`, supervisor);
    expect(before.status).toBe(200);
    expect(before.body.tasks[0]).toMatchObject({ no: 1, state: 'in_progress' });
    expect((await get(`/plan-tasks?region=${COUNTY}&asOf=2024-04-01`, supervisor)).body.tasks[0].state).toBe('overdue');

    // Act
    const approved = await api.call('PUT', '/plan-tasks/records/plan_approved', { token: bizAdmin, body: { date: '2024-03-08', reference: '蒲政办发〔2024〕5号' } });
    const meeting = await api.call('PUT', '/plan-tasks/records/mobilisation_meeting', { token: bizAdmin, body: { date: '2024-04-03' } });

    // Assess: the meeting came late
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ countyCode: COUNTY, item: 'plan_approved', itemName: '实施方案经县委、县政府批准', version: 1 });
    expect(meeting.body.version).toBe(1);
    expect((await get(`/plan-tasks?region=${COUNTY}&asOf=2024-04-02`, supervisor)).body.tasks[0].state).toBe('overdue');
    const late = (await get(`/plan-tasks?region=${COUNTY}&asOf=2024-04-10`, supervisor)).body;
    expect(late.tasks[0]).toMatchObject({ state: 'done_late', doneOn: '2024-04-03' });
    expect(late.records.map((r: any) => r.item).sort()).toEqual(['mobilisation_meeting', 'plan_approved']);

    // The same record again is the stored one; a different one without version is 409, with it a correction.
    expect((await api.call('PUT', '/plan-tasks/records/mobilisation_meeting', { token: bizAdmin, body: { date: '2024-04-03' } })).body.version).toBe(1);
    const noVersion = await api.call('PUT', '/plan-tasks/records/mobilisation_meeting', { token: bizAdmin, body: { date: '2024-03-28' } });
    expect(noVersion.status).toBe(409);
    expect(noVersion.body.error).toMatchObject({ code: 'TASK_RECORD_EXISTS', details: { currentVersion: 1 } });
    const fixed = await api.call('PUT', '/plan-tasks/records/mobilisation_meeting', { token: bizAdmin, body: { date: '2024-03-28', version: 1 } });
    expect(fixed.body.version).toBe(2);
    expect((await get(`/plan-tasks?region=${COUNTY}&asOf=2024-03-31`, supervisor)).body.tasks[0]).toMatchObject({ state: 'done', doneOn: '2024-03-28' });
    const log = await queryAll<OpLogAttrs>(opLogByTarget('PlanTask', `${COUNTY}:mobilisation_meeting`));
    expect(log.map((e) => e.action).sort()).toEqual(['plan_task.corrected', 'plan_task.recorded']);

    // A township is judged with its county's posts and hand records (county staff sit outside its subtree).
    const posts = (r: any) => r.tasks[1].checks.find((c: any) => c.key === 'county_posts');
    const countyView = (await get(`/plan-tasks?region=${COUNTY}&asOf=2024-04-10`, supervisor)).body;
    const townshipView = (await get(`/plan-tasks?region=${TOWNSHIP}&asOf=2024-04-10`, supervisor)).body;
    expect(posts(countyView)).toMatchObject({ done: 2, of: 3 }); // system and business admin, no county reviewer yet
    expect(posts(townshipView)).toMatchObject({ done: 2, of: 3 });
    expect(townshipView.tasks[0]).toMatchObject({ state: 'done', doneOn: '2024-03-28' });

    // Forbidden: supervisors, another county, a township region, future dates
    expect((await api.call('PUT', '/plan-tasks/records/plan_approved', { token: supervisor, body: { date: '2024-03-08' } })).status).toBe(403);
    expect((await api.call('PUT', '/plan-tasks/records/plan_approved', { token: otherAdmin, body: { region: COUNTY, date: '2024-03-08' } })).status).toBe(404);
    expect((await api.call('PUT', '/plan-tasks/records/plan_approved', { token: bizAdmin, body: { region: TOWNSHIP, date: '2024-03-08' } })).body.error.details[0].field).toBe('body.region');
    expect((await api.call('PUT', '/plan-tasks/records/report_to_mayor', { token: bizAdmin, body: { date: '2024-03-08' } })).body.error.details[0].field).toBe('path.item');
    expect((await get(`/plan-tasks?region=${COUNTY}`, otherAdmin)).status).toBe(404);
    expect((await get(`/plan-tasks?region=${COUNTY}`, operatorA.token)).status).toBe(403);
  });
});

describe('the monthly report', () => {
  it('shows training, publicity and the tasks (no 未跟踪), and names the township lagging on training', async () => {
    // Act
    const made = await post('/reports', supervisor, { type: 'monthly', region: COUNTY, period: '2024-09' });
    expect(made.status).toBe(201);
    const { content } = (await get(`/reports/${made.body.id}`, supervisor)).body;
    const s = content.sections;

    // Assess: training — the one trained point of the county (two operators, both trained)
    expect(s.training).toMatchObject({ requiredKind: 'business', asOf: '2024-09-30', pointsStaffTrained: 1 });
    expect(s.training.points).toBe(content.points.filter((p: any) => p.stage !== 'closed').length);
    expect(s.training.sessions).toBe(2); // 2024-09-01 and 2024-09-02 in this period
    const trainedRow = content.points.find((p: any) => p.pointId === pointId);
    expect(trainedRow).toMatchObject({ activeOperators: 2, operatorsTrained: 2, staffTrained: true, components: { training: 1 } });
    const untrained = content.points.find((p: any) => p.pointId === otherPointId);
    expect(untrained.lags).toContain('在岗操作员未全部参加业务培训（0/1）');
    // Publicity — agrees with the ledger
    expect(s.publicity).toMatchObject({ activities: 2, reachPeople: 1500, reachCopies: 200, linkedSpentFen: 30_000, byKind: { poster: 1, wechat_push: 1 } });
    expect(s.publicity.ledgerPublicitySpentFen).toBe(30_000 + 12_000);
    expect(s.publicity.ledgerPublicityUnlinked).toBe(1);
    const township = content.units.find((u: any) => u.code === TOWNSHIP);
    expect(township.publicity).toMatchObject({ activities: 2, people: 1500, copies: 200 });
    expect(township.lags.some((l: string) => l.startsWith('人员培训滞后：'))).toBe(true);
    expect(content.units.find((u: any) => u.code === '141033101000').lags).toContain('本年度未开展宣传活动');
    expect(content.ranking.laggards.units.some((u: any) => u.lags.some((l: string) => l.startsWith('人员培训滞后')))).toBe(true);
    // Tasks and milestones: nothing is untracked any more
    expect(s.tasks.items.map((t: any) => t.no)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.tasks.items[0]).toMatchObject({ state: 'done', doneOn: '2024-03-28' });
    expect(s.tasks.items[6]).toMatchObject({ state: 'in_progress' }); // due 2024-09-30, judged on 2024-09-30
    expect(s.points.milestones.map((m: any) => m.status)).not.toContain('untracked');
    expect(s.points.milestones.find((m: any) => m.key === 'mobilized')).toMatchObject({ status: 'met', done: 1, of: 1 });
    expect(content.coverage.map((c: any) => c.note).join()).not.toContain('未跟踪');
    // The files show them too
    const csv = await api.call('GET', `/reports/${made.body.id}?format=csv`, { token: supervisor });
    expect(csv.text).toContain('人员培训');
    expect(csv.text).toContain('宣传活动');
    expect(csv.text).toContain('工作任务');
    expect(csv.text).not.toContain('未跟踪');
  });
});
