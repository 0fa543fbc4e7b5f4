import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, tableSnapshot } from '../../test/helpers/table';
import { createPoint } from '../../test/helpers/fixtures';
import { createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';

/** A bad rating opens a follow-up on the point; its operator records the rectification and closes it. */
const COUNTY = '141033000000';
const VILLAGE = '141033100205'; // 枣林村委会
const OTHER_VILLAGE = '141033100207'; // 荆坡村委会
let api: TestApi;
let t: Record<'op' | 'otherOp' | 'rev' | 'sup', string>;
let followUpId: string;
let pointId: string;

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  pointId = await createPoint(VILLAGE);
  const other = await createPoint(OTHER_VILLAGE);
  t = {
    op: await api.login((await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId })).idNumber),
    otherOp: await api.login((await createStaff({ roles: ['operator'], regionCode: OTHER_VILLAGE, pointId: other })).idNumber),
    rev: await api.login((await createStaff({ roles: ['reviewer'], regionCode: COUNTY })).idNumber),
    sup: await api.login((await createStaff({ roles: ['supervisor'], regionCode: COUNTY })).idNumber),
  };
  // Prepare: a job-seeker registration (E01, no review) completed at the point and rated 1
  const person = { name: '赵大勇', idNumber: testIdNumber('19900202'), phone: testPhone() };
  const c = await api.call('POST', '/cases', { token: t.op, body: { itemCode: 'E01', channel: 'window', applicant: person, materialsNotified: ['居民身份证或社会保障卡'], materialsReceived: ['居民身份证或社会保障卡'] } });
  await api.call('POST', `/cases/${c.body.id}/complete`, { token: t.op });
  const citizen = await api.login(person.idNumber);
  const rated = await api.call('POST', `/cases/${c.body.id}/rating`, { token: citizen, body: { score: 1, reason: 'slow', comment: '排队太久，态度差' } });
  expect(rated.status).toBe(201);
});
afterAll(async () => api?.close());

describe('rating follow-ups', () => {
  it('lists the open follow-up to the point, the county reviewer and the supervisor', async () => {
    // Act
    const own = await api.call('GET', '/follow-ups', { token: t.op });
    const county = await api.call('GET', `/follow-ups?region=${COUNTY}`, { token: t.rev });
    const supervised = await api.call('GET', '/follow-ups?status=open', { token: t.sup });
    // Assess
    expect(own.body.items).toHaveLength(1);
    expect(own.body.items[0]).toMatchObject({ pointId, score: 1, status: 'open', comment: '排队太久，态度差' });
    expect(county.body.items.map((f: { id: string }) => f.id)).toEqual([own.body.items[0].id]);
    expect(supervised.body.items).toHaveLength(1);
    followUpId = own.body.items[0].id;
  });

  it('refuses another point, a reviewer and a supervisor, writing nothing', async () => {
    const before = await tableSnapshot();
    const body = { resolution: '已约谈窗口人员并增设叫号' };
    expect((await api.call('GET', `/follow-ups?point=${pointId}`, { token: t.otherOp })).status).toBe(404);
    expect((await api.call('POST', `/follow-ups/${followUpId}/close`, { token: t.otherOp, body })).status).toBe(404);
    expect((await api.call('POST', `/follow-ups/${followUpId}/close`, { token: t.rev, body })).status).toBe(403);
    expect((await api.call('POST', `/follow-ups/${followUpId}/close`, { token: t.sup, body })).status).toBe(403);
    expect((await api.call('POST', `/follow-ups/${followUpId}/close`, { token: t.op, body: {} })).body.error.details[0].field).toBe('body.resolution');
    expect(await tableSnapshot()).toEqual(before);
  });

  it('is closed once by the point operator with what was done, and leaves the open list', async () => {
    // Act
    const closed = await api.call('POST', `/follow-ups/${followUpId}/close`, { token: t.op, body: { resolution: '已约谈窗口人员并增设叫号', version: 1 } });
    const again = await api.call('POST', `/follow-ups/${followUpId}/close`, { token: t.op, body: { resolution: '再次办结' } });
    const open = await api.call('GET', '/follow-ups', { token: t.op });
    const done = await api.call('GET', '/follow-ups?status=closed', { token: t.rev });
    // Assess
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', resolution: '已约谈窗口人员并增设叫号', version: 2 });
    expect(again.status).toBe(409);
    expect(open.body.items.filter((f: { status: string }) => f.status === 'open')).toHaveLength(0);
    expect(done.body.items.map((f: { id: string }) => f.id)).toEqual([followUpId]);
  });
});
