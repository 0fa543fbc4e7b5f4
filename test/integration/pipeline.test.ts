import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems } from '../helpers/table';
import { startTestApi, type TestApi } from '../helpers/api';

let api: TestApi;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
});
afterAll(async () => api?.close());

describe('Idempotency-Key on creating POSTs', () => {
  it('returns the first result to a retry and refuses the key with another body', async () => {
    // Act
    const first = await api.call('POST', '/auth/qr-sessions', { headers: { 'idempotency-key': 'login-page-retry-0001' } });
    const retry = await api.call('POST', '/auth/qr-sessions', { headers: { 'idempotency-key': 'login-page-retry-0001' } });
    const other = await api.call('POST', '/auth/qr-sessions', { headers: { 'idempotency-key': 'login-page-retry-0002' } });
    // Assess
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.sessionId).toBe(first.body.sessionId);
    expect(other.body.sessionId).not.toBe(first.body.sessionId);
    const qrItems = (await rawItems()).filter((i) => String(i.pk).startsWith('QR#'));
    expect(qrItems).toHaveLength(2);
  });

  it('refuses a malformed key with 400 naming the header', async () => {
    const res = await api.call('POST', '/auth/qr-sessions', { headers: { 'idempotency-key': 'x' } });
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

  it('answers CORS preflight only for configured origins', async () => {
    const res = await fetch(`${api.url}/health`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
