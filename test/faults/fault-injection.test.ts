import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoLocal, type LocalDynamo } from '../../infra/local/dynamo';
import { resetConfig } from '../../shared/config';
import { resetDb } from '../../shared/db/client';
import { dateShanghai } from '../../shared/clock';
import { prepareTable, rawItems } from '../helpers/table';
import { createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../helpers/api';
import { createPoint } from '../helpers/fixtures';

/**
 * Fault injection (bounded: a few seconds of load). Clients accept cases, spend a point's
 * subsidy and move points along their lifecycle, each request with its own Idempotency-Key;
 * DynamoDB Local is killed (SIGKILL) mid-burst and restarted on the same data. Every failed
 * request is retried with its key. Then the table is reconciled: every request is exactly one
 * change, with its steps, counters and log entry — nothing lost, nothing doubled.
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
const CLIENTS = 8;
/** The kill comes once this many requests have succeeded (or after KILL_LATEST_MS on a slow machine)… */
const KILL_AFTER_SUCCESSES = 24;
const KILL_LATEST_MS = 8000;
/** …and the clients keep sending for this long after it, into the outage. */
const LOAD_AFTER_KILL_MS = 1500;
const STAGE_POINTS = 12;
const SPEND_FEN = 100;

let dynamo: LocalDynamo;
let dataDir: string;
let api: TestApi;
let operator: string;
let admin: string;
let casePoint: string;
let stagePoints: string[];

beforeAll(async () => {
  // Prepare: this file's own DynamoDB Local, on disk, so it can be killed and come back with its data.
  dataDir = mkdtempSync(join(tmpdir(), 'jjb-faults-'));
  dynamo = await startDynamoLocal({ path: dataDir });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  resetConfig();
  resetDb();
  await prepareTable();
  api = await startTestApi();
  casePoint = await createPoint(VILLAGE, 'in_operation');
  stagePoints = [];
  for (let i = 0; i < STAGE_POINTS; i++) stagePoints.push(await createPoint(VILLAGE, 'accepted'));
  operator = await api.login((await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId: casePoint })).idNumber);
  admin = await api.login((await createStaff({ roles: ['sys_admin'], regionCode: COUNTY })).idNumber);
  const alloc = await api.call('POST', '/funds/allocations', { token: admin, body: { regionCode: COUNTY, year: new Date().getFullYear() } });
  if (alloc.status !== 201) throw new Error(`allocation: ${alloc.status} ${alloc.text}`);
  // Warm the handlers (module load) with reads, so the burst measures writes.
  await api.call('GET', '/cases', { token: operator });
  await api.call('GET', `/points/${casePoint}`, { token: admin });
}, 180_000);

afterAll(async () => {
  await api?.close();
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Sent {
  kind: 'case' | 'spend' | 'stage';
  key: string;
  token: string;
  method: 'POST';
  path: string;
  body: unknown;
  status?: number;
  reply?: any;
  attempts: number;
}

async function send(r: Sent): Promise<void> {
  r.attempts += 1;
  const t0 = Date.now();
  try {
    const res = await api.call(r.method, r.path, { token: r.token, body: r.body, headers: { 'idempotency-key': r.key } });
    r.status = res.status;
    r.reply = res.body;
  } catch {
    r.status = 0; // transport error: the socket was cut
  }
  if (process.env.FAULT_DEBUG) console.info(`${r.kind} try ${r.attempts}: ${r.status} in ${Date.now() - t0} ms at ${t0 % 100000}`);
}

const ok = (r: Sent) => r.status !== undefined && r.status >= 200 && r.status < 300;

describe('DynamoDB killed mid-burst and restarted on the same data', () => {
  it('every request, first try or retried with its key, is exactly one case / spend / stage change', async () => {
    // Act: the burst
    const today = dateShanghai(new Date());
    const sent: Sent[] = [];
    let serial = 0;
    let nextStage = 0;
    const started = Date.now();
    let killedAt = 0;
    const loading = () => (killedAt === 0 ? Date.now() - started < KILL_LATEST_MS + LOAD_AFTER_KILL_MS : Date.now() - killedAt < LOAD_AFTER_KILL_MS);
    const client = async (c: number) => {
      while (loading()) {
        serial += 1;
        const n = serial;
        let r: Sent;
        if (n % 4 === 1 && nextStage < stagePoints.length) {
          const id = stagePoints[nextStage++]!;
          r = { kind: 'stage', key: `fault-stage-${n}-${c}`, token: admin, method: 'POST', path: `/points/${id}/stage`, body: { to: 'in_operation', date: today, version: 1 }, attempts: 0 };
        } else if (n % 4 === 2) {
          r = { kind: 'spend', key: `fault-spend-${n}-${c}`, token: admin, method: 'POST', path: '/funds/expenditures', body: { pointId: casePoint, category: 'network', amountFen: SPEND_FEN, date: today, voucherNumber: `FJ-${n}` }, attempts: 0 };
        } else {
          const applicant = { name: '李淑珍', idNumber: testIdNumber('19570707'), phone: testPhone() };
          r = { kind: 'case', key: `fault-case-${n}-${c}`, token: operator, method: 'POST', path: '/cases', body: { itemCode: 'S01', channel: 'window', applicant, materialsNotified: ['居民身份证', '户口簿'], materialsReceived: ['居民身份证', '户口簿'] }, attempts: 0 };
        }
        sent.push(r);
        await send(r);
      }
    };
    const fault = (async () => {
      while (sent.filter(ok).length < KILL_AFTER_SUCCESSES && Date.now() - started < KILL_LATEST_MS) await new Promise((res) => setTimeout(res, 20));
      killedAt = Date.now();
      await dynamo.kill();
      const port = dynamo.port;
      dynamo = await startDynamoLocal({ port, path: dataDir });
    })();
    await Promise.all([...Array.from({ length: CLIENTS }, (_, c) => client(c)), fault]);

    // Act: every failed request again, with its key and body, until it answers
    const failedFirst = sent.filter((r) => !ok(r));
    for (let round = 0; round < 10 && sent.some((r) => !ok(r)); round++) {
      await Promise.all(sent.filter((r) => !ok(r)).map(send));
      if (sent.some((r) => !ok(r))) await new Promise((res) => setTimeout(res, 300));
    }

    // Assess: reconcile the table with what the clients were told
    const items = await rawItems();
    const byEntity = (e: string) => items.filter((i) => i.entity === e);
    const logs = byEntity('OpLog');
    const logged = (action: string, targetId: string) => logs.filter((l) => l.action === action && l.targetId === targetId).length;

    const caseReqs = sent.filter((r) => r.kind === 'case');
    const caseIds = new Set(caseReqs.map((r) => r.reply?.id));
    const storedCases = byEntity('Case');
    const steps = byEntity('CaseStep');
    const halfCases = storedCases.filter((c) => steps.filter((s) => s.caseId === c.id && s.action === 'accept').length !== 1 || logged('case.accept', String(c.id)) !== 1);
    const acceptedCounted = byEntity('CaseCounter').filter((k) => k.pointId === casePoint).reduce((a, k) => a + Number(k.accepted ?? 0), 0);

    const spendReqs = sent.filter((r) => r.kind === 'spend');
    const expenditures = byEntity('Expenditure');
    const fund = byEntity('PointFund').find((f) => f.pointId === casePoint)!;
    const spendLogs = logs.filter((l) => l.action === 'funds.spent' && l.targetId === casePoint);

    const stageReqs = sent.filter((r) => r.kind === 'stage');
    const stageChanges = byEntity('PointStageChange').filter((s) => stagePoints.includes(String(s.pointId)));
    const movedPoints = byEntity('Point').filter((p) => stagePoints.includes(String(p.id)) && p.stage === 'in_operation');

    const duplicates = storedCases.length - caseIds.size + (expenditures.length - spendReqs.length) + (stageChanges.length - stageReqs.length);
    const figures = {
      requests: sent.length,
      okBeforeKill: sent.filter((r) => r.attempts === 1 && ok(r)).length,
      cases: caseReqs.length,
      spends: spendReqs.length,
      stageChanges: stageReqs.length,
      faults: failedFirst.length,
      retries: sent.reduce((a, r) => a + r.attempts - 1, 0),
      retriedRequests: failedFirst.length,
      duplicates,
      halfWritten: halfCases.length,
    };
    console.info(`fault injection: ${JSON.stringify(figures)}`);
    const storedIds = new Set([...storedCases, ...expenditures, ...stageChanges].map((i) => String(i.id)));
    const toldNotStored = sent.filter((r) => r.kind !== 'stage' && ok(r) && !storedIds.has(String(r.reply?.id)));
    if (toldNotStored.length) console.info(`told but not stored: ${JSON.stringify(toldNotStored.map((r) => ({ kind: r.kind, status: r.status, attempts: r.attempts, id: r.reply?.id })))}`);

    expect(failedFirst.length, 'the kill must hit requests in flight').toBeGreaterThan(0);
    expect(sent.filter((r) => !ok(r)).map((r) => `${r.path} ${r.status} ${JSON.stringify(r.reply)}`)).toEqual([]);
    // cases: one per request, each with its step, log entry and counter
    expect(caseIds.size).toBe(caseReqs.length);
    expect(storedCases.map((c) => c.id).sort()).toEqual([...caseIds].sort());
    expect(halfCases).toEqual([]);
    expect(acceptedCounted).toBe(caseReqs.length);
    // spends: one expenditure and one log entry per request; the balance moved by exactly their sum
    expect(expenditures.length).toBe(spendReqs.length);
    expect(new Set(spendReqs.map((r) => r.reply?.id))).toEqual(new Set(expenditures.map((e) => e.id)));
    expect(spendLogs.length).toBe(spendReqs.length);
    expect(fund.spentFen).toBe(spendReqs.length * SPEND_FEN);
    expect(Number(fund.balanceFen) + Number(fund.spentFen)).toBe(Number(fund.allocatedFen));
    // stage changes: each point moved once, with one history record and one log entry
    expect(stageChanges.length).toBe(stageReqs.length);
    expect(movedPoints.length).toBe(stageReqs.length);
    for (const r of stageReqs) expect(r.reply.stage).toBe('in_operation');
    expect(duplicates).toBe(0);
  }, 120_000);
});
