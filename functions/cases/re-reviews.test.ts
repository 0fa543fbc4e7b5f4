import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems } from '../../test/helpers/table';
import { createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { getItem } from '../../shared/db/store';
import { CaseCounter, Region } from '../../shared/db/entities';
import { createPoint } from '../../test/helpers/fixtures';
import { findRegion } from '../../shared/regions';
import { newId } from '../../shared/ids';
import { computeReport, readInputs } from '../reports/build';
import { parsePeriod } from '../reports/period';

/**
 * A leak freeze sends everything the account touched since `since` back for a second look
 * (A6 + C6): found through the op-log's actor index, queued in the freeze's operation, cleared
 * by the county's other reviewers, once; a flagged case shows the mark to the applicant.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
const OTHER_COUNTY = '141024000000'; // 洪洞县 (added by this test)
const OTHER_VILLAGE = '141024100200';
const S01 = ['居民身份证', '户口簿'];
const SINCE = '2025-11-03T09:05:00+08:00';

let api: TestApi;
const at = (hhmm: string) => clock.set(() => new Date(`2025-11-03T${hhmm}:00+08:00`));
const ids: Record<string, string> = {};
const people: Record<string, string> = {};
let opToken: string;
let village: string;

const staffIds: Record<string, string> = {};
const token = (who: string) => api.login(staffIds[who]!);

async function accept(itemCode: 'S01' | 'S09', label: string) {
  const person = { name: '王秀兰', idNumber: testIdNumber('19560101'), phone: testPhone() };
  people[label] = person.idNumber;
  const materials = itemCode === 'S01' ? S01 : ['居民身份证或社会保障卡'];
  const r = await api.call('POST', '/cases', { token: opToken, body: { itemCode, channel: 'window', applicant: person, materialsNotified: materials, materialsReceived: materials } });
  expect(r.status).toBe(201);
  ids[label] = r.body.id;
  return r.body;
}

beforeAll(async () => {
  at('08:50');
  await prepareTable();
  await new Tx(systemCtx('test', new Date()))
    .put(Region.item({ code: OTHER_COUNTY, name: '洪洞县', level: 'county', parentCode: '141000000000', path: `140000000000/141000000000/${OTHER_COUNTY}` }))
    .put(Region.item({ code: OTHER_VILLAGE, name: '某村', level: 'village', parentCode: OTHER_COUNTY, path: `140000000000/141000000000/${OTHER_COUNTY}/${OTHER_VILLAGE}` }))
    .log({ action: 'test.region', targetType: 'Region', targetId: OTHER_COUNTY })
    .commit();
  village = await createPoint(VILLAGE, 'in_operation');
  const mk = async (who: string, roles: Parameters<typeof createStaff>[0]['roles'], regionCode: string, pointId?: string) => {
    const s = await createStaff({ roles, regionCode, ...(pointId ? { pointId } : {}) });
    staffIds[who] = s.idNumber;
    staffIds[`${who}:id`] = s.account.id;
  };
  await mk('op', ['operator'], VILLAGE, village);
  await mk('rev1', ['reviewer'], COUNTY);
  await mk('rev2', ['reviewer'], COUNTY);
  await mk('foreignRev', ['reviewer'], OTHER_COUNTY);
  await mk('countySys', ['sys_admin'], COUNTY);
  await mk('supervisor', ['supervisor'], COUNTY);
  api = await startTestApi();
});
afterAll(async () => {
  clock.reset();
  await api?.close();
});

describe('a leak freeze queues the account’s case steps since `since` for re-review', () => {
  let queued: { id: string; caseId: string; action: string; version: number }[] = [];

  it('queues exactly the steps since `since`, none before, in the freeze’s operation, and ends the sessions', async () => {
    // Prepare: case A accepted and submitted before `since`; after it, B accepted and submitted,
    // C (no review) accepted and completed, A approved by rev1 and completed by the operator.
    at('09:00');
    opToken = await token('op');
    const a = await accept('S01', 'A');
    const aSub = await api.call('POST', `/cases/${a.id}/submit`, { token: opToken });
    at('09:10');
    const b = await accept('S01', 'B');
    await api.call('POST', `/cases/${b.id}/submit`, { token: opToken });
    const c = await accept('S09', 'C');
    await api.call('POST', `/cases/${c.id}/complete`, { token: opToken, body: { result: '已打印', delivery: 'on_the_spot' } });
    const approved = await api.call('POST', `/cases/${a.id}/review`, { token: await token('rev1'), body: { decision: 'approve', version: aSub.body.version } });
    await api.call('POST', `/cases/${a.id}/complete`, { token: opToken, body: { result: '已参保', delivery: 'on_the_spot', version: approved.body.version } });

    // Act
    at('09:20');
    const sys = await token('countySys');
    const noSince = await api.call('POST', `/accounts/${staffIds['op:id']}/freeze`, { token: sys, body: { reason: 'leak' } });
    const future = await api.call('POST', `/accounts/${staffIds['op:id']}/freeze`, { token: sys, body: { reason: 'leak', since: '2025-11-03T10:00:00+08:00' } });
    const frozen = await api.call('POST', `/accounts/${staffIds['op:id']}/freeze`, { token: sys, body: { reason: 'leak', since: SINCE } });
    const afterwards = await api.call('GET', '/cases', { token: opToken });

    // Assess
    expect(noSince.status).toBe(400);
    expect(noSince.body.error.details.map((d: { field: string }) => d.field)).toContain('body.since');
    expect(future.status).toBe(400);
    expect(future.body.error.details[0].field).toBe('body.since');
    expect(frozen.status).toBe(200);
    expect(frozen.body).toMatchObject({ status: 'frozen', statusReason: 'leak', reReview: { queued: 5, already: 0, more: false } });
    expect([afterwards.status, afterwards.body.error.code]).toEqual([403, 'ACCOUNT_FROZEN']);
    const raw = await rawItems();
    const stepsSince = raw
      .filter((i) => i.entity === 'OpLog' && i.actorId === staffIds['op:id'] && String(i.action).startsWith('case.') && String(i.at) >= SINCE)
      .map((i) => i.id)
      .sort();
    const rereviews = raw.filter((i) => i.entity === 'ReReview');
    expect(rereviews.map((r) => r.id).sort()).toEqual(stepsSince);
    expect(rereviews.map((r) => `${r.caseId === ids.A ? 'A' : r.caseId === ids.B ? 'B' : 'C'}:${r.action}`).sort()).toEqual([
      'A:case.complete',
      'B:case.accept',
      'B:case.submit',
      'C:case.accept',
      'C:case.complete',
    ]);
    // The freeze and the first page are one transaction: one request id for both log entries.
    const logs = raw.filter((i) => i.entity === 'OpLog' && i.targetId === staffIds['op:id'] && ['account.frozen', 're_review.queued'].includes(String(i.action)));
    expect(logs).toHaveLength(2);
    expect(new Set(logs.map((l) => l.requestId)).size).toBe(1);
    const month = await getItem<Record<string, number>>(CaseCounter.key({ pointId: village, month: '2025-11' }), true);
    expect(month?.reReviewQueued).toBe(5);
  });

  it('freezing again carries on without queuing anything twice', async () => {
    // Act
    at('09:21');
    const again = await api.call('POST', `/accounts/${staffIds['op:id']}/freeze`, { token: await token('countySys'), body: { reason: 'leak', since: SINCE } });
    const plain = await api.call('POST', `/accounts/${staffIds['op:id']}/freeze`, { token: await token('countySys'), body: { reason: '再次冻结' } });
    // Assess
    expect(again.status).toBe(200);
    expect(again.body.reReview).toEqual({ queued: 0, already: 5, more: false });
    expect(plain.status).toBe(409);
    expect((await rawItems()).filter((i) => i.entity === 'ReReview')).toHaveLength(5);
  });

  it('lists for the county’s reviewers only, never a case the reviewer acted on; other roles and counties see nothing', async () => {
    // Act
    at('09:25');
    const rev2 = await api.call('GET', '/re-reviews?status=open', { token: await token('rev2') });
    const rev1 = await api.call('GET', '/re-reviews', { token: await token('rev1') });
    const foreign = await api.call('GET', '/re-reviews?status=open', { token: await token('foreignRev') });
    const sup = await api.call('GET', '/re-reviews?status=open', { token: await token('supervisor') });
    const sys = await api.call('GET', '/re-reviews?status=open', { token: await token('countySys') });
    // Assess
    expect(rev2.status).toBe(200);
    expect(rev2.body.items).toHaveLength(5);
    queued = rev2.body.items;
    expect(rev2.body.items[0]).toMatchObject({ status: 'open', actorId: staffIds['op:id'], since: '2025-11-03T09:05:00.000+08:00' });
    expect(rev2.body.items[0].case.applicantIdNumber).toMatch(/\*{10}/);
    // rev1 approved case A: its re-review is not theirs to clear.
    expect(rev1.body.items.map((r: { caseId: string }) => r.caseId)).not.toContain(ids.A);
    expect(rev1.body.items).toHaveLength(4);
    expect(foreign.body.items).toEqual([]);
    expect([sup.status, sys.status]).toEqual([403, 403]);
  });

  it('clears once, logged once; a flagged case is marked and its applicant sees it; forbidden combinations refused', async () => {
    // Prepare
    at('09:30');
    const rev1 = await token('rev1');
    const rev2 = await token('rev2');
    const onA = queued.find((r) => r.caseId === ids.A)!;
    const bAccept = queued.find((r) => r.caseId === ids.B && r.action === 'case.accept')!;
    const cAccept = queued.find((r) => r.caseId === ids.C && r.action === 'case.accept')!;

    // Act
    const byActor = await api.call('POST', `/re-reviews/${onA.id}/clear`, { token: rev1, body: { outcome: 'confirmed', note: '无误' } });
    const foreign = await api.call('POST', `/re-reviews/${bAccept.id}/clear`, { token: await token('foreignRev'), body: { outcome: 'confirmed', note: '无误' } });
    const noNote = await api.call('POST', `/re-reviews/${bAccept.id}/clear`, { token: rev2, body: { outcome: 'flagged' } });
    const flagged = await api.call('POST', `/re-reviews/${bAccept.id}/clear`, { token: rev2, body: { outcome: 'flagged', note: '申请材料与户籍不符，需重新核实' } });
    const twice = await api.call('POST', `/re-reviews/${bAccept.id}/clear`, { token: rev2, body: { outcome: 'confirmed', note: '再次' } });
    const confirmed = await api.call('POST', `/re-reviews/${cAccept.id}/clear`, { token: rev1, body: { outcome: 'confirmed', note: '核对无误' } });
    const citizen = await api.login(people.B!);
    const mine = await api.call('GET', `/cases/${ids.B}`, { token: citizen });

    // Assess
    expect(byActor.status).toBe(403);
    expect(byActor.body.error.code).toBe('SEPARATION_OF_DUTIES');
    expect(foreign.status).toBe(404);
    expect(noNote.status).toBe(400);
    expect(flagged.status).toBe(200);
    expect(flagged.body).toMatchObject({ status: 'cleared', outcome: 'flagged', clearedByName: expect.any(String) });
    expect(twice.status).toBe(409);
    expect(confirmed.status).toBe(200);
    expect(mine.status).toBe(200);
    expect(mine.body.flagged).toMatchObject({ note: '申请材料与户籍不符，需重新核实', action: 'case.accept' });
    const raw = await rawItems();
    expect(raw.filter((i) => i.entity === 'OpLog' && i.targetId === bAccept.id && String(i.action).startsWith('re_review.'))).toHaveLength(1);
    const open = await api.call('GET', '/re-reviews?status=open', { token: rev2 });
    const cleared = await api.call('GET', '/re-reviews?status=cleared', { token: rev2 });
    expect(open.body.items).toHaveLength(3);
    expect(cleared.body.items.map((r: { outcome: string }) => r.outcome).sort()).toEqual(['confirmed', 'flagged']);
    const report = computeReport(await readInputs((await findRegion(COUNTY))!, parsePeriod('weekly', '2025-W45')!, clock.now()));
    expect(report.sections.cases.reReviews).toEqual({ queued: 5, confirmed: 1, flagged: 1 });
  });

  it('queues many steps in pages of transactions within the one request, each page logged', async () => {
    // Prepare: 150 case steps in the op-log of a second operator (written as its own log entries would be)
    at('09:40');
    const heavy = await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId: village });
    const ctx = { ...systemCtx('test', clock.now()), principal: { kind: 'staff' as const, accountId: heavy.account.id, name: '操作员乙', roles: ['operator' as const], regionCode: VILLAGE, regionPath: heavy.account.regionPath, scopeBucket: COUNTY, pointId: village, sid: 's' } };
    for (let page = 0; page < 3; page++) {
      const tx = new Tx(ctx);
      for (let i = 0; i < 50; i++) tx.log({ action: i % 2 ? 'case.submit' : 'case.accept', targetType: 'Case', targetId: newId(), countyCode: COUNTY, regionCode: VILLAGE });
      await tx.commit();
    }
    // Act
    at('09:45');
    const frozen = await api.call('POST', `/accounts/${heavy.account.id}/freeze`, { token: await token('countySys'), body: { reason: 'leak', since: '2025-11-03T09:35:00+08:00' } });
    // Assess: 150 queued over two transactions (a transaction holds at most 100 items)
    expect(frozen.status).toBe(200);
    expect(frozen.body.reReview).toEqual({ queued: 150, already: 0, more: false });
    const raw = await rawItems();
    expect(raw.filter((i) => i.entity === 'ReReview' && i.actorId === heavy.account.id)).toHaveLength(150);
    const pages = raw.filter((i) => i.entity === 'OpLog' && i.action === 're_review.queued' && i.targetId === heavy.account.id);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.reduce((n, l) => n + ((l.after as { steps: string[] }).steps.length), 0)).toBe(150);
  });
});
