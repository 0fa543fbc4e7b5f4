import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { startTestApi, testIdNumber, type TestApi } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { createKiosk, createPoint } from '../../test/helpers/fixtures';

/**
 * A QR login started on a registered kiosk gives a session that ends after 120 s idle
 * (KIOSK_IDLE_SECONDS); the same login elsewhere keeps the 15 minutes.
 */
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
let api: TestApi;
let kiosk: string;
let boxedKiosk: string;
const at = (seconds: number) => clock.set(() => new Date(T0 + seconds * 1000));

async function loginFrom(idNumber: string, terminalId?: string) {
  const headers = terminalId ? { 'x-terminal-id': terminalId } : undefined;
  const start = await api.call('POST', '/auth/qr-sessions', { ...(headers ? { headers } : {}) });
  await api.call('POST', '/dev/card-scan', { body: { sessionId: start.body.sessionId, idNumber } });
  const poll = await api.call('GET', `/auth/qr-sessions/${start.body.sessionId}`);
  return { start, poll, token: poll.body.token as string };
}
const me = (token: string) => api.call('GET', '/me', { token });

beforeAll(async () => {
  at(0);
  await prepareTable();
  const point = await createPoint('141033100200', 'in_operation');
  kiosk = await createKiosk(point, 'installed');
  boxedKiosk = await createKiosk(point, 'delivered');
  api = await startTestApi();
});
afterAll(async () => {
  clock.reset();
  await api?.close();
});

describe('kiosk sessions', () => {
  it('end after 120 s without a request; each request starts the 120 s again', async () => {
    // Prepare
    at(0);
    const { start, poll, token } = await loginFrom(testIdNumber('19600101'), kiosk);

    // Act & Assess: active at 100 s and 215 s (115 s after), then idle for 121 s
    expect(start.body.idleSeconds).toBe(120);
    expect(poll.body).toMatchObject({ status: 'confirmed', idleSeconds: 120, account: { kind: 'citizen' } });
    at(100);
    expect((await me(token)).status).toBe(200);
    at(215);
    expect((await me(token)).status).toBe(200);
    at(215 + 121);
    const ended = await me(token);
    expect(ended.status).toBe(401);
  });

  it('keep the platform’s 15 minutes for a login elsewhere, or on a kiosk not yet registered', async () => {
    // Prepare
    at(0);
    const plain = await loginFrom(testIdNumber('19610101'));
    const boxed = await loginFrom(testIdNumber('19620101'), boxedKiosk);

    // Act
    at(600);
    const [a, b] = [await me(plain.token), await me(boxed.token)];

    // Assess
    expect(plain.start.body.idleSeconds).toBeUndefined();
    expect(plain.poll.body.idleSeconds).toBe(900);
    expect(boxed.start.body.idleSeconds).toBeUndefined();
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
  });

  it('refuses a malformed terminal id, naming the header', async () => {
    // Act
    const r = await api.call('POST', '/auth/qr-sessions', { headers: { 'x-terminal-id': 'not a terminal!' } });

    // Assess
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toEqual(['header.x-terminal-id']);
  });
});
