import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems } from '../../test/helpers/table';
import { startTestApi, testIdNumber, testPhone, type TestApi, staffIdNumber } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { Region } from '../../shared/db/entities';
import { createPoint } from '../../test/helpers/fixtures';

/**
 * What the console's window, kiosk and review screens need from cases: finding a case by its
 * number or by the applicant's ID number, the printed documents, the public status lookup
 * and the reasons of a bad rating — each in and out of scope.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200'; // 城关村委会
const OTHER_VILLAGE = '141033100201'; // 桃湾村委会
const OTHER_COUNTY = '141024000000'; // 洪洞县 (added here)
const NOW = '2026-03-02T09:00:00+08:00'; // a Monday

type Who = 'op' | 'op2' | 'otherOp' | 'rev' | 'foreignRev' | 'supervisor' | 'admin';
let api: TestApi;
let ids: Record<Who, string>;
let tokens: Record<Who, string>;
async function loginAll(): Promise<void> {
  const out: Partial<Record<Who, string>> = {};
  for (const [k, id] of Object.entries(ids)) out[k as Who] = await api.login(id);
  tokens = out as typeof tokens;
}
const masked = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;
const person = () => ({ name: '王秀珍', idNumber: testIdNumber('19580704'), phone: testPhone() });
const s01 = (applicant = person()) => ({
  itemCode: 'S01',
  channel: 'window',
  applicant,
  materialsNotified: ['居民身份证', '户口簿'],
  materialsReceived: ['居民身份证'],
});

beforeAll(async () => {
  clock.set(() => new Date(NOW));
  await prepareTable();
  await new Tx(systemCtx('test', new Date()))
    .put(Region.item({ code: OTHER_COUNTY, name: '洪洞县', level: 'county', parentCode: '141000000000', path: `140000000000/141000000000/${OTHER_COUNTY}` }))
    .log({ action: 'test.region', targetType: 'Region', targetId: OTHER_COUNTY })
    .commit();
  const village = await createPoint(VILLAGE, 'in_operation');
  const other = await createPoint(OTHER_VILLAGE, 'in_operation');
  api = await startTestApi();
  ids = {
    op: await staffIdNumber(['operator'], VILLAGE, village),
    op2: await staffIdNumber(['operator'], VILLAGE, village),
    otherOp: await staffIdNumber(['operator'], OTHER_VILLAGE, other),
    rev: await staffIdNumber(['reviewer'], COUNTY),
    foreignRev: await staffIdNumber(['reviewer'], OTHER_COUNTY),
    supervisor: await staffIdNumber(['supervisor'], COUNTY),
    admin: await staffIdNumber(['sys_admin'], COUNTY),
  };
  await loginAll();
});
afterAll(async () => {
  clock.reset();
  await api?.close();
});

describe('GET /cases?number= and ?applicantIdNumber=', () => {
  it('finds a case by its whole or short number, for staff in scope only', async () => {
    // Prepare
    const accepted = await api.call('POST', '/cases', { token: tokens.op, body: s01() });
    const { number, id } = accepted.body as { number: string; id: string };
    const serial = String(Number(number.slice(-6)));
    const find = (token: string, n: string) => api.call('GET', `/cases?number=${encodeURIComponent(n)}`, { token });

    // Act
    const [whole, short, withYear, byRev, byOtherPoint, byForeign, bySupervisor] = await Promise.all([
      find(tokens.op, number),
      find(tokens.op2, serial),
      find(tokens.op, `2026-${serial}`),
      find(tokens.rev, number),
      find(tokens.otherOp, number),
      find(tokens.foreignRev, number),
      find(tokens.supervisor, number),
    ]);

    // Assess: found in scope, masked; out of scope exactly like an unknown number
    for (const r of [whole, short, withYear, byRev, bySupervisor]) {
      expect(r.status).toBe(200);
      expect(r.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
      expect(r.body.items[0].applicant.idNumber).toMatch(/\*{10}/);
    }
    for (const r of [byOtherPoint, byForeign]) expect(r.body).toEqual({ items: [], nextCursor: null });
    expect((await find(tokens.op, '蒲县-2026-999999')).body.items).toEqual([]);
  });

  it('refuses admins (A3), citizens, and a malformed or mixed query naming the field', async () => {
    // Prepare
    const citizen = await api.login(testIdNumber('19700101'));

    // Act
    const [admin, byCitizen, bad, mixed, badId] = await Promise.all([
      api.call('GET', '/cases?number=123', { token: tokens.admin }),
      api.call('GET', '/cases?number=123', { token: citizen }),
      api.call('GET', '/cases?number=abc', { token: tokens.op }),
      api.call('GET', '/cases?number=123&status=accepted', { token: tokens.op }),
      api.call('GET', '/cases?applicantIdNumber=141033195807040000', { token: tokens.op }),
    ]);

    // Assess
    expect(admin.status).toBe(403);
    expect(byCitizen.status).toBe(403);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('query.number');
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.details.map((d: { field: string }) => d.field)).toContain('query.status');
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.map((d: { field: string }) => d.field)).toContain('query.applicantIdNumber');
  });

  it('finds an applicant’s cases by ID number within scope, masked, and logs the search', async () => {
    // Prepare: two cases at this point, one at the other point of the county
    const who = person();
    const a = await api.call('POST', '/cases', { token: tokens.op, body: s01(who) });
    const b = await api.call('POST', '/cases', { token: tokens.op2, body: s01(who) });
    const c = await api.call('POST', '/cases', { token: tokens.otherOp, body: s01(who) });
    const find = (token: string) => api.call('GET', `/cases?applicantIdNumber=${who.idNumber}`, { token });

    // Act
    const [atPoint, atCounty, foreign] = [await find(tokens.op), await find(tokens.rev), await find(tokens.foreignRev)];

    // Assess: the point sees its two, newest first; the county all three; another county none
    expect(atPoint.status).toBe(200);
    expect(atPoint.body.items.map((x: { id: string }) => x.id)).toEqual([b.body.id, a.body.id]);
    expect(atCounty.body.items.map((x: { id: string }) => x.id).sort()).toEqual([a.body.id, b.body.id, c.body.id].sort());
    expect(foreign.body.items).toEqual([]);
    for (const x of atCounty.body.items) expect(x.applicant.idNumber).toBe(masked(who.idNumber));
    expect(JSON.stringify(atCounty.body)).not.toContain(who.idNumber);
    const logs = (await rawItems()).filter((i) => i.action === 'case.searched_by_applicant');
    expect(logs).toHaveLength(3);
    expect(JSON.stringify(logs)).not.toContain(who.idNumber);
    expect(logs.find((l) => l.actorId !== undefined && (l.after as { found: string[] }).found.length === 2)).toBeDefined();
  });
});

describe('GET /cases/{id}/documents/{kind}', () => {
  it('gives the receipt, the notification and (after a return) the supplement notice, masked, to the case’s own people', async () => {
    // Prepare: accepted with one of the two materials
    const who = person();
    const accepted = await api.call('POST', '/cases', { token: tokens.op, body: s01(who) });
    const id = accepted.body.id as string;
    const doc = (kind: string, token = tokens.op) => api.call('GET', `/cases/${id}/documents/${kind}`, { token });

    // Act
    const receipt = await doc('receipt');
    const notification = await doc('notification', tokens.op2);
    const tooEarly = await doc('supplement-notice');

    // Assess: the receipt
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({
      kind: 'receipt',
      title: '受理回执',
      number: accepted.body.number,
      checkCode: accepted.body.checkCode,
      itemName: '城乡居民基本养老保险参保登记',
      applicant: { name: who.name, idNumber: masked(who.idNumber) },
      point: { name: accepted.body.pointName },
      clerk: { name: accepted.body.acceptorName },
      acceptDate: '2026-03-02',
      dueDate: accepted.body.dueDate,
      materialsNotified: ['居民身份证', '户口簿'],
      materialsReceived: ['居民身份证'],
      materialsOutstanding: ['户口簿'],
    });
    const url = new URL(receipt.body.statusUrl);
    expect(url.searchParams.get('number')).toBe(accepted.body.number);
    expect(url.searchParams.get('code')).toBe(accepted.body.checkCode);
    expect(receipt.body.statusQrContent).toBe(receipt.body.statusUrl);
    // the notification: the item's every material, legal basis, procedure, time limit, fees, complaint phone
    expect(notification.status).toBe(200);
    expect(notification.body.notification).toMatchObject({
      itemName: '城乡居民基本养老保险参保登记',
      materials: ['居民身份证', '户口簿'],
      timeLimitWorkingDays: 5,
      fees: '不收费',
      complaintPhone: '12333',
    });
    expect(notification.body.notification.legalBasis).toContain('社会保险法');
    expect(notification.body.notification.procedure.length).toBeGreaterThanOrEqual(3);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.code).toBe('NOT_RETURNED');
    for (const r of [receipt, notification]) {
      expect(r.text).not.toContain(who.idNumber);
      expect(r.text).not.toContain(who.phone);
    }

    // Act: the county returns it for the household register
    const submitted = await api.call('POST', `/cases/${id}/submit`, { token: tokens.op });
    await api.call('POST', `/cases/${id}/review`, {
      token: tokens.rev,
      body: { decision: 'return', reason: '请补交户口簿首页及本人页', version: submitted.body.version, missingMaterials: ['户口簿'] },
    });
    const notice = await doc('supplement-notice');
    const byReviewer = await doc('supplement-notice', tokens.rev);

    // Assess: what is missing, asked by whom, when
    expect(notice.status).toBe(200);
    expect(notice.body).toMatchObject({ kind: 'supplement-notice', title: '补正材料通知书', status: 'returned' });
    expect(notice.body.supplement).toMatchObject({ missingMaterials: ['户口簿'], reason: '请补交户口簿首页及本人页', askedBy: '测试reviewer' });
    expect(notice.body.supplement.askedAt).toMatch(/^2026-03-02T09:00:00/);
    expect(byReviewer.status).toBe(200);
    expect(notice.text).not.toContain(who.idNumber);

    // Act: everyone else
    const applicantToken = await api.login(who.idNumber);
    const stranger = await api.login(testIdNumber('19900101'));
    const [bySupervisor, byOtherPoint, byForeign, byAdmin, byApplicant, byStranger, badKind] = await Promise.all([
      doc('receipt', tokens.supervisor),
      doc('receipt', tokens.otherOp),
      doc('receipt', tokens.foreignRev),
      doc('receipt', tokens.admin),
      doc('receipt', applicantToken),
      doc('receipt', stranger),
      doc('invoice'),
    ]);

    // Assess
    expect(bySupervisor.status).toBe(403);
    expect(byOtherPoint.status).toBe(404);
    expect(byForeign.status).toBe(404);
    expect(byAdmin.status).toBe(403);
    expect(byApplicant.status).toBe(200);
    expect(byApplicant.body.applicant.idNumber).toBe(masked(who.idNumber));
    expect(byStranger.status).toBe(404);
    expect(badKind.status).toBe(400);
    expect(JSON.stringify(badKind.body.error.details)).toContain('kind');
  });
});

describe('GET /public/case-status', () => {
  const status = (number: string, code: string) => api.call('GET', `/public/case-status?number=${encodeURIComponent(number)}&code=${encodeURIComponent(code)}`);
  const wrong = (code: string) => (code[0] === '2' ? '3' : '2') + code.slice(1);

  it('shows where the case stands to anyone with the receipt, with no personal data', async () => {
    // Prepare
    const who = person();
    const accepted = await api.call('POST', '/cases', { token: tokens.op, body: s01(who) });
    await api.call('POST', `/cases/${accepted.body.id}/submit`, { token: tokens.op });

    // Act: typed from paper in lower case with a space
    const r = await status(accepted.body.number, `${accepted.body.checkCode.slice(0, 3).toLowerCase()} ${accepted.body.checkCode.slice(3)}`);

    // Assess
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      number: accepted.body.number,
      itemName: '城乡居民基本养老保险参保登记',
      status: 'submitted',
      dueDate: accepted.body.dueDate,
      pointName: accepted.body.pointName,
      updatedAt: expect.stringMatching(/^2026-03-02T09:00:00/),
    });
    expect(r.text).not.toContain(who.name);
    expect(r.text).not.toContain(who.idNumber.slice(-4));
  });

  it('answers a wrong code exactly like an unknown number, and locks the number for an hour after 10 wrong codes', async () => {
    // Prepare
    const accepted = await api.call('POST', '/cases', { token: tokens.op, body: s01() });
    const { number, checkCode } = accepted.body as { number: string; checkCode: string };

    // Act: a wrong code, an unknown number, a malformed code
    const bad = await status(number, wrong(checkCode));
    const unknown = await status('蒲县-2026-987654', checkCode);
    const malformed = await status(number, 'O0I1');

    // Assess: the same 404 reply, nothing to tell them apart
    expect(bad.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(bad.body).toEqual(unknown.body);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.map((d: { field: string }) => d.field)).toEqual(['query.code']);

    // Act: right codes do not use up attempts; nine more wrong ones (ten in all) do
    for (let i = 0; i < 3; i++) expect((await status(number, checkCode)).status).toBe(200);
    const wrongs = [];
    for (let i = 0; i < 9; i++) wrongs.push((await status(number, wrong(checkCode))).status);
    const lockedOut = await status(number, checkCode);

    // Assess: even the right code is 429 now (no more guesses), and the lock is in the table with its TTL
    expect(wrongs).toEqual(Array(9).fill(404));
    expect(lockedOut.status).toBe(429);
    const row = (await rawItems()).find((i) => i.entity === 'StatusLookupFailures' && i.number === number)!;
    expect(row).toMatchObject({ failures: 10 });
    expect(row.ttl).toBeGreaterThan(Date.parse(NOW) / 1000);
    expect((await rawItems()).filter((i) => i.action === 'case.status_lookup' && i.targetId === number)).toHaveLength(10 + 3);

    // Act: an hour after the last wrong code
    clock.set(() => new Date(Date.parse(NOW) + 3600_000 + 1000));
    const later = await status(number, checkCode);
    clock.set(() => new Date(NOW));

    // Assess
    expect(later.status).toBe(200);
  });

  it('cannot be out-guessed by parallel requests: each comparison takes its attempt first', async () => {
    // Prepare
    const accepted = await api.call('POST', '/cases', { token: tokens.op, body: s01() });
    const { number, checkCode } = accepted.body as { number: string; checkCode: string };

    // Act: 30 wrong codes at once
    const replies = await Promise.all(Array.from({ length: 30 }, () => status(number, wrong(checkCode))));

    // Assess: at most 10 were compared (404), the rest throttled
    const compared = replies.filter((r) => r.status === 404).length;
    expect(compared).toBeLessThanOrEqual(10);
    expect(replies.every((r) => r.status === 404 || r.status === 429)).toBe(true);
    expect((await status(number, checkCode)).status).toBe(compared === 10 ? 429 : 200);
  });
});

describe('POST /cases/{id}/rating: a bad rating says why', () => {
  it('needs a reason for 1–2, a comment when the reason is other, and keeps the reason on the follow-up', async () => {
    // Prepare: a completed S09 (no review) for a citizen
    const who = person();
    const done = await api.call('POST', '/cases', {
      token: tokens.op,
      body: { itemCode: 'S09', channel: 'window', applicant: who, materialsNotified: ['居民身份证或社会保障卡'], materialsReceived: ['居民身份证或社会保障卡'] },
    });
    await api.call('POST', `/cases/${done.body.id}/complete`, { token: tokens.op });
    const citizen = await api.login(who.idNumber);
    const rate = (body: unknown) => api.call('POST', `/cases/${done.body.id}/rating`, { token: citizen, body });
    const fields = (r: { body: { error: { details: { field: string }[] } } }) => r.body.error.details.map((d) => d.field);

    // Act
    const noReason = await rate({ score: 2 });
    const otherNoComment = await rate({ score: 1, reason: 'other' });
    const unknownReason = await rate({ score: 1, reason: 'rude' });
    const reasonOnGood = await rate({ score: 4, reason: 'slow' });
    const ok = await rate({ score: 1, reason: 'other', comment: '材料说明前后不一致' });

    // Assess
    expect(noReason.status).toBe(400);
    expect(fields(noReason)).toEqual(['body.reason']);
    expect(otherNoComment.status).toBe(400);
    expect(fields(otherNoComment)).toEqual(['body.comment']);
    expect(fields(unknownReason)).toEqual(['body.reason']);
    expect(fields(reasonOnGood)).toEqual(['body.reason']);
    expect(ok.status).toBe(201);
    expect(ok.body.rating).toMatchObject({ score: 1, reason: 'other', comment: '材料说明前后不一致' });
    const followUps = await api.call('GET', '/follow-ups', { token: tokens.op });
    expect(followUps.body.items.find((f: { caseId: string }) => f.caseId === done.body.id)).toMatchObject({ score: 1, reason: 'other', status: 'open' });
  });
});
