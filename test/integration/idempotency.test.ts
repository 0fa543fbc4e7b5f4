import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { prepareTable, rawItems } from '../helpers/table';
import { createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../helpers/api';
import { createPoint } from '../helpers/fixtures';
import { db } from '../../shared/db/client';

/**
 * The idempotency record is part of the write itself: a retry after a failure at any moment —
 * even a commit whose answer was lost — gets the first result, never a second case.
 */
const VILLAGE = '141033100200';
let api: TestApi;
let operator: string;

const caseBody = () => ({
  itemCode: 'S01',
  channel: 'window',
  applicant: { name: '王秀英', idNumber: testIdNumber('19580202'), phone: testPhone() },
  materialsNotified: ['居民身份证', '户口簿'],
  materialsReceived: ['居民身份证', '户口簿'],
});

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  const point = await createPoint(VILLAGE);
  operator = await api.login((await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId: point })).idNumber);
});
afterAll(async () => api?.close());
afterEach(() => vi.restoreAllMocks());

/** The next transaction that writes a Case is really written, then its answer is lost (a timeout). */
function loseTheAnswerOfTheNextCaseWrite(): () => number {
  const client = db();
  const original = client.send.bind(client) as (c: unknown) => Promise<unknown>;
  let lost = 0;
  vi.spyOn(client, 'send').mockImplementation((async (cmd: unknown) => {
    const out = await original(cmd);
    const writesCase = cmd instanceof TransactWriteCommand && (cmd.input.TransactItems ?? []).some((i) => i.Put?.Item?.entity === 'Case');
    if (writesCase && lost === 0) {
      lost += 1;
      throw Object.assign(new Error('socket timed out after the request was sent'), { name: 'TimeoutError', $metadata: {} });
    }
    return out;
  }) as never);
  return () => lost;
}

const cases = async () => (await rawItems()).filter((i) => i.entity === 'Case');

describe('Idempotency-Key inside the write', () => {
  it('a case committed whose answer was lost: the retry with the key gets that case, not a second one', async () => {
    // Prepare
    const before = (await cases()).length;
    const body = caseBody();
    const key = { 'idempotency-key': 'lost-answer-case-0001' };
    const lost = loseTheAnswerOfTheNextCaseWrite();
    // Act
    const first = await api.call('POST', '/cases', { token: operator, body, headers: key });
    vi.restoreAllMocks();
    const retry = await api.call('POST', '/cases', { token: operator, body, headers: key });
    // Assess
    expect(lost()).toBe(1);
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect(retry.status).toBe(201);
    const after = await cases();
    expect(after.length).toBe(before + 1);
    expect(after.some((c) => c.id === retry.body.id)).toBe(true);
  });

  it('concurrent requests with one key: one case, every reply is that case', async () => {
    // Prepare
    const before = (await cases()).length;
    const body = caseBody();
    const key = { 'idempotency-key': 'concurrent-case-0001' };
    // Act
    const replies = await Promise.all(Array.from({ length: 5 }, () => api.call('POST', '/cases', { token: operator, body, headers: key })));
    // Assess
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect((await cases()).length).toBe(before + 1);
  });

  it('the record is written in the same transaction as the case', async () => {
    // Prepare
    const client = db();
    const spy = vi.spyOn(client, 'send');
    // Act
    const res = await api.call('POST', '/cases', { token: operator, body: caseBody(), headers: { 'idempotency-key': 'same-tx-case-0001' } });
    // Assess
    expect(res.status).toBe(201);
    const writes = spy.mock.calls.map((c) => c[0] as unknown).filter((c) => c instanceof TransactWriteCommand) as TransactWriteCommand[];
    expect(writes).toHaveLength(1);
    const entities = (writes[0]!.input.TransactItems ?? []).map((i) => i.Put?.Item?.entity ?? i.Update?.Key?.pk);
    expect(entities).toContain('Case');
    expect(entities).toContain('IdempotencyRecord');
  });
});
