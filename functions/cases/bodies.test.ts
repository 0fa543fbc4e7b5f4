import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, tableSnapshot } from '../../test/helpers/table';
import { createPoint } from '../../test/helpers/fixtures';
import { createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';

/**
 * api.md names no body for submit, supplement and complete: a client that sends none (or {})
 * gets the sensible default — supplement brings what the return asked for, complete hands the
 * result over on the spot.
 */
const VILLAGE = '141033100201'; // 桃湾村委会
let api: TestApi;
let operator: string;
let reviewer: string;

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  const pointId = await createPoint(VILLAGE, 'in_operation');
  operator = await api.login((await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId })).idNumber);
  reviewer = await api.login((await createStaff({ roles: ['reviewer'], regionCode: '141033000000' })).idNumber);
});
afterAll(async () => api?.close());

describe('bodies api.md leaves open', () => {
  it('submits, supplements and completes with no body at all', async () => {
    // Prepare
    const accepted = await api.call('POST', '/cases', {
      token: operator,
      body: { itemCode: 'S01', channel: 'window', applicant: { name: '李四', idNumber: testIdNumber('19580101'), phone: testPhone() }, materialsNotified: ['居民身份证', '户口簿'], materialsReceived: ['居民身份证'] },
    });
    expect(accepted.status).toBe(201);
    const id = accepted.body.id;
    // Act
    const submitted = await api.call('POST', `/cases/${id}/submit`, { token: operator });
    const returned = await api.call('POST', `/cases/${id}/review`, { token: reviewer, body: { decision: 'return', reason: '缺户口簿', missingMaterials: ['户口簿'], version: submitted.body.version } });
    const supplemented = await api.call('POST', `/cases/${id}/supplement`, { token: operator, body: {} });
    const approved = await api.call('POST', `/cases/${id}/review`, { token: reviewer, body: { decision: 'approve', reason: '同意', version: supplemented.body.version } });
    const completed = await api.call('POST', `/cases/${id}/complete`, { token: operator });
    // Assess
    expect([submitted.status, returned.status, supplemented.status, approved.status, completed.status]).toEqual([200, 200, 200, 200, 200]);
    expect(supplemented.body.materialsReceived).toEqual(expect.arrayContaining(['居民身份证', '户口簿']));
    expect(completed.body).toMatchObject({ status: 'completed', result: { delivery: 'on_the_spot' } });
  });

  it('returns for supplement with exactly the review body api.md names: {decision, reason, version}', async () => {
    // Prepare
    const accepted = await api.call('POST', '/cases', {
      token: operator,
      body: { itemCode: 'S01', channel: 'window', applicant: { name: '王五', idNumber: testIdNumber('19600101'), phone: testPhone() }, materialsNotified: ['居民身份证', '户口簿'], materialsReceived: ['居民身份证'] },
    });
    const submitted = await api.call('POST', `/cases/${accepted.body.id}/submit`, { token: operator });
    const id = accepted.body.id;
    const before = await tableSnapshot();
    // Act
    const emptyList = await api.call('POST', `/cases/${id}/review`, { token: reviewer, body: { decision: 'return', reason: '缺户口簿', missingMaterials: [], version: submitted.body.version } });
    const afterRefused = await tableSnapshot();
    const returned = await api.call('POST', `/cases/${id}/review`, { token: reviewer, body: { decision: 'return', reason: '缺户口簿', version: submitted.body.version } });
    const supplemented = await api.call('POST', `/cases/${id}/supplement`, { token: operator });
    const fetched = await api.call('GET', `/cases/${id}`, { token: reviewer });
    // Assess
    expect(emptyList.status).toBe(400);
    expect(emptyList.body.error.details.map((d: { field: string }) => d.field)).toEqual(['body.missingMaterials']);
    expect(afterRefused).toEqual(before);
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', decision: { decision: 'return', reason: '缺户口簿' } });
    expect(returned.body.decision).not.toHaveProperty('missingMaterials');
    expect(supplemented.status).toBe(200);
    expect(supplemented.body.status).toBe('submitted');
    expect(fetched.body.steps.map((x: { action: string }) => x.action)).toEqual(['accept', 'submit', 'review.return', 'supplement']);
    expect(fetched.body.violations ?? []).toEqual([]);
  });
});
