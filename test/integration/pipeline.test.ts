import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems } from '../helpers/table';
import { createStaff, startTestApi, type TestApi } from '../helpers/api';

let api: TestApi;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
});
afterAll(async () => api?.close());

describe('Idempotency-Key on creating POSTs', () => {
  const problem = (description: string) => ({ category: 'system', description, suggestion: '请专班核查' });

  it('returns the first result to a retry and refuses the key with another body', async () => {
    // Prepare
    const token = await api.login((await createStaff({ roles: ['operator'], regionCode: '141033100200' })).idNumber);
    const key = { 'idempotency-key': 'window-pc-retry-0001' };
    // Act
    const first = await api.call('POST', '/problems', { token, body: problem('叫号屏幕卡死'), headers: key });
    const retry = await api.call('POST', '/problems', { token, body: problem('叫号屏幕卡死'), headers: key });
    const reused = await api.call('POST', '/problems', { token, body: problem('另一个问题'), headers: key });
    // Assess
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await rawItems()).filter((i) => i.entity === 'Problem')).toHaveLength(1);
  });

  it('keys are per caller, and an anonymous caller\'s result is never replayed to another', async () => {
    // Prepare
    const a = await api.login((await createStaff({ roles: ['operator'], regionCode: '141033100201' })).idNumber);
    const b = await api.login((await createStaff({ roles: ['operator'], regionCode: '141033100203' })).idNumber);
    const key = { 'idempotency-key': 'shared-key-0001' };
    // Act
    const byA = await api.call('POST', '/problems', { token: a, body: problem('打印机无法连接'), headers: key });
    const byB = await api.call('POST', '/problems', { token: b, body: problem('打印机无法连接'), headers: key });
    const login1 = await api.call('POST', '/auth/qr-sessions', { headers: key });
    const login2 = await api.call('POST', '/auth/qr-sessions', { headers: key });
    // Assess
    expect(byB.body.id).not.toBe(byA.body.id);
    expect(login2.body.sessionId).not.toBe(login1.body.sessionId);
  });

  it('refuses a malformed key with 400 naming the header', async () => {
    const token = await api.login((await createStaff({ roles: ['operator'], regionCode: '141033100205' })).idNumber);
    const res = await api.call('POST', '/problems', { token, body: problem('x'), headers: { 'idempotency-key': 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('header.idempotency-key');
  });
});

describe('the error envelope and headers', () => {
  it('answers unknown routes and methods with the envelope and sets security headers', async () => {
    const unknown = await api.call('GET', '/nope');
    const health = await api.call('GET', '/health');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('ROUTE_NOT_FOUND');
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('strict-transport-security')).toContain('max-age');
  });

  it('refuses a body that is not UTF-8 and a body on a route that takes none', async () => {
    const bad = await api.call('POST', '/dev/card-scan', { rawBody: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) as unknown as string, headers: { 'content-type': 'application/json' } });
    const unexpected = await api.call('POST', '/auth/qr-sessions', { body: { a: 1 } });
    expect(bad.status).toBe(400);
    expect(unexpected.status).toBe(400);
    expect(unexpected.body.error.details[0].field).toBe('body');
  });

  it('gives no CORS headers to an origin that is not configured (no CORS configured: OPTIONS is an ordinary, unrouted request)', async () => {
    const res = await fetch(`${api.url}/health`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
