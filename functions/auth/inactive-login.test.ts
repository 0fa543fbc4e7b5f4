import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems } from '../../test/helpers/table';
import { createStaff, startTestApi, type TestApi } from '../../test/helpers/api';
import { setAccountRaw } from '../accounts/test-support';
import { opLogByTarget } from '../../shared/db/entities';

/** A8 at the login: an account idle past three months is locked there, the same way the daily job locks it. */
let api: TestApi;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
});
afterAll(async () => api?.close());

describe('login of an account idle for more than three months', () => {
  it('is refused 403 ACCOUNT_LOCKED and locks the account with its date, logged as the system', async () => {
    // Prepare: a county reviewer whose last login was four months ago, before the daily job ran
    const { account, idNumber } = await createStaff({ roles: ['reviewer'], regionCode: '141033000000' });
    await setAccountRaw(account.id, { lastLoginAt: '2020-01-01T09:00:00.000+08:00', createdAt: '2019-12-01T09:00:00.000+08:00' });
    // Act
    const login = await api.login(idNumber).catch((e: Error) => e.message);
    // Assess
    expect(String(login)).toContain('403');
    expect(String(login)).toContain('ACCOUNT_LOCKED');
    const items = await rawItems();
    const stored = items.find((i) => i.pk === `ACCOUNT#${account.id}`)!;
    expect(stored).toMatchObject({ status: 'locked', sessionEpoch: account.sessionEpoch + 1 });
    expect(typeof stored.lockedAt).toBe('string');
    const log = items.filter((i) => i.pk === opLogByTarget('Account', account.id).pk && i.action === 'account.locked_inactive');
    expect(log).toHaveLength(1);
    expect(log[0]!.actorId).toBe('system');
  });
});
