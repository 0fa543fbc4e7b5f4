import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { startTestApi, testIdNumber, testPhone, type TestApi, staffIdNumber } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { createPoint } from '../../test/helpers/fixtures';
import { setEscalationStarter } from '../problems/flow';

/**
 * GET /me/todo: each role sees the keys that fit it, with counts and the most urgent items,
 * computed from the domains' own indexes.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
const OTHER_VILLAGE = '141033100201';
const MONDAY = Date.parse('2026-03-02T09:00:00+08:00');

type Who = 'op' | 'op2' | 'otherOp' | 'rev' | 'supervisor' | 'sysAdmin' | 'bizAdmin';
let api: TestApi;
let ids: Record<Who, string>;
let tokens: Record<Who, string>;
let village: string;
async function loginAll(): Promise<void> {
  const out: Partial<Record<Who, string>> = {};
  for (const [k, id] of Object.entries(ids)) out[k as Who] = await api.login(id);
  tokens = out as typeof tokens;
}
const todo = async (token: string) => {
  const r = await api.call('GET', '/me/todo', { token });
  expect(r.status).toBe(200);
  return r.body;
};
const applicant = () => ({ name: '赵德明', idNumber: testIdNumber('19550101'), phone: testPhone() });
const s01 = (who = applicant()) => ({ itemCode: 'S01', channel: 'window', applicant: who, materialsNotified: ['居民身份证', '户口簿'], materialsReceived: ['居民身份证'] });
const s09 = (who = applicant()) => ({ itemCode: 'S09', channel: 'window', applicant: who, materialsNotified: ['居民身份证或社会保障卡'], materialsReceived: ['居民身份证或社会保障卡'] });

beforeAll(async () => {
  clock.set(() => new Date(MONDAY));
  setEscalationStarter(async () => undefined);
  await prepareTable();
  village = await createPoint(VILLAGE, 'in_operation');
  const other = await createPoint(OTHER_VILLAGE, 'in_operation');
  api = await startTestApi();
  ids = {
    op: await staffIdNumber(['operator'], VILLAGE, village),
    op2: await staffIdNumber(['operator'], VILLAGE, village),
    otherOp: await staffIdNumber(['operator'], OTHER_VILLAGE, other),
    rev: await staffIdNumber(['reviewer'], COUNTY),
    supervisor: await staffIdNumber(['supervisor'], COUNTY),
    sysAdmin: await staffIdNumber(['sys_admin'], COUNTY),
    bizAdmin: await staffIdNumber(['biz_admin'], COUNTY),
  };
  await loginAll();
});
afterAll(async () => {
  clock.reset();
  setEscalationStarter(undefined);
  await api?.close();
});

describe('GET /me/todo', () => {
  it('gives each role its own keys, with counts and the most urgent items', async () => {
    // Prepare: at the village point — one case returned, one approved, one no-review item to complete, one under review
    const mine = async (body: unknown) => (await api.call('POST', '/cases', { token: tokens.op, body })).body;
    const returned = await mine(s01());
    const approved = await mine(s01());
    const toComplete = await mine(s09());
    const waiting = await mine(s01());
    for (const c of [returned, approved, waiting]) await api.call('POST', `/cases/${c.id}/submit`, { token: tokens.op });
    await api.call('POST', `/cases/${returned.id}/review`, { token: tokens.rev, body: { decision: 'return', reason: '缺户口簿', version: 2, missingMaterials: ['户口簿'] } });
    await api.call('POST', `/cases/${approved.id}/review`, { token: tokens.rev, body: { decision: 'approve', version: 2 } });
    // a bad rating on a completed case, a problem filed by the operator and answered by the county, an account form
    const rated = applicant();
    const done = await mine(s09(rated));
    await api.call('POST', `/cases/${done.id}/complete`, { token: tokens.op });
    await api.call('POST', `/cases/${done.id}/rating`, { token: await api.login(rated.idNumber), body: { score: 1, reason: 'attitude' } });
    const problem = (await api.call('POST', '/problems', { token: tokens.op, body: { category: 'guidance', businessCategory: 'pension', description: '待遇认证提示身份信息不符', suggestion: '请指导' } })).body;
    const held = await todo(tokens.rev);
    await api.call('POST', `/problems/${problem.id}/answer`, { token: tokens.rev, body: { answer: '请核对户籍信息后重新认证' } });
    const form = await api.call('POST', '/account-requests', {
      token: tokens.op,
      body: { kind: 'create', person: { name: '新操作员', idNumber: testIdNumber('19900101'), phone: testPhone() }, regionCode: VILLAGE, pointId: village, roles: ['operator'] },
    });
    expect(form.status).toBe(201);

    // Act
    const [op, op2, otherOp, rev, admin, biz] = await Promise.all([todo(tokens.op), todo(tokens.op2), todo(tokens.otherOp), todo(tokens.rev), todo(tokens.sysAdmin), todo(tokens.bizAdmin)]);

    // Assess: the operator's own work
    expect(Object.keys(op).sort()).toEqual(['cases', 'followUps', 'problems']);
    expect(Object.keys(op.cases).sort()).toEqual(['overdue', 'toComplete', 'toSupplement']);
    expect(op.cases.toSupplement).toMatchObject({ count: 1, more: false, items: [{ id: returned.id, number: returned.number, status: 'returned', applicantName: '赵德明' }] });
    expect(op.cases.toComplete.count).toBe(2);
    expect(op.cases.toComplete.items.map((c: { id: string }) => c.id).sort()).toEqual([approved.id, toComplete.id].sort());
    expect(op.cases.overdue.count).toBe(0);
    expect(op.followUps).toMatchObject({ count: 1, items: [{ caseId: done.id, score: 1, reason: 'attitude' }] });
    expect(op.problems.answered).toMatchObject({ count: 1, items: [{ id: problem.id, status: 'answered' }] });
    expect(JSON.stringify(op)).not.toMatch(/\d{17}[\dX]/);
    // another operator of the point: not their cases, but the point's follow-up
    expect(op2.cases.toSupplement.count).toBe(0);
    expect(op2.cases.toComplete.count).toBe(0);
    expect(op2.followUps.count).toBe(1);
    expect(otherOp.followUps.count).toBe(0);
    // the county reviewer: the queue and the problem it held
    expect(Object.keys(rev).sort()).toEqual(['cases', 'followUps', 'problems']);
    expect(Object.keys(rev.cases).sort()).toEqual(['overdue', 'toReview']);
    expect(rev.cases.toReview).toMatchObject({ count: 1, items: [{ id: waiting.id }] });
    expect(held.problems.held).toMatchObject({ count: 1, items: [{ id: problem.id }] });
    expect(rev.problems.held.count).toBe(0);
    // admins: forms, never cases (A3)
    expect(admin.cases).toBeUndefined();
    expect(admin.accountRequests.toDecide).toMatchObject({ count: 1, items: [{ id: form.body.id, kind: 'create', personName: '新操作员' }] });
    expect(admin.accountRequests.toCreate.count).toBe(0);
    expect(admin.accountRequests.toLinkRoles).toBeUndefined();
    expect(biz.accountRequests.toLinkRoles.count).toBe(0);
    expect(biz.accountRequests.toCreate).toBeUndefined();

    // Act: the county approves the form; twelve days later the running cases are overdue
    await api.call('POST', `/account-requests/${form.body.id}/decision`, { token: tokens.sysAdmin, body: { approve: true, reason: '同意' } });
    const afterDecision = await todo(tokens.sysAdmin);
    clock.set(() => new Date(MONDAY + 12 * 86400_000));
    await loginAll();
    const [opLate, revLate, supervisor] = await Promise.all([todo(tokens.op), todo(tokens.rev), todo(tokens.supervisor)]);

    // Assess
    expect(afterDecision.accountRequests.toDecide.count).toBe(0);
    expect(afterDecision.accountRequests.toCreate).toMatchObject({ count: 1, items: [{ id: form.body.id }] });
    // the operator's running cases past due: the no-review case due the day it came, the approved one, the one at the county
    expect(opLate.cases.overdue.count).toBe(3);
    expect(opLate.cases.overdue.items.map((c: { id: string }) => c.id).sort()).toEqual([toComplete.id, approved.id, waiting.id].sort());
    expect(opLate.cases.overdue.items[0].id).toBe(toComplete.id);
    expect(revLate.cases.overdue).toMatchObject({ count: 1, items: [{ id: waiting.id }] });
    expect(supervisor.cases.overdue.count).toBe(3);
    expect(supervisor.cases.toReview).toBeUndefined();
    clock.set(() => new Date(MONDAY));
    await loginAll();
  });

  it('is empty for a citizen and needs a session', async () => {
    // Act
    const citizen = await api.call('GET', '/me/todo', { token: await api.login(testIdNumber('19700101')) });
    const anonymous = await api.call('GET', '/me/todo');

    // Assess
    expect(citizen.status).toBe(200);
    expect(citizen.body).toEqual({});
    expect(anonymous.status).toBe(401);
  });
});
