import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareTable } from '../helpers/table';
import { createStaff, startTestApi, type TestApi } from '../helpers/api';
import { db } from '../../shared/db/client';
import { isDependencyUnavailable } from '../../shared/http/unavailable';

/** A database that cannot be reached is 503 SERVICE_UNAVAILABLE with Retry-After, never 500. */
let api: TestApi;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
});
afterAll(async () => api?.close());
afterEach(() => vi.restoreAllMocks());

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED', $metadata: {} });
const breakTheDatabase = (err: () => Error) => vi.spyOn(db(), 'send').mockImplementation((async () => { throw err(); }) as never);

describe('DynamoDB out of reach', () => {
  it('GET /health?deep=1 reads the table: 200 while it answers, 503 with Retry-After when it does not', async () => {
    // Act
    const up = await api.call('GET', '/health?deep=1');
    breakTheDatabase(refused);
    const down = await api.call('GET', '/health?deep=1');
    const shallow = await api.call('GET', '/health');
    // Assess
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: 'ok', table: 'ok' });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(down.body.error.details.retryAfterSeconds).toBe(5);
    expect(shallow.status).toBe(200);
  });

  it('a signed-in request while the table is down: 503 in the envelope (the authorizer\'s read fails too)', async () => {
    // Prepare
    const token = await api.login((await createStaff({ roles: ['reviewer'], regionCode: '141033000000' })).idNumber);
    breakTheDatabase(() => Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } }));
    // Act
    const res = await api.call('GET', '/cases', { token });
    // Assess
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('tells network, timeout, 5xx and throttling apart from client faults', () => {
    expect(isDependencyUnavailable(refused())).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('x'), { name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } }))).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException', $fault: 'client', $metadata: { httpStatusCode: 400 } }))).toBe(true);
    expect(isDependencyUnavailable(new Error('wrapped', { cause: { code: 'ECONNRESET' } }))).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('bad key'), { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isDependencyUnavailable(Object.assign(new Error('cond'), { name: 'ConditionalCheckFailedException', $fault: 'client', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isDependencyUnavailable(new TypeError('undefined is not a function'))).toBe(false);
  });
});
