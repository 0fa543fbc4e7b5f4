import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { createPoint } from '../../test/helpers/fixtures';
import { BOOTSTRAP, createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { forgetCalendarCache } from '../../shared/calendar';

/**
 * C4: a correction of a year already known (built in from the official calendar, or loaded)
 * moves the due dates of the open cases whose clock runs through it; closed cases keep theirs.
 */
const VILLAGE = '141033100208'; // 刁口村委会
let api: TestApi;
let operator: string;
let bizAdmin: string;
const at = (iso: string) => clock.set(() => new Date(iso));

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  const pointId = await createPoint(VILLAGE);
  operator = await api.login((await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId })).idNumber);
  bizAdmin = await api.login(BOOTSTRAP.bizAdmin());
});
afterEach(() => clock.reset());
afterAll(async () => {
  forgetCalendarCache();
  await api?.close();
});

const s01 = () => ({
  itemCode: 'S01',
  channel: 'window',
  applicant: { name: '孙秀兰', idNumber: testIdNumber('19620404'), phone: testPhone() },
  materialsNotified: ['居民身份证', '户口簿'],
  materialsReceived: ['居民身份证', '户口簿'],
});

describe('a corrected calendar year', () => {
  it('moves the due dates of open cases running through it, and leaves closed ones alone', async () => {
    // Prepare: two cases accepted on 2025-09-29 (due 2025-10-13 across National Day); one is
    // submitted (open), the other a no-review item completed on the spot (closed)
    at('2025-09-29T09:00:00+08:00');
    const open = await api.call('POST', '/cases', { token: operator, body: s01() });
    expect(open.body.dueDate).toBe('2025-10-13');
    await api.call('POST', `/cases/${open.body.id}/submit`, { token: operator });
    const e01 = await api.call('POST', '/cases', {
      token: operator,
      body: { itemCode: 'E01', channel: 'window', applicant: s01().applicant, materialsNotified: ['居民身份证或社会保障卡'], materialsReceived: ['居民身份证或社会保障卡'] },
    });
    await api.call('POST', `/cases/${e01.body.id}/complete`, { token: operator });
    const official = (await api.call('GET', '/public/calendar/2025')).body;
    expect(official.source).toBe('builtin');

    // Act: the province corrects 2025 — 2025-10-10 becomes a holiday
    at('2025-09-30T10:00:00+08:00');
    const corrected = await api.call('POST', '/calendar/years', {
      token: bizAdmin,
      body: { year: 2025, holidays: [...official.holidays, '2025-10-10'], workdays: official.workdays, source: '更正通知（测试）' },
    });

    // Assess
    expect(corrected.status).toBe(201);
    expect(corrected.body).toMatchObject({ source: 'loaded', changedDueDates: 1 });
    const after = await api.call('GET', `/cases/${open.body.id}`, { token: operator });
    expect(after.body.dueDate).toBe('2025-10-14');
    expect(after.body.steps.map((s: { action: string }) => s.action)).toContain('due_recomputed');
    const closed = await api.call('GET', `/cases/${e01.body.id}`, { token: operator });
    expect(closed.body.dueDate).toBe(e01.body.dueDate);
    expect(closed.body.steps.map((s: { action: string }) => s.action)).not.toContain('due_recomputed');
  });
});
