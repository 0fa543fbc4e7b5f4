import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { createPoint } from '../../test/helpers/fixtures';
import { monthShanghai } from '../../shared/clock';

/** Conflict of interest: nobody accepts, handles or reviews a case in which they are the applicant. */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
let api: TestApi;
let op: { token: string; idNumber: string };
let rev: { token: string; idNumber: string };
let admin: string;

const caseFor = (idNumber: string) => ({
  itemCode: 'S01',
  channel: 'window',
  applicant: { name: '周玉兰', idNumber, phone: testPhone() },
  materialsNotified: ['居民身份证', '户口簿'],
  materialsReceived: ['居民身份证', '户口簿'],
});

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  const point = await createPoint(VILLAGE);
  const o = await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId: point });
  const r = await createStaff({ roles: ['reviewer'], regionCode: COUNTY });
  op = { token: await api.login(o.idNumber), idNumber: o.idNumber };
  rev = { token: await api.login(r.idNumber), idNumber: r.idNumber };
  admin = await api.login((await createStaff({ roles: ['sys_admin'], regionCode: COUNTY })).idNumber);
});
afterAll(async () => api?.close());

describe('conflict of interest', () => {
  it('an operator cannot accept their own application; a reviewer cannot review their own case; both are in the audit', async () => {
    // Act
    const ownAccept = await api.call('POST', '/cases', { token: op.token, body: caseFor(op.idNumber) });
    const forReviewer = await api.call('POST', '/cases', { token: op.token, body: caseFor(rev.idNumber) });
    const submitted = await api.call('POST', `/cases/${forReviewer.body.id}/submit`, { token: op.token, body: { version: forReviewer.body.version } });
    const ownReview = await api.call('POST', `/cases/${forReviewer.body.id}/review`, { token: rev.token, body: { decision: 'approve', version: submitted.body.version } });
    const other = await api.call('POST', '/cases', { token: op.token, body: caseFor(testIdNumber('19700101')) });
    const audit = await api.call('GET', `/accounts/audit?month=${monthShanghai(new Date())}&region=${COUNTY}`, { token: admin });
    // Assess
    expect(ownAccept.status).toBe(403);
    expect(ownAccept.body.error.code).toBe('CONFLICT_OF_INTEREST');
    expect(submitted.status).toBe(200);
    expect(ownReview.status).toBe(403);
    expect(ownReview.body.error.code).toBe('CONFLICT_OF_INTEREST');
    expect(other.status).toBe(201);
    expect(audit.status, audit.text).toBe(200);
    expect(audit.body.totals.conflictOfInterestAttempts).toBe(2);
    expect(audit.body.conflictOfInterestAttempts.map((a: { action: string }) => a.action).sort()).toEqual(['accept', 'review']);
  });
});
