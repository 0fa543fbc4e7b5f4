import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems, tableSnapshot } from '../helpers/table';
import { startTestApi, testIdNumber, BOOTSTRAP, type TestApi } from '../helpers/api';

let api: TestApi;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
});
afterAll(async () => api?.close());

describe('public reads', () => {
  it('serves health, the OpenAPI document, regions and the 40-item catalogue', async () => {
    // Act
    const health = await api.call('GET', '/health');
    const doc = await api.call('GET', '/openapi.json');
    const county = await api.call('GET', '/public/regions/141033000000');
    const items = await api.call('GET', '/public/catalog/items');
    const pension = await api.call('GET', '/public/catalog/items/S01');
    // Assess
    expect(health.body).toEqual({ status: 'ok' });
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/public/catalog/items/{code}');
    expect(county.body.name).toBe('蒲县');
    expect(county.body.children).toHaveLength(9);
    expect(items.body.items).toHaveLength(40);
    expect(pension.body).toMatchObject({ code: 'S01', review: 'county', timeLimitWorkingDays: 5, materials: ['居民身份证', '户口簿'] });
  });

  it('filters the catalogue by category and answers 404 for unknown items and regions', async () => {
    const cards = await api.call('GET', '/public/catalog/items?category=card');
    expect(cards.body.items.map((i: { code: string }) => i.code)).toEqual(['C01', 'C02', 'C03']);
    expect((await api.call('GET', '/public/catalog/items/Z99')).status).toBe(404);
    expect((await api.call('GET', '/public/regions/149999000000')).status).toBe(404);
    expect((await api.call('GET', '/public/regions/abc')).body.error.details[0].field).toBe('path.code');
  });
});

describe('QR login', () => {
  it('logs in the bootstrap system admin and shows the account at /me', async () => {
    // Act
    const token = await api.login(BOOTSTRAP.sysAdmin());
    const me = await api.call('GET', '/me', { token });
    // Assess
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'staff', roles: ['sys_admin'], regionCode: '140000000000' });
  });

  it('hands the token over once; the second poll sees "consumed"', async () => {
    const start = await api.call('POST', '/auth/qr-sessions');
    const sid = start.body.sessionId;
    expect((await api.call('GET', `/auth/qr-sessions/${sid}`)).body).toEqual({ status: 'pending' });
    await api.call('POST', '/dev/card-scan', { body: { sessionId: sid, idNumber: BOOTSTRAP.bizAdmin() } });
    const first = await api.call('GET', `/auth/qr-sessions/${sid}`);
    const second = await api.call('GET', `/auth/qr-sessions/${sid}`);
    expect(first.body.status).toBe('confirmed');
    expect(first.body.token).toBeTruthy();
    expect(second.body).toEqual({ status: 'consumed' });
  });

  it('gives a person with no staff account a citizen token', async () => {
    const token = await api.login(testIdNumber('19600505'));
    const me = await api.call('GET', '/me', { token });
    expect(me.body.kind).toBe('citizen');
  });

  it('refuses forged, replayed and foreign assertions with 401 and writes nothing', async () => {
    // Prepare: a real assertion for one session, captured by signing it as the card app would
    const { signDevAssertion } = await import('../../functions/auth/assertion');
    const a = await api.call('POST', '/auth/qr-sessions');
    const b = await api.call('POST', '/auth/qr-sessions');
    const good = await signDevAssertion(a.body.sessionId, BOOTSTRAP.sysAdmin(), new Date());
    const [h, p, s] = good.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: BOOTSTRAP.bizAdmin() })).toString('base64url')}.${s}`;
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    const before = await tableSnapshot();
    // Act
    const forgedRes = await api.call('POST', `/auth/qr-sessions/${a.body.sessionId}/confirm`, { body: { assertion: forged } });
    const noneRes = await api.call('POST', `/auth/qr-sessions/${a.body.sessionId}/confirm`, { body: { assertion: none } });
    const foreign = await api.call('POST', `/auth/qr-sessions/${b.body.sessionId}/confirm`, { body: { assertion: good } });
    // Assess
    expect([forgedRes.status, noneRes.status, foreign.status]).toEqual([401, 401, 401]);
    expect(await tableSnapshot()).toEqual(before);
    // Act: the genuine one works once; the replay on a fresh session is refused
    expect((await api.call('POST', `/auth/qr-sessions/${a.body.sessionId}/confirm`, { body: { assertion: good } })).status).toBe(200);
    const replay = await api.call('POST', `/auth/qr-sessions/${a.body.sessionId}/confirm`, { body: { assertion: good } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('ASSERTION_REPLAYED');
  });

  it('refuses a tampered, an alg:none and a logged-out token with 401', async () => {
    const token = await api.login(BOOTSTRAP.sysAdmin());
    const [h, p] = token.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    expect((await api.call('GET', '/me', { token: `${h}.${p}.AAAA` })).status).toBe(401);
    expect((await api.call('GET', '/me', { token: none })).status).toBe(401);
    expect((await api.call('GET', '/me')).status).toBe(401);
    expect((await api.call('POST', '/auth/logout', { token })).status).toBe(200);
    expect((await api.call('GET', '/me', { token })).status).toBe(401);
  });
});

describe('bad input', () => {
  it('names every bad field, refuses oversized bodies and malformed JSON, writes nothing', async () => {
    const before = await tableSnapshot();
    const wrong = await api.call('POST', '/dev/card-scan', { body: { sessionId: 12, idNumber: '140000197508080018', extra: true } });
    const malformed = await api.call('POST', '/dev/card-scan', { rawBody: '{"sessionId":', headers: { 'content-type': 'application/json' } });
    const huge = await api.call('POST', '/dev/card-scan', { body: { sessionId: 'x'.repeat(70_000), idNumber: '1' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body.extra', 'body.idNumber', 'body.sessionId']);
    expect(wrong.body.error.details.find((d: { field: string }) => d.field === 'body.idNumber').message).toContain('校验码');
    expect(malformed.status).toBe(400);
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('personal data at rest', () => {
  it('keeps no plaintext ID number or phone anywhere in the table', async () => {
    await api.login(BOOTSTRAP.sysAdmin());
    const dump = JSON.stringify(await rawItems());
    expect(dump).not.toContain(BOOTSTRAP.sysAdmin());
    expect(dump).not.toContain(BOOTSTRAP.bizAdmin());
    expect(dump).not.toContain('13800000001');
    expect(dump).toContain('1400**********0017');
  });
});
