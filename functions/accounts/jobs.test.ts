import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../../shared/db/client';
import { newId } from '../../shared/ids';
import { prepareTable } from '../../test/helpers/table';
import { BOOTSTRAP, createStaff, startTestApi, type TestApi } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { getItem, queryAll } from '../../shared/db/store';
import { Account, opLogByTarget, type AccountAttrs, type AccountStatus } from '../../shared/db/entities';
import { SCHEDULES } from '../../shared/schedules';
import * as jobs from './jobs';
import { lockDeadline } from './rules';
import { putPoint, setAccountRaw } from './test-support';

/**
 * A8 through the scheduled function itself (the export SCHEDULES names), on an injected clock:
 * last login 2026-01-15 10:00 (+08:00) → the 3-month deadline is 2026-04-15 10:00 (+08:00).
 */
const COUNTY = '141033000000';
const VILLAGE = '141033100200';
const LAST_LOGIN = '2026-01-15T10:00:00.000+08:00';
const CREATED = '2025-06-01T09:00:00.000+08:00';
const DAY = 86_400_000;

let api: TestApi;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
});
afterEach(() => clock.reset());
afterAll(async () => api?.close());

const account = async (id: string) => (await getItem<AccountAttrs>(Account.key({ id }), true))!;

async function idleOperator() {
  const pointId = await putPoint(VILLAGE);
  const made = await createStaff({ roles: ['operator'], regionCode: VILLAGE, pointId });
  await setAccountRaw(made.account.id, { createdAt: CREATED, lastLoginAt: LAST_LOGIN });
  return made;
}

describe('daily inactivity lock (A8)', () => {
  it('is the schedule entry: daily at 01:00 Asia/Shanghai, running jobs.lockInactiveAccounts', () => {
    const entry = SCHEDULES.find((s) => s.domain === 'accounts' && s.exportName === 'lockInactiveAccounts');
    expect(entry).toMatchObject({ timezone: 'Asia/Shanghai', cron: { minute: '0', hour: '1' } });
    expect(typeof (jobs as Record<string, unknown>)[entry!.exportName]).toBe('function');
  });

  it('a day before the 3-month boundary: still active; a day after: locked, logged, sessions ended', async () => {
    // Prepare
    const { account: op } = await idleOperator();
    const deadline = lockDeadline(LAST_LOGIN).getTime();
    expect(new Date(deadline).toISOString()).toBe('2026-04-15T02:00:00.000Z');
    const run = SCHEDULES.find((s) => s.exportName === 'lockInactiveAccounts')!.exportName as 'lockInactiveAccounts';

    // Act: the day before
    clock.set(() => new Date(deadline - DAY));
    const dayBefore = await jobs[run]({});
    const statusBefore = (await account(op.id)).status;
    // Act: exactly at the boundary (not "more than" yet)
    clock.set(() => new Date(deadline));
    await jobs[run]({});
    const statusAtBoundary = (await account(op.id)).status;
    // Act: the day after
    clock.set(() => new Date(deadline + DAY));
    const dayAfter = await jobs[run]({});
    const locked = await account(op.id);

    // Assess
    expect(statusBefore).toBe('active');
    expect(statusAtBoundary).toBe('active');
    expect(dayBefore.locked).toBe(0);
    expect(dayAfter.locked).toBe(1);
    expect(locked).toMatchObject({ status: 'locked', sessionEpoch: op.sessionEpoch + 1, lastLoginAt: LAST_LOGIN, version: op.version + 1 });
    const log = await queryAll<{ action: string; actorId: string }>(opLogByTarget('Account', op.id));
    expect(log.map((l) => l.action)).toContain('account.locked_inactive');
    expect(log.find((l) => l.action === 'account.locked_inactive')!.actorId).toBe('system');
    // A second run finds nothing more to do
    expect((await jobs.lockInactiveAccounts({})).locked).toBe(0);
  });

  it('a locked account cannot log in (403 ACCOUNT_LOCKED) and logging in does not unlock it; only its county admin does, logged', async () => {
    // Prepare: locked by the job; a county system admin of 蒲县
    const { account: op, idNumber } = await idleOperator();
    const { idNumber: countySysId } = await createStaff({ roles: ['sys_admin'], regionCode: COUNTY });
    const after = lockDeadline(LAST_LOGIN).getTime() + DAY;
    clock.set(() => new Date(after));
    await jobs.lockInactiveAccounts({});
    // Act
    const start = await api.call('POST', '/auth/qr-sessions');
    const scan = await api.call('POST', '/dev/card-scan', { body: { sessionId: start.body.sessionId, idNumber } });
    const stillLocked = (await account(op.id)).status;
    const provSys = await api.login(BOOTSTRAP.sysAdmin());
    const byProvince = await api.call('POST', `/accounts/${op.id}/unlock`, { token: provSys });
    const countySys = await api.login(countySysId);
    const unlocked = await api.call('POST', `/accounts/${op.id}/unlock`, { token: countySys, body: { reason: '本人到县局核实' } });
    const token = await api.login(idNumber);
    const me = await api.call('GET', '/me', { token });
    // Assess
    expect([scan.status, scan.body.error.code]).toEqual([403, 'ACCOUNT_LOCKED']);
    expect(stillLocked).toBe('locked');
    expect([byProvince.status, byProvince.body.error.code]).toEqual([403, 'LEVEL_REQUIRED']);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.status).toBe('active');
    expect(me.body).toMatchObject({ kind: 'staff', roles: ['operator'], status: 'active' });
    const log = await queryAll<{ action: string }>(opLogByTarget('Account', op.id));
    expect(log.map((l) => l.action)).toEqual(expect.arrayContaining(['account.locked_inactive', 'account.unlocked', 'auth.login']));
  });

  it('a live session of an account the job locks dies on its next request', async () => {
    // Prepare: a session opened while the account was still active (just before the deadline)
    const { account: op, idNumber } = await idleOperator();
    const deadline = lockDeadline(LAST_LOGIN).getTime();
    clock.set(() => new Date(deadline - 60_000));
    const token = await api.login(idNumber);
    // the fresh login moved the last activity; put it back as if it had been long ago
    await setAccountRaw(op.id, { lastLoginAt: LAST_LOGIN });
    // Act
    clock.set(() => new Date(deadline + 1000));
    await jobs.lockInactiveAccounts({});
    const res = await api.call('GET', '/me', { token });
    // Assess
    expect([res.status, res.body.error.code]).toEqual([403, 'ACCOUNT_LOCKED']);
  });

  it('finds its candidates with Queries on the status index, never a Scan, and locks exactly the due ones among many', async () => {
    // Prepare: 300 city-level supervisor accounts (their own partition): 100 due, 200 recent; 50 frozen long ago
    const CITY = '141000000000';
    const path = '140000000000/141000000000';
    const make = (lastLoginAt: string, status: AccountStatus = 'active'): AccountAttrs => ({
      id: newId(), name: '督导', idNumberSealed: 'v1.x.x.x', idNumberMasked: '1410**********0000', personIndex: newId(),
      phoneSealed: 'v1.x.x.x', phoneMasked: '139****0000', regionCode: CITY, regionPath: path, scopeBucket: CITY,
      roles: ['supervisor'], status, createdAt: CREATED, lastLoginAt, sessionEpoch: 1, version: 1,
    });
    const due = Array.from({ length: 100 }, () => make(LAST_LOGIN));
    const recent = [...Array.from({ length: 100 }, () => make('2026-03-01T08:00:00.000+08:00')), ...Array.from({ length: 100 }, () => make('2026-04-10T08:00:00.000+08:00'))];
    const frozen = Array.from({ length: 50 }, () => make(LAST_LOGIN, 'frozen'));
    const all = [...due, ...recent, ...frozen];
    for (let i = 0; i < all.length; i += 25) {
      await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: all.slice(i, i + 25).map((a) => ({ PutRequest: { Item: Account.item(a) } })) } }));
    }
    clock.set(() => new Date(lockDeadline(LAST_LOGIN).getTime() + DAY));
    const sent: string[] = [];
    const original = db().send.bind(db()) as (...a: unknown[]) => unknown;
    const spy = vi.spyOn(db(), 'send').mockImplementation(((cmd: { constructor: { name: string } }, ...rest: unknown[]) => {
      sent.push(cmd.constructor.name);
      return original(cmd, ...rest);
    }) as never);
    // Act
    const started = performance.now();
    const result = await jobs.lockInactiveAccounts({});
    const ms = performance.now() - started;
    spy.mockRestore();
    // Assess
    expect(sent).not.toContain('ScanCommand');
    expect(sent.filter((n) => n === 'QueryCommand').length).toBeLessThan(20);
    const statuses = async (xs: AccountAttrs[]) => [...new Set(await Promise.all(xs.map(async (a) => (await account(a.id)).status)))];
    expect(await statuses(due)).toEqual(['locked']);
    expect(await statuses(recent)).toEqual(['active']);
    expect(await statuses(frozen)).toEqual(['frozen']);
    expect(result.locked).toBeGreaterThanOrEqual(100);
    expect(result.checked).toBeLessThan(110); // the 200 recent accounts never left the index
    console.info(`lockInactiveAccounts: ${result.checked} candidates, ${result.locked} locked, ${sent.filter((n) => n === 'QueryCommand').length} queries, ${Math.round(ms)} ms`);
  });
});
