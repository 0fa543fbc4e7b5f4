import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { prepareTable, rawItems, tableSnapshot } from '../../test/helpers/table';
import { createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { newId } from '../../shared/ids';
import { createPoint } from '../../test/helpers/fixtures';
import { signDevOfflineAssertion } from '../auth/assertion';

/**
 * Offline kiosks (P6, C1): a kiosk that lost its network keeps accepting self-service cases and
 * uploads them later, signed with its own device key. Everything below goes over HTTP.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
const OTHER_VILLAGE = '141033100201';
const S01 = ['居民身份证', '户口簿'];
const REGISTERED = '2025-11-03T08:00:00+08:00'; // Monday: the key is registered
const LOCAL = '2025-11-03T15:00:00+08:00'; // Monday afternoon, offline
const UPLOAD = '2025-11-05T10:00:00+08:00'; // Wednesday: the network is back

let api: TestApi;
const at = (iso: string) => clock.set(() => new Date(iso));
interface Kiosk {
  id: string;
  key: CryptoKey;
}
let kiosk: Kiosk;
let otherKiosk: Kiosk;
let revId: string;

async function registerKiosk(pointId: string, adminToken: string): Promise<Kiosk> {
  const made = await api.call('POST', `/points/${pointId}/devices`, { token: adminToken, body: { serialNumber: `SN-${newId()}`, deliveredOn: '2025-11-01' } });
  expect(made.status).toBe(201);
  const id = made.body.id as string;
  // A key belongs to the registration step only.
  const early = await api.call('POST', `/devices/${id}/stage`, { token: adminToken, body: { to: 'distributed', date: '2025-11-02', version: 1, publicKey: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) } } });
  expect([early.status, early.body.error.details[0].field]).toEqual([400, 'publicKey']);
  const dist = await api.call('POST', `/devices/${id}/stage`, { token: adminToken, body: { to: 'distributed', date: '2025-11-02', version: 1 } });
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const r = await api.call('POST', `/devices/${id}/stage`, {
    token: adminToken,
    body: { to: 'registered', date: '2025-11-03', version: dist.body.version, publicKey: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } },
  });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ stage: 'registered', publicKey: { kty: 'EC', crv: 'P-256' }, keyRegisteredAt: '2025-11-03T08:00:00.000+08:00' });
  return { id, key: privateKey };
}

async function offlineCase(opts: { local?: string; assertionAt?: string; itemCode?: 'S01' | 'S09'; nonce?: string } = {}) {
  const clientId = newId();
  const person = { name: '赵桂英', idNumber: testIdNumber('19590707'), phone: testPhone() };
  const materials = (opts.itemCode ?? 'S01') === 'S01' ? S01 : ['居民身份证或社会保障卡'];
  return {
    person,
    body: {
      clientId,
      acceptedAtLocal: opts.local ?? LOCAL,
      assertion: await signDevOfflineAssertion(opts.nonce ?? clientId, person.idNumber, new Date(opts.assertionAt ?? opts.local ?? LOCAL)),
      itemCode: opts.itemCode ?? 'S01',
      applicant: { name: person.name, phone: person.phone },
      materialsNotified: materials,
      materialsReceived: materials,
    },
  };
}

const sign = (payload: unknown, key: CryptoKey, kid: string) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', kid }).sign(key);
const upload = (jws: string) => api.call('POST', '/kiosk/batches', { body: { jws } });

beforeAll(async () => {
  at(REGISTERED);
  await prepareTable();
  api = await startTestApi();
  const village = await createPoint(VILLAGE, 'in_operation');
  const other = await createPoint(OTHER_VILLAGE, 'in_operation');
  const admin = await api.login((await createStaff({ roles: ['biz_admin'], regionCode: COUNTY })).idNumber);
  kiosk = await registerKiosk(village, admin);
  otherKiosk = await registerKiosk(other, admin);
  revId = (await createStaff({ roles: ['reviewer'], regionCode: COUNTY })).idNumber;
});
afterAll(async () => {
  clock.reset();
  await api?.close();
});

describe('POST /kiosk/batches', () => {
  let first: Awaited<ReturnType<typeof offlineCase>>[];
  let jws: string;

  it('accepts each offline case with its clock at the local acceptance time; the county sees it', async () => {
    // Prepare: an enrolment (county review) and a printout (no review), accepted on Monday afternoon
    first = [await offlineCase(), await offlineCase({ itemCode: 'S09' })];
    jws = await sign({ deviceId: kiosk.id, batchId: newId(), cases: first.map((c) => c.body) }, kiosk.key, kiosk.id);
    at(UPLOAD);
    // Act
    const r = await upload(jws);
    // Assess: due 5 working days after Monday 3 November = 10 November (from the upload day it would be the 12th)
    expect(r.status).toBe(200);
    expect(r.body.results).toMatchObject([
      { clientId: first[0]!.body.clientId, result: 'accepted', status: 'submitted', acceptedAt: '2025-11-03T15:00:00.000+08:00', dueDate: '2025-11-10' },
      { clientId: first[1]!.body.clientId, result: 'accepted', status: 'completed', acceptedAt: '2025-11-03T15:00:00.000+08:00' },
    ]);
    const caseId = r.body.results[0].caseId;
    const queue = await api.call('GET', '/cases?status=submitted', { token: await api.login(revId) });
    expect(queue.body.items.map((c: { id: string }) => c.id)).toContain(caseId);
    const mine = await api.call('GET', `/cases/${caseId}`, { token: await api.login(first[0]!.person.idNumber) });
    expect(mine.body).toMatchObject({ channel: 'self_service', terminalId: kiosk.id, acceptorId: `kiosk:${kiosk.id}`, applicant: { idNumber: first[0]!.person.idNumber } });
    expect(mine.body.steps.map((s: { action: string }) => s.action)).toEqual(['accept', 'submit']);
    const log = (await rawItems()).find((i) => i.entity === 'OpLog' && i.action === 'case.offline_uploaded' && i.targetId === caseId);
    expect(log?.after).toMatchObject({ clientId: first[0]!.body.clientId, acceptedAtLocal: LOCAL, receivedAt: '2025-11-05T10:00:00.000+08:00' });
  });

  it('an upload twice creates each case once', async () => {
    // Prepare
    const before = (await rawItems()).filter((i) => i.entity === 'Case').length;
    // Act
    const again = await upload(jws);
    // Assess
    expect(again.status).toBe(200);
    expect(again.body.results.map((x: { result: string }) => x.result)).toEqual(['duplicate', 'duplicate']);
    expect((await rawItems()).filter((i) => i.entity === 'Case').length).toBe(before);
  });

  it('refuses the whole batch signed by another device, with a tampered case, or from an unknown device; nothing is written', async () => {
    // Prepare
    const cases = [await offlineCase(), await offlineCase()];
    const payload = { deviceId: kiosk.id, cases: cases.map((c) => c.body) };
    const byOther = await sign(payload, otherKiosk.key, kiosk.id);
    const good = await sign(payload, kiosk.key, kiosk.id);
    const [h, , s] = good.split('.');
    const tamperedPayload = { ...payload, cases: [{ ...payload.cases[0]!, acceptedAtLocal: '2025-11-05T09:00:00+08:00' }, payload.cases[1]] };
    const tampered = `${h}.${Buffer.from(JSON.stringify(tamperedPayload)).toString('base64url')}.${s}`;
    const unknown = await sign({ ...payload, deviceId: 'KIOSK-NONE' }, kiosk.key, 'KIOSK-NONE');
    const otherDeviceId = await sign({ ...payload, deviceId: otherKiosk.id }, kiosk.key, kiosk.id);
    const snapshot = await tableSnapshot();
    // Act
    const results = [await upload(byOther), await upload(tampered), await upload(unknown), await upload(otherDeviceId), await upload('not-a-jws-at-all-xxxxxxxx')];
    // Assess
    expect(results.map((r) => [r.status, r.body.error.code])).toEqual([
      [403, 'BATCH_SIGNATURE_INVALID'],
      [403, 'BATCH_SIGNATURE_INVALID'],
      [403, 'DEVICE_NOT_REGISTERED'],
      [403, 'BATCH_SIGNATURE_INVALID'],
      [403, 'BATCH_SIGNATURE_INVALID'],
    ]);
    expect(await tableSnapshot()).toEqual(snapshot);
  });

  it('refuses alone a case whose assertion is older than the window, or made for another case; clamps local times', async () => {
    // Prepare: assertion signed 73 h before the upload; an assertion for another client id; a
    // kiosk clock an hour ahead; a kiosk clock before the key was registered
    const old = await offlineCase({ local: '2025-11-03T09:00:00+08:00', assertionAt: '2025-11-02T09:00:00+08:00' });
    const foreign = await offlineCase({ nonce: newId() });
    // (the card app signs on its own, true clock: the kiosk's clock is what runs ahead)
    const ahead = await offlineCase({ local: '2025-11-05T11:00:00+08:00', assertionAt: '2025-11-05T09:58:00+08:00' });
    const early = await offlineCase({ local: '2025-11-03T07:00:00+08:00' });
    const fine = await offlineCase();
    const cases = [old, foreign, ahead, early, fine];
    // Act
    const r = await upload(await sign({ deviceId: kiosk.id, cases: cases.map((c) => c.body) }, kiosk.key, kiosk.id));
    // Assess
    expect(r.status).toBe(200);
    const [a, b, c, d, e] = r.body.results;
    expect([a.result, a.reason.code]).toEqual(['refused', 'ASSERTION_TOO_OLD']);
    expect([b.result, b.reason.code]).toEqual(['refused', 'ASSERTION_INVALID']);
    expect(c).toMatchObject({ result: 'accepted', clamped: 'future', acceptedAt: '2025-11-05T10:00:00.000+08:00', dueDate: '2025-11-12' });
    expect(d).toMatchObject({ result: 'accepted', clamped: 'before_registration', acceptedAt: '2025-11-03T08:00:00.000+08:00', dueDate: '2025-11-10' });
    expect(e).toMatchObject({ result: 'accepted', acceptedAt: '2025-11-03T15:00:00.000+08:00' });
    expect(e.clamped).toBeUndefined();
  });

  it('names the field of a malformed signed batch, and a key given outside registration', async () => {
    // Act
    const bad = await upload(await sign({ deviceId: kiosk.id, cases: [{ clientId: 'x' }] }, kiosk.key, kiosk.id));
    const empty = await api.call('POST', '/kiosk/batches', { body: {} });
    // Assess
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('batch.cases.0.clientId');
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].field).toBe('body.jws');
  });
});
