import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems, tableSnapshot } from '../../test/helpers/table';
import { createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { getItem } from '../../shared/db/store';
import { blindIndex } from '../../shared/security/crypto';
import { CaseCounter } from '../../shared/db/entities';
import { newId } from '../../shared/ids';
import { createKiosk, createPoint } from '../../test/helpers/fixtures';
import { casePartition } from '../../shared/db/entities';

/**
 * Self-service (C1): the citizen alone on a kiosk. The e-SSC QR login says who they are, the
 * X-Terminal-Id which registered kiosk (and so which point) they stand at; the point answers for
 * the case (首问负责制) and any of its operators carries it on.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200'; // 城关村委会
const OTHER_VILLAGE = '141033100201'; // 桃湾村委会
const SETUP_VILLAGE = '141033100203'; // 曹家庄村委会
const S01_MATERIALS = ['居民身份证', '户口簿'];
const S09_MATERIALS = ['居民身份证或社会保障卡'];
const NOW = '2025-11-03T09:00:00+08:00'; // a Monday

let api: TestApi;
let village: string;
let kiosk: string;
let boxedKiosk: string;
let setupKiosk: string;
let tokens: Record<'op' | 'op2' | 'foreignOp' | 'rev' | 'dual', string>;
const people: { idNumber: string; phone: string }[] = [];

/** A citizen with no staff account: the QR login gives a citizen token. */
async function citizen(birth = '19600315') {
  const person = { name: '张桂兰', idNumber: testIdNumber(birth), phone: testPhone() };
  people.push(person);
  return { person, token: await api.login(person.idNumber) };
}

const atKiosk = (terminalId: string) => ({ 'x-terminal-id': terminalId });
const selfService = (itemCode: string, materials: string[], applicant: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  itemCode,
  channel: 'self_service',
  applicant,
  materialsNotified: materials,
  materialsReceived: materials,
  ...extra,
});

beforeAll(async () => {
  clock.set(() => new Date(NOW));
  await prepareTable();
  village = await createPoint(VILLAGE, 'in_operation');
  const other = await createPoint(OTHER_VILLAGE, 'in_operation');
  const setUp = await createPoint(SETUP_VILLAGE, 'set_up');
  kiosk = await createKiosk(village, 'registered');
  boxedKiosk = await createKiosk(village, 'delivered');
  setupKiosk = await createKiosk(setUp, 'installed');
  api = await startTestApi();
  const login = async (roles: Parameters<typeof createStaff>[0]['roles'], regionCode: string, pointId?: string) =>
    api.login((await createStaff({ roles, regionCode, ...(pointId ? { pointId } : {}) })).idNumber);
  tokens = {
    op: await login(['operator'], VILLAGE, village),
    op2: await login(['operator'], VILLAGE, village),
    foreignOp: await login(['operator'], OTHER_VILLAGE, other),
    rev: await login(['reviewer'], COUNTY),
    // A county account that handles at the village point and also reviews: it answers for the
    // point's kiosk cases, so it must never review them.
    dual: await login(['operator', 'reviewer'], COUNTY, village),
  };
});
afterAll(async () => {
  clock.reset();
  await api?.close();
});

describe('a citizen alone on a registered kiosk', () => {
  it('accepts a pension enrolment (S01) and submits it to the county at once; an operator of the point carries it on to completion', async () => {
    // Prepare
    const { person, token } = await citizen();
    const monthBefore = (await getItem<Record<string, number>>(CaseCounter.key({ pointId: village, month: '2025-11' }), true)) ?? {};

    // Act: the ID number is left out — the QR login proved it
    const accepted = await api.call('POST', '/cases', {
      token,
      headers: atKiosk(kiosk),
      body: selfService('S01', S01_MATERIALS, { name: person.name, phone: person.phone }),
    });

    // Assess: submitted in the acceptance's transaction, owned by the point through its kiosk
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ status: 'submitted', channel: 'self_service', pointId: village, terminalId: kiosk, acceptorId: `kiosk:${kiosk}`, version: 1 });
    expect(accepted.body.acceptorName).toContain(kiosk);
    expect(accepted.body.applicant).toMatchObject({ name: person.name, idNumber: `${person.idNumber.slice(0, 4)}**********${person.idNumber.slice(-4)}` });
    const id = accepted.body.id as string;
    const queue = await api.call('GET', '/cases?status=submitted', { token: tokens.rev });
    expect(queue.body.items.map((c: { id: string }) => c.id)).toContain(id);

    // Assess: every step and log entry names the point, the terminal and the applicant
    const mine = await api.call('GET', `/cases/${id}`, { token });
    expect(mine.status).toBe(200);
    expect(mine.body.applicant.idNumber).toBe(person.idNumber);
    expect(mine.body.steps.map((s: { action: string; role: string }) => [s.action, s.role])).toEqual([
      ['accept', 'citizen'],
      ['submit', 'kiosk'],
    ]);
    expect(mine.body.steps[0].actorId).toMatch(/^citizen:/);
    expect(mine.body.steps[1].actorId).toBe(`kiosk:${kiosk}`);
    const index = await blindIndex('id', person.idNumber);
    const raw = await rawItems();
    const steps = raw.filter((i) => i.pk === casePartition(id).pk && i.entity === 'CaseStep');
    expect(steps).toHaveLength(2);
    for (const s of steps) expect(s).toMatchObject({ pointId: village, terminalId: kiosk, applicantIndex: index, applicantMasked: accepted.body.applicant.idNumber });
    const logs = raw.filter((i) => i.entity === 'OpLog' && i.targetId === id);
    expect(logs.map((l) => l.action).sort()).toEqual(['case.accept', 'case.submit']);
    for (const l of logs) expect(l).toMatchObject({ actorId: `citizen:${index.slice(0, 16)}`, role: 'citizen', terminalId: kiosk, pointId: village });
    const month = await getItem<Record<string, number>>(CaseCounter.key({ pointId: village, month: '2025-11' }), true);
    const delta = (k: string) => (month?.[k] ?? 0) - (monthBefore[k] ?? 0);
    expect([delta('accepted'), delta('ch_self_service'), delta('item_S01'), delta('submitted')]).toEqual([1, 1, 1, 1]);

    // Act: the county returns it; a point operator who did not accept it supplements, another completes
    const returned = await api.call('POST', `/cases/${id}/review`, { token: tokens.rev, body: { decision: 'return', reason: '户口簿不清晰', missingMaterials: ['户口簿'], version: 1 } });
    const foreign = await api.call('POST', `/cases/${id}/supplement`, { token: tokens.foreignOp });
    const supplemented = await api.call('POST', `/cases/${id}/supplement`, { token: tokens.op2, body: { materialsReceived: ['户口簿'] } });
    const approved = await api.call('POST', `/cases/${id}/review`, { token: tokens.rev, body: { decision: 'approve', version: supplemented.body.version } });
    const completed = await api.call('POST', `/cases/${id}/complete`, { token: tokens.op, body: { result: '参保登记已完成', delivery: 'phone' } });
    const rated = await api.call('POST', `/cases/${id}/rating`, { token, body: { score: 5 } });

    // Assess
    expect(returned.status).toBe(200);
    expect(foreign.status).toBe(404);
    expect(supplemented.status).toBe(200);
    expect(supplemented.body.status).toBe('submitted');
    expect(approved.body.status).toBe('approved');
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', onTime: true, result: { delivery: 'phone' } });
    expect(rated.status).toBe(201);
    const trace = await api.call('GET', `/cases/${id}`, { token: tokens.op });
    expect(trace.body.steps.map((s: { action: string }) => s.action)).toEqual(['accept', 'submit', 'review.return', 'supplement', 'review.approve', 'complete', 'rate']);
  });

  it('completes a printout (S09, no review) on the kiosk at once; the citizen sees it in my-cases and rates it', async () => {
    // Prepare
    const { person, token } = await citizen('19551120');
    const monthBefore = (await getItem<Record<string, number>>(CaseCounter.key({ pointId: village, month: '2025-11' }), true)) ?? {};

    // Act: this time the citizen types their own ID number (it must be theirs)
    const done = await api.call('POST', '/cases', { token, headers: atKiosk(kiosk), body: selfService('S09', S09_MATERIALS, person) });
    const mine = await api.call('GET', '/public/my-cases', { token });
    const rated = await api.call('POST', `/cases/${done.body.id}/rating`, { token, body: { score: 4, comment: '方便' } });

    // Assess
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ status: 'completed', onTime: true, timeLimitWorkingDays: 0, dueDate: '2025-11-03', result: { delivery: 'on_the_spot' } });
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([done.body.id]);
    expect(mine.body.items[0].applicant.idNumber).toBe(person.idNumber);
    expect(rated.status).toBe(201);
    const trace = await api.call('GET', `/cases/${done.body.id}`, { token });
    expect(trace.body.steps.map((s: { action: string; actorId: string; terminalId: string }) => [s.action, s.actorId.split(':')[0], s.terminalId])).toEqual([
      ['accept', 'citizen', kiosk],
      ['complete', 'kiosk', kiosk],
      ['rate', 'citizen', undefined],
    ]);
    const raw = await rawItems();
    expect(raw.filter((i) => i.pk === `CAL_PROVISIONAL#2025`)).toEqual([]);
    const month = await getItem<Record<string, number>>(CaseCounter.key({ pointId: village, month: '2025-11' }), true);
    const delta = (k: string) => (month?.[k] ?? 0) - (monthBefore[k] ?? 0);
    expect([delta('accepted'), delta('ch_self_service'), delta('completed'), delta('onTime'), delta('done_S09'), delta('ratingCount')]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('returns one case for a retried accept with the same Idempotency-Key, keyed by the citizen', async () => {
    // Prepare
    const a = await citizen('19620101');
    const b = await citizen('19630101');
    const key = `kiosk-${newId()}`;
    const body = (p: { name: string; phone: string }) => selfService('S09', S09_MATERIALS, { name: p.name, phone: p.phone });

    // Act
    const first = await api.call('POST', '/cases', { token: a.token, headers: { ...atKiosk(kiosk), 'idempotency-key': key }, body: body(a.person) });
    const retry = await api.call('POST', '/cases', { token: a.token, headers: { ...atKiosk(kiosk), 'idempotency-key': key }, body: body(a.person) });
    const other = await api.call('POST', '/cases', { token: b.token, headers: { ...atKiosk(kiosk), 'idempotency-key': key }, body: body(b.person) });

    // Assess
    expect([first.status, retry.status, other.status]).toEqual([201, 201, 201]);
    expect(retry.body.id).toBe(first.body.id);
    expect(other.body.id).not.toBe(first.body.id);
    expect((await api.call('GET', '/public/my-cases', { token: a.token })).body.items).toHaveLength(1);
    expect((await api.call('GET', '/public/my-cases', { token: b.token })).body.items).toHaveLength(1);
  });
});

describe('what a citizen on a kiosk may not do', () => {
  it('refuses a missing, unregistered or unknown terminal, a point not accepting cases, someone else, another channel or an item without self-service; nothing is written', async () => {
    // Prepare
    const { person, token } = await citizen('19700808');
    const other = testIdNumber('19710101');
    const self = { name: person.name, phone: person.phone };
    const before = await tableSnapshot();

    // Act
    const noTerminal = await api.call('POST', '/cases', { token, body: selfService('S01', S01_MATERIALS, self) });
    const boxed = await api.call('POST', '/cases', { token, headers: atKiosk(boxedKiosk), body: selfService('S01', S01_MATERIALS, self) });
    const unknown = await api.call('POST', '/cases', { token, headers: atKiosk('KIOSK-NOT-THERE'), body: selfService('S01', S01_MATERIALS, self) });
    const setUp = await api.call('POST', '/cases', { token, headers: atKiosk(setupKiosk), body: selfService('S01', S01_MATERIALS, self) });
    const someoneElse = await api.call('POST', '/cases', { token, headers: atKiosk(kiosk), body: selfService('S01', S01_MATERIALS, { ...self, idNumber: other }) });
    const window = await api.call('POST', '/cases', { token, headers: atKiosk(kiosk), body: { ...selfService('S01', S01_MATERIALS, self), channel: 'window' } });
    const noSelfService = await api.call('POST', '/cases', { token, headers: atKiosk(kiosk), body: selfService('S03', ['居民身份证', '户口簿', '社会保障卡'], self) });
    const shortList = await api.call('POST', '/cases', { token, headers: atKiosk(kiosk), body: selfService('S01', ['居民身份证'], self, { materialsReceived: [] }) });
    const withProxy = await api.call('POST', '/cases', {
      token,
      headers: atKiosk(kiosk),
      body: selfService('S01', S01_MATERIALS, self, { proxy: { name: '李建国', idNumber: other, phone: testPhone(), relation: '儿子' } }),
    });
    const noName = await api.call('POST', '/cases', { token, headers: atKiosk(kiosk), body: selfService('S01', S01_MATERIALS, { phone: person.phone }) });
    // At the window the ID number stays required
    const operatorWithout = await api.call('POST', '/cases', { token: tokens.op, body: { ...selfService('S01', S01_MATERIALS, self), channel: 'window' } });

    // Assess
    const fields = (r: { body: any }) => (r.body.error.details as { field: string }[]).map((d) => d.field);
    expect(noTerminal.status).toBe(400);
    expect(fields(noTerminal)).toEqual(['header.x-terminal-id']);
    expect([boxed.status, boxed.body.error.code]).toEqual([403, 'TERMINAL_NOT_REGISTERED']);
    expect([unknown.status, unknown.body.error.code]).toEqual([403, 'TERMINAL_NOT_REGISTERED']);
    expect([setUp.status, setUp.body.error.code]).toEqual([409, 'POINT_NOT_IN_OPERATION']);
    expect([someoneElse.status, someoneElse.body.error.code]).toEqual([403, 'APPLICANT_NOT_SELF']);
    expect(window.status).toBe(403);
    expect(fields(window)).toEqual(['body.channel']);
    expect([noSelfService.status, noSelfService.body.error.code]).toEqual([400, 'CHANNEL_NOT_OFFERED']);
    expect(fields(noSelfService)).toEqual(['body.channel']);
    expect(shortList.status).toBe(400);
    expect(shortList.body.error.details).toEqual([{ field: 'body.materialsNotified', message: expect.stringContaining('户口簿') }]);
    expect(withProxy.status).toBe(400);
    expect(fields(withProxy)).toEqual(['body.proxy']);
    expect(noName.status).toBe(400);
    expect(fields(noName)).toEqual(['body.applicant.name']);
    expect(operatorWithout.status).toBe(400);
    expect(fields(operatorWithout)).toEqual(['body.applicant.idNumber']);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('lets a citizen token neither submit, review, supplement nor complete, and keeps the point\'s own reviewer off its kiosk cases', async () => {
    // Prepare: a kiosk case waiting in the county queue
    const { person, token } = await citizen('19580505');
    const a = await api.call('POST', '/cases', { token, headers: atKiosk(kiosk), body: selfService('S01', S01_MATERIALS, { name: person.name, phone: person.phone }) });
    expect(a.body.status).toBe('submitted');
    const id = a.body.id as string;
    const before = await tableSnapshot();

    // Act
    const submit = await api.call('POST', `/cases/${id}/submit`, { token, headers: atKiosk(kiosk) });
    const review = await api.call('POST', `/cases/${id}/review`, { token, headers: atKiosk(kiosk), body: { decision: 'approve', version: 1 } });
    const supplement = await api.call('POST', `/cases/${id}/supplement`, { token, headers: atKiosk(kiosk) });
    const complete = await api.call('POST', `/cases/${id}/complete`, { token, headers: atKiosk(kiosk) });
    const ownerReview = await api.call('POST', `/cases/${id}/review`, { token: tokens.dual, body: { decision: 'approve', version: 1 } });
    const early = await api.call('POST', `/cases/${id}/rating`, { token, body: { score: 5 } });

    // Assess
    for (const r of [submit, review, supplement, complete]) {
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('STAFF_ONLY');
    }
    expect([ownerReview.status, ownerReview.body.error.code]).toEqual([403, 'SEPARATION_OF_DUTIES']);
    expect(early.status).toBe(409);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('personal data at rest', () => {
  it('keeps no plaintext ID number or phone of kiosk applicants anywhere in the table', async () => {
    const dump = JSON.stringify(await rawItems());
    expect(people.length).toBeGreaterThan(5);
    for (const p of people) {
      expect(dump).not.toContain(p.idNumber);
      expect(dump).not.toContain(p.phone);
    }
  });
});
