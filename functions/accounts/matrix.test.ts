import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, tableSnapshot } from '../../test/helpers/table';
import { BOOTSTRAP, createStaff, startTestApi, testIdNumber, testPhone, type TestApi } from '../../test/helpers/api';
import { getItem } from '../../shared/db/store';
import { monthShanghai } from '../../shared/clock';
import { Account, type AccountAttrs, type Role } from '../../shared/db/entities';
import { OTHER_COUNTY, OTHER_VILLAGE, putOtherCounty, putPoint, setAccountRaw } from './test-support';

/**
 * The authorization matrix: every account endpoint × every kind of caller × a target in and out
 * of the caller's region, plus frozen, locked and deregistered callers and a citizen. Every
 * forbidden cell answers 403/404 and leaves the table as it was; every allowed cell works.
 */
const COUNTY = '141033000000';
const VILLAGE_A = '141033100200';
const VILLAGE_B = '141033100201';

type Scope = 'in' | 'out';
type Caller =
  | 'provSys' | 'provBiz' | 'countySys' | 'countyBiz' | 'otherSys' | 'otherBiz' | 'operator' | 'reviewer'
  | 'supervisorCounty' | 'supervisorCity' | 'frozenSys' | 'lockedSys' | 'deregSys' | 'citizen';
const CALLERS: Caller[] = [
  'provSys', 'provBiz', 'countySys', 'countyBiz', 'otherSys', 'otherBiz', 'operator', 'reviewer',
  'supervisorCounty', 'supervisorCity', 'frozenSys', 'lockedSys', 'deregSys', 'citizen',
];

let api: TestApi;
const tokens = {} as Record<Caller, string>;
/** Per scope: accounts in each status and forms in each state. */
const targets = {} as Record<Scope, { active: string; frozen: string; locked: string; filed: string; approved: string; region: string; village: string; pointId: string }>;

const person = (name: string) => ({ name, idNumber: testIdNumber('19700101'), phone: testPhone() });
const version = async (id: string) => (await getItem<AccountAttrs>(Account.key({ id }), true))!.version;

async function staff(roles: Role[], regionCode: string, pointId?: string) {
  const made = await createStaff({ roles, regionCode, pointId });
  return { id: made.account.id, token: await api.login(made.idNumber) };
}

async function fileAndMaybeApprove(filer: string, decider: string, village: string, pointId: string, approve: boolean): Promise<string> {
  const filed = await api.call('POST', '/account-requests', { token: filer, body: { kind: 'create', person: person('申请人'), regionCode: village, pointId, roles: ['operator'] } });
  if (filed.status !== 201) throw new Error(filed.text);
  if (approve) {
    const d = await api.call('POST', `/account-requests/${filed.body.id}/decision`, { token: decider, body: { approve: true } });
    if (d.status !== 200) throw new Error(d.text);
  }
  return filed.body.id as string;
}

beforeAll(async () => {
  await prepareTable();
  await putOtherCounty();
  api = await startTestApi();
  tokens.provSys = await api.login(BOOTSTRAP.sysAdmin());
  tokens.provBiz = await api.login(BOOTSTRAP.bizAdmin());
  tokens.countySys = (await staff(['sys_admin'], COUNTY)).token;
  tokens.countyBiz = (await staff(['biz_admin'], COUNTY)).token;
  tokens.otherSys = (await staff(['sys_admin'], OTHER_COUNTY)).token;
  tokens.otherBiz = (await staff(['biz_admin'], OTHER_COUNTY)).token;
  const pointA = await putPoint(VILLAGE_A);
  tokens.operator = (await staff(['operator'], VILLAGE_A, pointA)).token;
  tokens.reviewer = (await staff(['reviewer'], COUNTY)).token;
  tokens.supervisorCounty = (await staff(['supervisor'], COUNTY)).token;
  tokens.supervisorCity = (await staff(['supervisor'], '141000000000')).token;
  for (const [caller, status] of [['frozenSys', 'frozen'], ['lockedSys', 'locked'], ['deregSys', 'deregistered']] as const) {
    const s = await staff(['sys_admin'], COUNTY);
    await setAccountRaw(s.id, { status });
    tokens[caller] = s.token;
  }
  tokens.citizen = await api.login(testIdNumber('19551010'));

  for (const [scope, village, sys, biz] of [
    ['in', VILLAGE_B, tokens.countySys, tokens.countyBiz],
    ['out', OTHER_VILLAGE, tokens.otherSys, tokens.otherBiz],
  ] as const) {
    const pointId = await putPoint(village);
    const active = (await createStaff({ roles: ['operator'], regionCode: village, pointId })).account.id;
    const frozen = (await createStaff({ roles: ['operator'], regionCode: village, pointId })).account.id;
    const locked = (await createStaff({ roles: ['operator'], regionCode: village, pointId })).account.id;
    await setAccountRaw(frozen, { status: 'frozen' });
    await setAccountRaw(locked, { status: 'locked' });
    targets[scope] = {
      active,
      frozen,
      locked,
      filed: await fileAndMaybeApprove(biz, sys, village, pointId, false),
      approved: await fileAndMaybeApprove(biz, sys, village, pointId, true),
      region: scope === 'in' ? COUNTY : OTHER_COUNTY,
      village,
      pointId,
    };
  }
});
afterAll(async () => api?.close());

interface Endpoint {
  name: string;
  /** Who may call it, for a target in their county ('in': 蒲县) and in the other county ('out': 汾西县). */
  allowed: Record<Scope, Caller[]>;
  call: (token: string, scope: Scope) => Promise<{ status: number; body: any }>;
  mutates: boolean;
}
const admins = { in: ['provSys', 'provBiz', 'countySys', 'countyBiz'], out: ['provSys', 'provBiz', 'otherSys', 'otherBiz'] } as Record<Scope, Caller[]>;
const month = monthShanghai(new Date());

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /account-requests',
    allowed: { in: ['countySys', 'countyBiz'], out: ['otherSys', 'otherBiz'] },
    mutates: true,
    call: (token, s) =>
      api.call('POST', '/account-requests', { token, body: { kind: 'create', person: person('新操作员'), regionCode: targets[s].village, pointId: targets[s].pointId, roles: ['operator'] } }),
  },
  {
    name: 'POST /account-requests/{id}/decision',
    allowed: { in: ['countySys', 'countyBiz'], out: ['otherSys', 'otherBiz'] },
    mutates: true,
    call: (token, s) => api.call('POST', `/account-requests/${targets[s].filed}/decision`, { token, body: { approve: true, reason: '同意' } }),
  },
  {
    name: 'POST /accounts',
    allowed: { in: ['countySys'], out: ['otherSys'] },
    mutates: true,
    call: (token, s) => api.call('POST', '/accounts', { token, body: { requestId: targets[s].approved } }),
  },
  {
    name: 'PUT /accounts/{id}/roles',
    allowed: { in: ['countyBiz'], out: ['otherBiz'] },
    mutates: true,
    call: async (token, s) => api.call('PUT', `/accounts/${targets[s].active}/roles`, { token, body: { roles: ['operator'], version: await version(targets[s].active) } }),
  },
  ...(['freeze', 'unfreeze', 'unlock', 'deregister'] as const).map((action) => ({
    name: `POST /accounts/{id}/${action}`,
    allowed: { in: ['countySys'], out: ['otherSys'] } as Record<Scope, Caller[]>,
    mutates: true,
    call: (token: string, s: Scope) => {
      const t = targets[s];
      const id = action === 'unfreeze' ? t.frozen : action === 'unlock' ? t.locked : t.active;
      return api.call('POST', `/accounts/${id}/${action}`, { token, body: { reason: '矩阵测试' } });
    },
  })),
  { name: 'GET /accounts/{id}', allowed: admins, mutates: false, call: (token, s) => api.call('GET', `/accounts/${targets[s].active}`, { token }) },
  { name: 'GET /accounts', allowed: admins, mutates: false, call: (token, s) => api.call('GET', `/accounts?region=${targets[s].region}`, { token }) },
  {
    name: 'GET /account-requests/{id}',
    allowed: { in: [...admins.in, 'supervisorCounty', 'supervisorCity'], out: [...admins.out, 'supervisorCity'] },
    mutates: false,
    call: (token, s) => api.call('GET', `/account-requests/${targets[s].filed}`, { token }),
  },
  {
    name: 'GET /account-requests',
    allowed: { in: [...admins.in, 'supervisorCounty', 'supervisorCity'], out: [...admins.out, 'supervisorCity'] },
    mutates: false,
    call: (token, s) => api.call('GET', `/account-requests?region=${targets[s].region}`, { token }),
  },
  {
    name: 'GET /accounts/audit',
    allowed: admins,
    mutates: false,
    call: (token, s) => api.call('GET', `/accounts/audit?month=${month}&region=${targets[s].region}`, { token }),
  },
];

describe('authorization matrix of the account endpoints', () => {
  it('every forbidden cell answers 403 or 404 and writes nothing', async () => {
    // Prepare
    const before = await tableSnapshot();
    const wrong: string[] = [];
    let cells = 0;
    // Act
    for (const ep of ENDPOINTS) {
      for (const scope of ['in', 'out'] as const) {
        for (const caller of CALLERS) {
          if (ep.allowed[scope].includes(caller)) continue;
          cells += 1;
          const res = await ep.call(tokens[caller], scope);
          if (res.status !== 403 && res.status !== 404) wrong.push(`${ep.name} ${scope} ${caller}: ${res.status} ${JSON.stringify(res.body)}`);
          // An admin of the other county does not learn that the record exists.
          const outsider = (scope === 'in' && caller.startsWith('other')) || (scope === 'out' && caller.startsWith('county'));
          const hasRole = ep.allowed.in.includes(caller.replace('other', 'county') as Caller);
          if (outsider && hasRole && res.status !== 404) wrong.push(`${ep.name} ${scope} ${caller}: expected 404, got ${res.status}`);
        }
      }
    }
    // Assess
    expect(wrong).toEqual([]);
    expect(cells).toBe(298); // 13 endpoints × 2 scopes × 14 callers, less the 66 allowed cells
    expect(await tableSnapshot()).toEqual(before);
  });

  it('frozen, locked and deregistered callers get their own 403 codes', async () => {
    const res = await Promise.all((['frozenSys', 'lockedSys', 'deregSys'] as const).map((c) => api.call('GET', `/accounts/${targets.in.active}`, { token: tokens[c] })));
    expect(res.map((r) => [r.status, r.body.error.code])).toEqual([
      [403, 'ACCOUNT_FROZEN'],
      [403, 'ACCOUNT_LOCKED'],
      [403, 'ACCOUNT_DEREGISTERED'],
    ]);
  });

  it('every allowed cell works', async () => {
    // Reads: every allowed caller
    for (const ep of ENDPOINTS.filter((e) => !e.mutates)) {
      for (const scope of ['in', 'out'] as const) {
        for (const caller of ep.allowed[scope]) {
          const res = await ep.call(tokens[caller], scope);
          expect(`${ep.name} ${scope} ${caller}: ${res.status}`).toBe(`${ep.name} ${scope} ${caller}: 200`);
        }
      }
    }
    // Writes: each once by its first allowed caller, in lifecycle order
    for (const ep of ENDPOINTS.filter((e) => e.mutates)) {
      for (const scope of ['in', 'out'] as const) {
        const res = await ep.call(tokens[ep.allowed[scope][0]!], scope);
        expect(`${ep.name} ${scope}: ${res.status}`).toMatch(/: 20[01]$/);
      }
    }
    // The unit of a point files for its own village
    const own = await api.call('POST', '/account-requests', {
      token: tokens.operator,
      body: { kind: 'create', person: person('本村新人'), regionCode: VILLAGE_A, pointId: (await api.call('GET', '/me', { token: tokens.operator })).body.pointId, roles: ['operator'] },
    });
    expect(own.status).toBe(201);
    // …and the unit sees its own forms (and their outcome), nothing of the county's other villages
    const unitList = await api.call('GET', `/account-requests?region=${VILLAGE_A}`, { token: tokens.operator });
    expect(unitList.body.items.map((r: { id: string }) => r.id)).toEqual([own.body.id]);
    expect((await api.call('GET', `/account-requests/${own.body.id}`, { token: tokens.operator })).body.status).toBe('filed');
  });
});
