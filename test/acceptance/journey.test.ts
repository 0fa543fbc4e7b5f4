import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../helpers/table';
import { startTestApi, testIdNumber, testPhone, BOOTSTRAP, type TestApi } from '../helpers/api';
import { startLocalEscalation } from '../../infra/local/escalation';

/**
 * The acceptance journey: a new user who has only api.md and mission.md drives the platform
 * over HTTP, from the first province login to a rated case and a county report. Only HTTP calls;
 * every body is what api.md names plus what GET /openapi.json says the server insists on.
 * The steps depend on each other, so they run in order in one describe block.
 */
let api: TestApi;
let escalation: Awaited<ReturnType<typeof startLocalEscalation>> | undefined;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  // `npm start` runs the escalation state machine beside the API (infra/local/extras.ts); startTestApi does not.
  escalation = await startLocalEscalation();
});
afterAll(async () => {
  await escalation?.stop();
  await api?.close();
});

const COUNTY = '141033000000';
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const thisMonth = today.slice(0, 7);
const thisYear = Number(today.slice(0, 4));
/** ISO week of a date, `YYYY-Www` (the weekly report's period). */
function weekOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7)); // the Thursday of its week names the year
  const year = d.getUTCFullYear();
  const week = 1 + Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / 604_800_000);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const expectError = (res: { status: number; body: any }, status: number, code?: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
  if (code) expect(res.body.error.code).toBe(code);
};
const ok = (res: { status: number; body: any }, status = 200) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};

// What the journey learns along the way.
const s = {} as {
  provSys: string; provBiz: string; taskForce: string;
  village: string; township: string;
  countySys: string; countyBiz: string; countySysId: string; countyBizId: string;
  reviewer: string; supervisor: string; operator: string;
  reviewerId: string; operatorAccountId: string;
  pointId: string;
  caseId: string; citizenId: string;
  problemId: string;
};

/** The account form of api.md from request to roles: returns the new account's token and id. */
async function openAccount(opts: { filer: string; decider: string; creator: string; linker: string; regionCode: string; pointId?: string; roles: string[]; name: string }) {
  const idNumber = testIdNumber('19850505');
  const request = ok(await api.call('POST', '/account-requests', {
    token: opts.filer,
    body: { kind: 'create', person: { name: opts.name, idNumber, phone: testPhone() }, regionCode: opts.regionCode, ...(opts.pointId ? { pointId: opts.pointId } : {}), roles: opts.roles },
  }), 201);
  expect(request.id).toBeTruthy();
  ok(await api.call('POST', `/account-requests/${request.id}/decision`, { token: opts.decider, body: { approve: true, reason: '符合条件' } }));
  const account = ok(await api.call('POST', '/accounts', { token: opts.creator, body: { requestId: request.id } }), 201);
  expect(account).toMatchObject({ regionCode: opts.regionCode });
  expect(account.idNumber ?? '').not.toContain(idNumber); // masked to the admins
  const linked = ok(await api.call('PUT', `/accounts/${account.id}/roles`, { token: opts.linker, body: { roles: opts.roles, version: account.version } }));
  expect(linked.roles).toEqual(opts.roles);
  const token = await api.login(idNumber);
  const me = ok(await api.call('GET', '/me', { token }));
  expect(me).toMatchObject({ roles: opts.roles, regionCode: opts.regionCode });
  return { token, id: account.id as string, version: linked.version as number, idNumber };
}

describe('acceptance journey', () => {
  it('1. public reads: health, OpenAPI 3.1, 蒲县 and its 9 children, the 40-item catalogue', async () => {
    expect(ok(await api.call('GET', '/health'))).toEqual({ status: 'ok' });
    const doc = ok(await api.call('GET', '/openapi.json'));
    expect(doc.openapi).toMatch(/^3\.1\./);
    for (const p of ['/cases', '/cases/{id}/review', '/points/{id}/stage', '/account-requests', '/reports/{id}', '/audit']) expect(doc.paths).toHaveProperty([p]);
    const county = ok(await api.call('GET', `/public/regions/${COUNTY}`));
    expect(county).toMatchObject({ code: COUNTY, name: '蒲县' });
    expect(county.children).toHaveLength(9);
    const items = ok(await api.call('GET', '/public/catalog/items'));
    expect(items.items).toHaveLength(40);
    const s01 = ok(await api.call('GET', '/public/catalog/items/S01'));
    expect(s01).toMatchObject({ code: 'S01', review: 'county' });
    expect(s01.timeLimitWorkingDays).toBeGreaterThan(0);
    expect(s01.materials.length).toBeGreaterThan(0);
    expect(s01.channels).toContain('window');
    // A village under the first township, for the rest of the journey.
    const township = county.children.find((c: any) => c.level === 'township') ?? county.children[0];
    const villages = ok(await api.call('GET', `/public/regions/${township.code}`)).children;
    expect(villages.length).toBeGreaterThan(0);
    s.township = township.code;
    s.village = villages[0].code;
  });

  it('2. QR login of the two bootstrap province admins; /me', async () => {
    const start = ok(await api.call('POST', '/auth/qr-sessions'), 201);
    expect(start).toMatchObject({ sessionId: expect.any(String), qrContent: expect.any(String), expiresAt: expect.any(String) });
    expect(ok(await api.call('GET', `/auth/qr-sessions/${start.sessionId}`))).toEqual({ status: 'pending' });
    ok(await api.call('POST', '/dev/card-scan', { body: { sessionId: start.sessionId, idNumber: BOOTSTRAP.sysAdmin() } }));
    const confirmed = ok(await api.call('GET', `/auth/qr-sessions/${start.sessionId}`));
    expect(confirmed).toMatchObject({ status: 'confirmed', token: expect.any(String), expiresAt: expect.any(String), account: expect.any(Object) });
    s.provSys = confirmed.token;
    s.provBiz = await api.login(BOOTSTRAP.bizAdmin());
    expect(ok(await api.call('GET', '/me', { token: s.provSys }))).toMatchObject({ roles: ['sys_admin'], regionCode: '140000000000' });
    expect(ok(await api.call('GET', '/me', { token: s.provBiz }))).toMatchObject({ roles: ['biz_admin'], regionCode: '140000000000' });
    expectError(await api.call('GET', '/me'), 401);
  });

  it('3. accounts: the province opens 蒲县 admins, the county opens reviewer, supervisor and a village operator; duties stay separate', async () => {
    const sys = await openAccount({ filer: s.provSys, decider: s.provSys, creator: s.provSys, linker: s.provBiz, regionCode: COUNTY, roles: ['sys_admin'], name: '张县系统' });
    const biz = await openAccount({ filer: s.provSys, decider: s.provSys, creator: s.provSys, linker: s.provBiz, regionCode: COUNTY, roles: ['biz_admin'], name: '李县业务' });
    s.countySys = sys.token; s.countySysId = sys.id;
    // The province task force (省工作专班) that answers system and functional problems: api.md and mission.md
    // do not say which account that is; the problems domain lets a reviewer of the holding unit answer, so the
    // province opens a province-level reviewer (before the fix in functions/accounts/policy.ts: 400 ROLE_PLACEMENT).
    s.taskForce = (await openAccount({ filer: s.provSys, decider: s.provSys, creator: s.provSys, linker: s.provBiz, regionCode: '140000000000', roles: ['reviewer'], name: '孙专班' })).token;
    s.countyBiz = biz.token; s.countyBizId = biz.id;

    // A2: one person never holds both admin roles; A3: an admin never handles cases.
    expectError(await api.call('PUT', `/accounts/${sys.id}/roles`, { token: s.provBiz, body: { roles: ['sys_admin', 'biz_admin'], version: sys.version } }), 403, 'SEPARATION_OF_DUTIES');
    expectError(await api.call('PUT', `/accounts/${biz.id}/roles`, { token: s.provBiz, body: { roles: ['biz_admin', 'operator'], version: biz.version } }), 403, 'SEPARATION_OF_DUTIES');

    const reviewer = await openAccount({ filer: s.countySys, decider: s.countySys, creator: s.countySys, linker: s.countyBiz, regionCode: COUNTY, roles: ['reviewer'], name: '王审核' });
    const supervisor = await openAccount({ filer: s.countySys, decider: s.countySys, creator: s.countySys, linker: s.countyBiz, regionCode: COUNTY, roles: ['supervisor'], name: '赵督导' });
    const points = ok(await api.call('GET', `/points?region=${s.village}`, { token: s.countySys }));
    expect(points.items).toHaveLength(1);
    expect(points).toHaveProperty('nextCursor');
    s.pointId = points.items[0].id;
    expect(points.items[0]).toMatchObject({ regionCode: s.village, stage: 'planned' });
    const operator = await openAccount({ filer: s.countySys, decider: s.countySys, creator: s.countySys, linker: s.countyBiz, regionCode: s.village, pointId: s.pointId, roles: ['operator'], name: '刘操作员' });
    expect(ok(await api.call('GET', '/me', { token: operator.token }))).toMatchObject({ pointId: s.pointId });
    s.reviewer = reviewer.token; s.reviewerId = reviewer.id;
    s.supervisor = supervisor.token;
    s.operator = operator.token; s.operatorAccountId = operator.id;

    // The county admins cannot grant themselves or each other both admin roles either.
    const sysNow = ok(await api.call('GET', `/accounts/${sys.id}`, { token: s.provSys }));
    expectError(await api.call('PUT', `/accounts/${sys.id}/roles`, { token: s.provBiz, body: { roles: ['sys_admin', 'reviewer'], version: sysNow.version } }), 403, 'SEPARATION_OF_DUTIES');
    // A supervisor reads but never changes.
    expectError(await api.call('POST', '/account-requests', { token: s.supervisor, body: { kind: 'create', person: { name: '钱某', idNumber: testIdNumber(), phone: testPhone() }, regionCode: s.village, roles: ['operator'] } }), 403);
  });

  it('4. the village point goes from planned to in operation, with its kiosk and subsidy; an out-of-order step gets 409', async () => {
    // A new point with exactly api.md's body starts planned.
    const created = ok(await api.call('POST', '/points', { token: s.countySys, body: { regionCode: s.village, kind: 'village', name: '村第二服务点', address: '村委会大院' } }), 201);
    expect(created).toMatchObject({ stage: 'planned', regionCode: s.village, version: expect.any(Number) });
    expectError(await api.call('POST', `/points/${created.id}/stage`, { token: s.countySys, body: { to: 'accepted', date: today, note: '跳步', version: created.version } }), 409);
    expectError(await api.call('POST', '/points', { token: s.operator, body: { regionCode: s.village, kind: 'village', name: 'x', address: 'y' } }), 403);
    const at = (path: string) => `/points/${s.pointId}${path}`;
    let point = ok(await api.call('GET', at(''), { token: s.countySys }));
    expect(point.stage).toBe('planned');
    const step = async (to: string, status = 200) => {
      const res = await api.call('POST', at('/stage'), { token: s.countySys, body: { to, date: today, note: `进入${to}`, version: point.version } });
      if (status === 200) point = ok(res);
      return res;
    };
    expectError(await step('in_operation', 409), 409);
    await step('set_up');
    expect(point.stage).toBe('set_up');
    expectError(await step('trial_run', 409), 409);
    const agreement = await api.call('PUT', at('/agreement'), {
      token: s.countySys,
      // api.md names only "the cooperation agreement"; the server also insists on the two parties (an OpenAPI-invisible
      // either/or: `parties` or `countyParty` + `localParty`) — mission P4 lists content, duties, responsibilities,
      // major-problem handling, signing date and term.
      body: { countyParty: '蒲县人力资源和社会保障局', localParty: '村民委员会', content: '县人社局与村委会共建就业社保服务点', rightsAndDuties: '双方权利义务', responsibilities: '责任分工', majorProblemHandling: '重大问题协商解决', signingDate: today, term: '三年' },
    });
    ok(agreement);
    point = ok(await api.call('GET', at(''), { token: s.countySys }));
    await step('agreement_signed');
    await step('accounts_configured');
    await step('trial_run');

    // The kiosk, from delivery to asset transfer.
    const device = ok(await api.call('POST', at('/devices'), { token: s.countySys, body: { serialNumber: 'KSK-PX-0001' } }), 201);
    let dev = device;
    for (const to of ['distributed', 'registered', 'installed', 'debugged', 'asset_transferred']) {
      dev = ok(await api.call('POST', `/devices/${device.id}/stage`, { token: s.countySys, body: { to, date: today, version: dev.version, ...(to === 'asset_transferred' ? { assetNumber: 'ZC-2024-0001' } : {}) } }));
      expect(dev.stage).toBe(to);
    }

    const inspection = ok(await api.call('POST', at('/inspections'), {
      token: s.countySys,
      body: { date: today, inspector: '县人社局验收组', checklist: { hasSign: true, hasWindow: true, hasEquipment: true, hasStaff: true, hasNetwork: true, hasSystem: true, canHandle: true }, result: 'passed' },
    }), 201);
    expect(inspection.result).toBe('passed');
    point = ok(await api.call('GET', at(''), { token: s.countySys }));
    await step('accepted');
    await step('in_operation');
    expect(point.stage).toBe('in_operation');
    const pub = ok(await api.call('GET', `/public/points?region=${s.village}`));
    expect(pub.items.map((p: any) => p.id)).toContain(s.pointId);

    // Subsidy: 1,500 yuan per point per year.
    ok(await api.call('POST', '/funds/allocations', { token: s.countySys, body: { regionCode: COUNTY, year: thisYear, receivedOn: today } }), 201);
    ok(await api.call('POST', '/funds/expenditures', { token: s.countySys, body: { pointId: s.pointId, category: 'network', amountFen: 30_000, date: today, voucherNumber: 'PZ-0001' } }), 201);
    const summary = ok(await api.call('GET', `/funds/summary?region=${COUNTY}&month=${thisMonth}`, { token: s.countySys }));
    expect(JSON.stringify(summary)).toContain('30000');
  });

  it('5. a case: accepted, submitted, returned, supplemented, approved, completed; the citizen sees it and rates it', async () => {
    const s01 = ok(await api.call('GET', '/public/catalog/items/S01'));
    const bad = await api.call('POST', '/cases', { token: s.operator, body: {} });
    expectError(bad, 400);
    expect(bad.body.error.details.map((d: any) => d.field)).toEqual(expect.arrayContaining(['body.itemCode', 'body.channel', 'body.applicant', 'body.materialsNotified', 'body.materialsReceived']));
    s.citizenId = testIdNumber('19560303');
    const caseBody = { itemCode: 'S01', channel: 'window', applicant: { name: '陈大爷', idNumber: s.citizenId, phone: testPhone() }, materialsNotified: s01.materials, materialsReceived: s01.materials.slice(0, 1) };
    const accepted = ok(await api.call('POST', '/cases', { token: s.operator, headers: { 'idempotency-key': 'journey-case-0001' }, body: caseBody }), 201);
    expect(accepted).toMatchObject({ status: 'accepted', dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    s.caseId = accepted.id;
    // api.md promises the steps on GET /cases/{id} (the POST reply carries the case without them).
    const fetched = ok(await api.call('GET', `/cases/${s.caseId}`, { token: s.operator }));
    expect(fetched.steps).toHaveLength(1);
    // A retry with the same key answers the first result.
    const retry = await api.call('POST', '/cases', { token: s.operator, headers: { 'idempotency-key': 'journey-case-0001' }, body: caseBody });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(s.caseId);
    // The same key with another body is refused, not silently answered with the first case.
    const reused = await api.call('POST', '/cases', {
      token: s.operator,
      headers: { 'idempotency-key': 'journey-case-0001' },
      body: { ...caseBody, applicant: { ...caseBody.applicant, phone: testPhone() } },
    });
    expectError(reused, 409, 'IDEMPOTENCY_KEY_REUSED');

    const c = (p = '') => `/cases/${s.caseId}${p}`;
    expect(ok(await api.call('POST', c('/submit'), { token: s.operator })).status).toBe('submitted');
    let kase = ok(await api.call('GET', c(''), { token: s.reviewer }));
    expect(kase.applicant.idNumber).toBe(s.citizenId); // the county reviewer working on it sees it whole
    // The reviewer cannot act on a stale version; then returns for supplement.
    expectError(await api.call('POST', c('/review'), { token: s.reviewer, body: { decision: 'return', reason: '缺户口簿', version: kase.version - 1 } }), 409);
    kase = ok(await api.call('POST', c('/review'), { token: s.reviewer, body: { decision: 'return', reason: '缺户口簿', version: kase.version } }));
    expect(kase.status).toBe('returned');
    expect(ok(await api.call('POST', c('/supplement'), { token: s.operator, body: {} })).status).toBe('submitted');
    kase = ok(await api.call('GET', c(''), { token: s.reviewer }));
    kase = ok(await api.call('POST', c('/review'), { token: s.reviewer, body: { decision: 'approve', reason: '材料齐全', version: kase.version } }));
    expect(kase.status).toBe('approved');
    // A province task-force reviewer answers problems but never reviews a county's case.
    expect([403, 404]).toContain((await api.call('POST', c('/review'), { token: s.taskForce, body: { decision: 'approve', reason: 'x', version: kase.version } })).status);
    // The operator never reviews.
    expectError(await api.call('POST', c('/review'), { token: s.operator, body: { decision: 'approve', reason: 'x', version: kase.version } }), 403);
    expect(ok(await api.call('POST', c('/complete'), { token: s.operator })).status).toBe('completed');
    kase = ok(await api.call('GET', c(''), { token: s.operator }));
    expect(kase.status).toBe('completed');
    expect(kase.steps.length).toBeGreaterThanOrEqual(6);
    expect(kase.applicant.idNumber).not.toBe(s.citizenId); // masked to the operator
    expect(kase.overdue).toBe(false);

    // A second case, no-review path, with {} bodies where the route takes none.
    const other = ok(await api.call('POST', '/cases', {
      token: s.operator,
      body: { itemCode: 'S01', channel: 'window', applicant: { name: '陈大爷', idNumber: s.citizenId, phone: testPhone() }, materialsNotified: s01.materials, materialsReceived: s01.materials },
    }), 201);
    expect(ok(await api.call('POST', `/cases/${other.id}/submit`, { token: s.operator, body: {} })).status).toBe('submitted');
    let o = ok(await api.call('GET', `/cases/${other.id}`, { token: s.reviewer }));
    o = ok(await api.call('POST', `/cases/${other.id}/review`, { token: s.reviewer, body: { decision: 'return', reason: '补正', version: o.version } }));
    expect(ok(await api.call('POST', `/cases/${other.id}/supplement`, { token: s.operator })).status).toBe('submitted');
    o = ok(await api.call('GET', `/cases/${other.id}`, { token: s.reviewer }));
    ok(await api.call('POST', `/cases/${other.id}/review`, { token: s.reviewer, body: { decision: 'approve', reason: '同意', version: o.version } }));
    expect(ok(await api.call('POST', `/cases/${other.id}/complete`, { token: s.operator, body: {} })).status).toBe('completed');

    // The operator's list.
    const list = ok(await api.call('GET', `/cases?point=${s.pointId}&status=completed`, { token: s.operator }));
    expect(list.items.map((i: any) => i.id)).toEqual(expect.arrayContaining([s.caseId, other.id]));

    // The citizen: QR login with no staff account.
    const citizen = await api.login(s.citizenId);
    const mine = ok(await api.call('GET', '/public/my-cases', { token: citizen }));
    expect(mine.items.map((i: any) => i.id)).toEqual(expect.arrayContaining([s.caseId, other.id]));
    expect(mine).toHaveProperty('nextCursor');
    // A rating is a new record: 201 (api.md names no status for it).
    const rated = ok(await api.call('POST', c('/rating'), { token: citizen, body: { score: 5, comment: '办事快，态度好' } }), 201);
    expect(rated.rating).toMatchObject({ score: 5, comment: '办事快，态度好' });
    expect(rated.applicant.idNumber).toBe(s.citizenId); // the person themself sees it whole
    expectError(await api.call('POST', c('/rating'), { token: citizen, body: { score: 6, comment: '' } }), 400);
    // Someone else cannot rate it, nor a staff account.
    const stranger = await api.login(testIdNumber('19700707'));
    expect(ok(await api.call('GET', '/public/my-cases', { token: stranger })).items).toEqual([]);
    expect([403, 404]).toContain((await api.call('POST', c('/rating'), { token: stranger, body: { score: 1, reason: 'attitude', comment: '差' } })).status);
    // The applicant may open their own case by id; a stranger may not.
    expect(ok(await api.call('GET', c(''), { token: citizen })).applicant.idNumber).toBe(s.citizenId);
    expect([403, 404]).toContain((await api.call('GET', c(''), { token: stranger })).status);
  });

  it('6. a guidance problem: filed by the operator, answered by the county, resolved; its history', async () => {
    const filed = ok(await api.call('POST', '/problems', {
      token: s.operator,
      body: { category: 'guidance', businessCategory: 'pension', description: '不知道养老保险参保登记如何录入', suggestion: '请县局给出操作指引' },
    }), 201);
    expect(filed).toMatchObject({ category: 'guidance', level: 'county', status: 'open', flowActive: true });
    expect(filed.flowFailed).toBeUndefined();
    s.problemId = filed.id;
    const p = (x = '') => `/problems/${s.problemId}${x}`;
    // The holder answers: a business backbone of the county (the reviewer).
    const answered = await api.call('POST', p('/answer'), { token: s.reviewer, body: { answer: '在参保登记页面选择城乡居民养老保险后录入', deadline: today } });
    ok(answered);
    ok(await api.call('POST', p('/resolve'), { token: s.operator }));
    const problem = ok(await api.call('GET', p(''), { token: s.operator }));
    expect(problem.status).toBe('resolved');
    expect(problem.history.length).toBeGreaterThanOrEqual(3);
    expect(problem).toHaveProperty('holder');
    expect(problem).toHaveProperty('deadline');
    const ledger = ok(await api.call('GET', '/problems?level=county', { token: s.countySys }));
    expect(ledger.items.map((i: any) => i.id)).toContain(s.problemId);
    // The filer reopens with no body; the escalation flow runs again.
    expect(ok(await api.call('POST', p('/reopen'), { token: s.operator })).status).toBe('open');

    // A system problem goes straight to the province task force (E2); resolve takes {}.
    const sys = ok(await api.call('POST', '/problems', { token: s.operator, body: { category: 'system', description: '受理页面卡顿', suggestion: '优化页面加载' } }), 201);
    expect(sys).toMatchObject({ level: 'province', status: 'open', flowActive: true });
    expect(sys.flowFailed).toBeUndefined();
    expectError(await api.call('POST', `/problems/${sys.id}/answer`, { token: s.provBiz, body: { answer: '已处理' } }), 403);
    expectError(await api.call('POST', `/problems/${sys.id}/answer`, { token: s.reviewer, body: { answer: '已处理' } }), 403);
    ok(await api.call('POST', `/problems/${sys.id}/answer`, { token: s.taskForce, body: { answer: '已优化加载速度', deadline: today } }));
    expect(ok(await api.call('POST', `/problems/${sys.id}/resolve`, { token: s.operator, body: {} })).status).toBe('resolved');
  });

  it('7. reports: the county supervisor makes one, lists it, fetches it as JSON and CSV', async () => {
    const made = ok(await api.call('POST', '/reports', { token: s.supervisor, body: { type: 'monthly', region: COUNTY, period: thisMonth } }), 201);
    expect(made.id).toBeTruthy();
    const list = ok(await api.call('GET', `/reports?type=monthly&region=${COUNTY}&period=${thisMonth}`, { token: s.supervisor }));
    expect(list.items.map((r: any) => r.id)).toContain(made.id);
    const json = ok(await api.call('GET', `/reports/${made.id}`, { token: s.supervisor }));
    // api.md calls it `region` in the query and the POST body; the stored report names it `regionCode`.
    expect(json).toMatchObject({ id: made.id, type: 'monthly', regionCode: COUNTY, period: thisMonth });
    const csv = await api.call('GET', `/reports/${made.id}`, { token: s.supervisor, headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\n').length).toBeGreaterThan(2);
    const xlsx = await api.call('GET', `/reports/${made.id}`, { token: s.supervisor, headers: { accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toMatch(/spreadsheetml/);
    const weekly = ok(await api.call('POST', '/reports', { token: s.supervisor, body: { type: 'weekly', region: COUNTY, period: weekOf(today) } }), 201);
    expect(weekly.summary).toMatchObject({ pointsInOperation: 1, casesAccepted: 2 });
    // Supervisors read only.
    expectError(await api.call('POST', `/points/${s.pointId}/stage`, { token: s.supervisor, body: { to: 'suspended', date: today, note: 'x', version: 1 } }), 403);
  });

  it('8. audit: the county admin reads the case and point history from the operation log', async () => {
    // api.md writes `?target=` with no format; the server wants `Type:id` (a bare id gets 400 naming query.target).
    expectError(await api.call('GET', `/audit?target=${s.caseId}`, { token: s.countySys }), 400);
    const caseLog = ok(await api.call('GET', `/audit?target=Case:${s.caseId}`, { token: s.countySys }));
    expect(caseLog.items.length).toBeGreaterThanOrEqual(6);
    expect(caseLog).toHaveProperty('nextCursor');
    const pointLog = ok(await api.call('GET', `/audit?target=Point:${s.pointId}`, { token: s.countySys }));
    expect(pointLog.items.length).toBeGreaterThanOrEqual(7);
    expectError(await api.call('GET', `/audit?target=Case:${s.caseId}`, { token: s.operator }), 403);
  });

  it('9. a leaked account is frozen at once; logout ends a session', async () => {
    const frozen = ok(await api.call('POST', `/accounts/${s.operatorAccountId}/freeze`, { token: s.countySys, body: { reason: '账号泄露' } }));
    expect(frozen.status).toBe('frozen');
    expect(frozen.idNumber).toMatch(/\*{4,}/); // masked to the admin
    expectError(await api.call('GET', '/me', { token: s.operator }), 403, 'ACCOUNT_FROZEN');
    ok(await api.call('POST', '/auth/logout', { token: s.supervisor }));
    expectError(await api.call('GET', '/me', { token: s.supervisor }), 401);
  });
});
