import { setAccountRaw } from '../accounts/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { prepareTable, tableSnapshot } from '../../test/helpers/table';
import { createStaff, startTestApi, type TestApi } from '../../test/helpers/api';
import { clock, monthShanghai, weekShanghai } from '../../shared/clock';
import { getItem } from '../../shared/db/store';
import { systemCtx } from '../../shared/http/context';
import { db, tableName } from '../../shared/db/client';
import { Problem, ProblemStat, type AccountAttrs, type ProblemAttrs } from '../../shared/db/entities';
import { setEscalationStarter, type EscalationInput } from './flow';
import * as problems from './service';

/**
 * The problems API over HTTP (the local server in process, the same handlers and authorizer):
 * who may file, answer, resolve and reopen; routing; the ledger. Executions are recorded, not
 * run (escalation.test.ts runs the state machine).
 */
const COUNTY = '141033000000';
const CITY = '141000000000';
const PROVINCE = '140000000000';
const TOWNSHIP = '141033100000';
const VILLAGE = '141033100201';
const OTHER_VILLAGE = '141033100203';

let api: TestApi;
const started: EscalationInput[] = [];
interface Person {
  account: AccountAttrs;
  token: string;
}
const staff = async (roles: AccountAttrs['roles'], regionCode: string): Promise<Person> => {
  const { account, idNumber } = await createStaff({ roles, regionCode });
  return { account, token: await api.login(idNumber) };
};

let filer: Person;
let otherOperator: Person;
let backbone: Person;
let countyReviewer: Person;
let cityReviewer: Person;
let provinceReviewer: Person;
let countyBizAdmin: Person;
let countySupervisor: Person;

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  setEscalationStarter(async (i) => void started.push(i));
  filer = await staff(['operator'], VILLAGE);
  otherOperator = await staff(['operator'], OTHER_VILLAGE);
  backbone = await staff(['reviewer'], COUNTY);
  countyReviewer = await staff(['reviewer'], COUNTY);
  cityReviewer = await staff(['reviewer'], CITY);
  provinceReviewer = await staff(['reviewer'], PROVINCE);
  countyBizAdmin = await staff(['biz_admin'], COUNTY);
  countySupervisor = await staff(['supervisor'], COUNTY);
});
afterAll(async () => {
  setEscalationStarter(undefined);
  await api?.close();
});
afterEach(() => clock.reset());

const file = (who: Person, body: unknown) => api.call('POST', '/problems', { token: who.token, body });
const guidance = (businessCategory = 'pension') => ({
  category: 'guidance',
  businessCategory,
  description: '城乡居民养老保险待遇资格认证时提示身份信息不符',
  suggestion: '请县局指导核对方法',
});

describe('filing (E1) and routing (E2, E3)', () => {
  it('routes guidance to the backbone designated for its business category, numbers it per county and year, starts the flow', async () => {
    // Prepare
    const designated = await api.call('PUT', '/problems/designations/social_security', {
      token: countyBizAdmin.token,
      body: { accountId: backbone.account.id },
    });
    // Act
    const res = await file(filer, guidance('pension'));
    const year = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4);
    // Assess
    expect(designated.status).toBe(200);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      category: 'guidance',
      businessCategory: 'pension',
      status: 'open',
      level: 'county',
      holder: { level: 'county', regionCode: COUNTY, accountId: backbone.account.id },
      filerId: filer.account.id,
      overdue: false,
    });
    expect(res.body.number).toMatch(new RegExp(`^蒲县-${year}-\\d{4}$`));
    expect(started.at(-1)).toEqual({ problemId: res.body.id, category: 'guidance', round: 1 });
    const notices = await api.call('GET', '/problems/notifications', { token: backbone.token });
    expect(notices.body.items.map((n: { problemId: string }) => n.problemId)).toContain(res.body.id);
  });

  it('without a designation, the county reviewers as a whole hold guidance; system problems go to the province task force', async () => {
    // Act
    const card = await file(filer, guidance('find_job'));
    const sys = await file(filer, { category: 'system', description: '受理页面提交后无响应', suggestion: '优化提交流程' });
    // Assess
    expect(card.body.holder).toEqual({ level: 'county', regionCode: COUNTY, name: '蒲县人社局', since: card.body.filedAt });
    expect(sys.body).toMatchObject({ level: 'province', holder: { regionCode: PROVINCE, name: '省工作专班' } });
    expect(sys.body.holder.accountId).toBeUndefined();
  });

  it('gives concurrent filings distinct consecutive ledger numbers', async () => {
    // Act
    const replies = await Promise.all(Array.from({ length: 6 }, () => file(otherOperator, guidance('card'))));
    // Assess
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const serials = replies.map((r) => Number(r.body.number.split('-')[2])).sort((a, b) => a - b);
    expect(new Set(serials).size).toBe(6);
    expect(serials.at(-1)! - serials[0]!).toBe(5);
  });

  it('refuses bad categories with 400 naming each field, and writes nothing', async () => {
    // Prepare
    const before = await tableSnapshot();
    // Act
    const badCategory = await file(filer, { category: 'hardware', description: 'x', suggestion: 'y' });
    const noBusiness = await file(filer, { category: 'guidance', description: 'x', suggestion: 'y' });
    const badBusiness = await file(filer, { ...guidance(), businessCategory: 'tax' });
    const extra = await file(filer, { ...guidance(), priority: 'high' });
    // Assess
    const fields = (r: { body: { error: { details: { field: string }[] } } }) => r.body.error.details.map((d) => d.field);
    expect([badCategory.status, noBusiness.status, badBusiness.status, extra.status]).toEqual([400, 400, 400, 400]);
    expect(fields(badCategory)).toContain('body.category');
    expect(fields(noBusiness)).toEqual(['body.businessCategory']);
    expect(fields(badBusiness)).toEqual(['body.businessCategory']);
    expect(fields(extra)).toEqual(['body.priority']);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('refuses a frozen account with 403 and writes nothing', async () => {
    // Prepare: freeze as the accounts domain would (status on the account item)
    const frozen = await staff(['operator'], VILLAGE);
    await setAccountRaw(frozen.account.id, { status: 'frozen' });
    const before = await tableSnapshot();
    // Act
    const res = await file(frozen, guidance());
    // Assess
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ACCOUNT_FROZEN');
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('answering, resolving, reopening', () => {
  it('lets only the current holder answer (403 for anyone else, nothing written); the filer resolves', async () => {
    // Prepare
    const p = (await file(filer, guidance('pension'))).body;
    const before = await tableSnapshot();
    // Act
    const byOtherReviewer = await api.call('POST', `/problems/${p.id}/answer`, { token: countyReviewer.token, body: { answer: '我来答' } });
    const byFiler = await api.call('POST', `/problems/${p.id}/answer`, { token: filer.token, body: { answer: '自己答' } });
    const byAdmin = await api.call('POST', `/problems/${p.id}/answer`, { token: countyBizAdmin.token, body: { answer: '管理员答' } });
    const bySupervisor = await api.call('POST', `/problems/${p.id}/answer`, { token: countySupervisor.token, body: { answer: '督导答' } });
    const afterRefusals = await tableSnapshot();
    const byHolder = await api.call('POST', `/problems/${p.id}/answer`, { token: backbone.token, body: { answer: '先核对身份证号后重新认证', deadline: '2099-01-01' } });
    const resolveByOther = await api.call('POST', `/problems/${p.id}/resolve`, { token: otherOperator.token });
    const resolveByHolder = await api.call('POST', `/problems/${p.id}/resolve`, { token: backbone.token });
    const resolved = await api.call('POST', `/problems/${p.id}/resolve`, { token: filer.token });
    // Assess
    expect([byOtherReviewer.status, byFiler.status, byAdmin.status, bySupervisor.status]).toEqual([403, 403, 403, 403]);
    expect(afterRefusals).toEqual(before);
    expect(byHolder.status).toBe(200);
    expect(byHolder.body).toMatchObject({ status: 'answered', answer: '先核对身份证号后重新认证', promisedBy: '2099-01-01' });
    expect(resolveByOther.status).toBe(404); // another village's operator: out of scope
    expect(resolveByHolder.status).toBe(403);
    expect(resolved.body.status).toBe('resolved');
  });

  it('lets only the filer reopen (403 for anyone else, nothing written); a reopened problem is open again with a new deadline', async () => {
    // Prepare
    const p = (await file(filer, { category: 'functional', description: '缺少就业补贴统计', suggestion: '增加统计页' })).body;
    await api.call('POST', `/problems/${p.id}/answer`, { token: provinceReviewer.token, body: { answer: '已排期' } });
    const before = await tableSnapshot();
    // Act
    const byHolder = await api.call('POST', `/problems/${p.id}/reopen`, { token: provinceReviewer.token });
    const byCountyReviewer = await api.call('POST', `/problems/${p.id}/reopen`, { token: countyReviewer.token });
    const refusedSnapshot = await tableSnapshot();
    const byFiler = await api.call('POST', `/problems/${p.id}/reopen`, { token: filer.token });
    const again = await api.call('POST', `/problems/${p.id}/reopen`, { token: filer.token });
    // Assess
    expect([byHolder.status, byCountyReviewer.status]).toEqual([403, 403]);
    expect(byHolder.body.error.code).toBe('NOT_FILER');
    expect(refusedSnapshot).toEqual(before);
    expect(byFiler.body).toMatchObject({ status: 'open', level: 'province' });
    expect(again.status).toBe(409);
  });

  it('a county marking beyondPower sends the problem to the city at once; the city reviewers now hold it', async () => {
    // Prepare
    const p = (await file(filer, guidance('learn_skill'))).body;
    // Act
    const up = await api.call('POST', `/problems/${p.id}/answer`, { token: countyReviewer.token, body: { answer: '需市局协调培训机构', beyondPower: true } });
    const countyAgain = await api.call('POST', `/problems/${p.id}/answer`, { token: countyReviewer.token, body: { answer: '再答' } });
    const cityQueue = await api.call('GET', '/problems?holder=me&status=open', { token: cityReviewer.token });
    const cityNotices = await api.call('GET', '/problems/notifications', { token: cityReviewer.token });
    const detail = await api.call('GET', `/problems/${p.id}`, { token: filer.token });
    // Assess
    expect(up.body).toMatchObject({ status: 'open', level: 'city', holder: { level: 'city', regionCode: CITY, name: '临汾市人社局' } });
    expect(countyAgain.status).toBe(403);
    expect(cityQueue.body.items.map((i: { id: string }) => i.id)).toContain(p.id);
    expect(cityNotices.body.items.find((n: { problemId: string }) => n.problemId === p.id)).toMatchObject({ kind: 'escalated', level: 'city' });
    expect(detail.body.history.map((h: { kind: string; level: string }) => `${h.kind}@${h.level}`)).toEqual([
      'filed@county',
      'assigned@county',
      'escalated@city',
    ]);
    expect(detail.body.history[2].note).toContain('需市局协调培训机构');
  });

  it('refuses beyondPower at the province (400 naming the field)', async () => {
    const p = (await file(filer, { category: 'system', description: '打印格式错乱', suggestion: '修复模板' })).body;
    const res = await api.call('POST', `/problems/${p.id}/answer`, { token: provinceReviewer.token, body: { answer: '无', beyondPower: true } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('body.beyondPower');
  });
});

describe('the ledger (E4)', () => {
  it('lists by level, status, overdue and category; the county supervisor reads the county ledger; others see their own subtree', async () => {
    // Prepare: one problem filed a week ago (its county deadline has passed), one today
    // (through the service: a session token cannot travel back in time)
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    clock.set(() => tenDaysAgo);
    const a = otherOperator.account;
    const old = await problems.fileProblem(
      {
        principal: { kind: 'staff', accountId: a.id, name: a.name, roles: a.roles, regionCode: a.regionCode, regionPath: a.regionPath, scopeBucket: a.scopeBucket, sid: 't' },
        requestId: 'test',
        now: tenDaysAgo,
      },
      guidance('card') as Parameters<typeof problems.fileProblem>[1],
    );
    clock.reset();
    const fresh = (await file(otherOperator, guidance('card'))).body;
    // Act
    const overdue = await api.call('GET', '/problems?level=county&overdue=true', { token: countySupervisor.token });
    const countyOpen = await api.call('GET', '/problems?level=county&status=open&limit=200', { token: countySupervisor.token });
    const systemOnly = await api.call('GET', '/problems?category=system&limit=200', { token: countySupervisor.token });
    const township = await api.call('GET', `/problems?region=${TOWNSHIP}&limit=200`, { token: countySupervisor.token });
    const filerView = await api.call('GET', '/problems?limit=200', { token: filer.token });
    const foreignRegion = await api.call('GET', `/problems?region=${OTHER_VILLAGE}`, { token: filer.token });
    const foreignProblem = await api.call('GET', `/problems/${old.id}`, { token: filer.token });
    const detail = await api.call('GET', `/problems/${old.id}`, { token: countySupervisor.token });
    // Assess
    const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((i) => i.id);
    expect(ids(overdue)).toContain(old.id);
    expect(ids(overdue)).not.toContain(fresh.id);
    expect(overdue.body.items.every((i: { overdue: boolean }) => i.overdue)).toBe(true);
    expect(ids(countyOpen)).toEqual(expect.arrayContaining([old.id, fresh.id]));
    expect(systemOnly.body.items.every((i: { category: string }) => i.category === 'system')).toBe(true);
    expect(ids(township)).toEqual(expect.arrayContaining([old.id, fresh.id]));
    expect(filerView.body.items.every((i: { filerId: string; regionCode: string }) => i.regionCode === VILLAGE)).toBe(true);
    expect(ids(filerView)).not.toContain(old.id);
    expect(foreignRegion.status).toBe(404);
    expect(foreignProblem.status).toBe(404);
    expect(detail.body).toMatchObject({ id: old.id, overdue: true, holder: { regionCode: COUNTY } });
    expect(detail.body.history.length).toBeGreaterThanOrEqual(2);
  });

  it('pages with limit and cursor, and refuses a forged cursor with 400', async () => {
    const first = await api.call('GET', '/problems?limit=2', { token: countySupervisor.token });
    const second = await api.call('GET', `/problems?limit=2&cursor=${first.body.nextCursor}`, { token: countySupervisor.token });
    const forged = await api.call('GET', '/problems?limit=2&cursor=abc', { token: countySupervisor.token });
    expect(first.body.items).toHaveLength(2);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(forged.status).toBe(400);
  });

  it('shows the responsibility list: who holds each unresolved problem and since when', async () => {
    const res = await api.call('GET', `/problems/responsibilities?region=${COUNTY}&limit=200`, { token: countySupervisor.token });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const r of res.body.items) {
      expect(r.status).not.toBe('resolved');
      expect(r.holder.since).toMatch(/\+08:00$/);
    }
    const province = await api.call('GET', '/problems/responsibilities?limit=200', { token: provinceReviewer.token });
    expect(province.body.items.length).toBeGreaterThanOrEqual(res.body.items.length);
  });

  it('lets a city reviewer list the problems held at the city and the counties below', async () => {
    const atCounties = await api.call('GET', '/problems?level=county&limit=200', { token: cityReviewer.token });
    expect(atCounties.status).toBe(200);
    expect(atCounties.body.items.length).toBeGreaterThan(0);
    expect(atCounties.body.items.every((i: { level: string }) => i.level === 'county')).toBe(true);
  });
});

describe('designations', () => {
  it('only the county business admin designates, and only a county reviewer; everyone in the county can read them', async () => {
    // Prepare
    const before = await tableSnapshot();
    // Act
    const byOperator = await api.call('PUT', '/problems/designations/card', { token: filer.token, body: { accountId: backbone.account.id } });
    const notReviewer = await api.call('PUT', '/problems/designations/card', { token: countyBizAdmin.token, body: { accountId: filer.account.id } });
    const badCategory = await api.call('PUT', '/problems/designations/tax', { token: countyBizAdmin.token, body: { accountId: backbone.account.id } });
    const refused = await tableSnapshot();
    const ok = await api.call('PUT', '/problems/designations/card', { token: countyBizAdmin.token, body: { accountId: countyReviewer.account.id } });
    const list = await api.call('GET', '/problems/designations', { token: filer.token });
    // Assess
    expect(byOperator.status).toBe(403);
    expect(notReviewer.status).toBe(400);
    expect(notReviewer.body.error.details[0].field).toBe('body.accountId');
    expect(badCategory.body.error.details[0].field).toBe('path.businessCategory');
    expect(refused).toEqual(before);
    expect(ok.body).toMatchObject({ countyCode: COUNTY, businessCategory: 'card', accountId: countyReviewer.account.id });
    expect(list.body.items.map((d: { businessCategory: string }) => d.businessCategory).sort()).toEqual(['card', 'social_security']);
  });
});

describe('supervision counters', () => {
  it('counts filings by category, escalations per level, answers, reopenings and resolutions per region, month and week, in each change\'s transaction', async () => {
    // Prepare: the filer's region's counters for this month and week as they stand
    const now = new Date();
    const periods = [monthShanghai(now), weekShanghai(now)];
    const read = () => Promise.all(periods.map((period) => getItem<Record<string, unknown>>(ProblemStat.key({ regionCode: VILLAGE, period }), true)));
    const before = await read();
    /** The escalation flow's deadline passes: the problem item as it would stand then (indexes kept in step). */
    const overdue = async (id: string) => {
      const p = (await getItem<ProblemAttrs>(Problem.key({ id }), true))!;
      await db().send(new PutCommand({ TableName: tableName(), Item: Problem.item({ ...p, deadline: '2000-01-01T17:00:00.000+08:00' }) }));
    };
    const ctx = () => systemCtx('escalation-test', new Date());

    // Act: a guidance problem nobody answers climbs to the city and the province (the flow's assign
    // task), the province answers, the filer reopens, the province answers again, the filer resolves
    const climbing = (await file(filer, guidance('pension'))).body;
    await overdue(climbing.id);
    const toCity = await problems.assignLevel(ctx(), climbing.id, 'city');
    await overdue(climbing.id);
    const toProvince = await problems.assignLevel(ctx(), climbing.id, 'province');
    const answered = await api.call('POST', `/problems/${climbing.id}/answer`, { token: provinceReviewer.token, body: { answer: '已协调' } });
    const reopened = await api.call('POST', `/problems/${climbing.id}/reopen`, { token: filer.token });
    const again = await api.call('POST', `/problems/${climbing.id}/answer`, { token: provinceReviewer.token, body: { answer: '已处理完毕' } });
    const resolved = await api.call('POST', `/problems/${climbing.id}/resolve`, { token: filer.token });
    // … a system problem (straight to the province: not an escalation), and a county beyond-power answer
    const system = await file(filer, { category: 'system', description: '打印格式错乱', suggestion: '修复模板' });
    const skill = (await file(filer, guidance('learn_skill'))).body;
    const beyond = await api.call('POST', `/problems/${skill.id}/answer`, { token: countyReviewer.token, body: { answer: '需市局协调', beyondPower: true } });
    // A refused change counts nothing
    const refused = await api.call('POST', `/problems/${skill.id}/resolve`, { token: countyReviewer.token });
    const after = await read();

    // Assess
    expect([toCity.level, toProvince.level]).toEqual(['city', 'province']);
    expect([answered.status, reopened.status, again.status, resolved.status, system.status, beyond.status, refused.status]).toEqual([200, 200, 200, 200, 201, 200, 403]);
    const expected = { filed: 3, cat_guidance: 2, cat_system: 1, biz_pension: 1, biz_learn_skill: 1, toCity: 2, toProvince: 1, answered: 2, reopened: 1, resolved: 1 };
    for (const [i, period] of periods.entries()) {
      const delta = Object.fromEntries(Object.keys(expected).map((k) => [k, ((after[i]?.[k] as number) ?? 0) - ((before[i]?.[k] as number) ?? 0)]));
      expect(delta).toEqual(expected);
      expect(after[i]).toMatchObject({ entity: 'ProblemStat', period, regionCode: VILLAGE, scopeBucket: COUNTY, gsi1pk: `PROBSTAT_IN#${COUNTY}#${period}` });
      expect(after[i]?.cat_functional ?? 0).toBe(before[i]?.cat_functional ?? 0);
    }
  });
});
