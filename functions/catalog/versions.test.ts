import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, tableSnapshot } from '../../test/helpers/table';
import { createStaff, startTestApi, testIdNumber, BOOTSTRAP, type TestApi } from '../../test/helpers/api';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { CatalogVersion } from '../../shared/db/entities';
import { isoShanghai } from '../../shared/clock';
import { currentVersion } from './store';

/** K1–K3 over HTTP: publishing versions, the 40-item guard and its override, old versions kept. */
let api: TestApi;
let bizAdmin: string;
const newItem = (code: string, category = 'find_job') => ({
  code,
  group: category === 'find_job' || category === 'learn_skill' ? 'employment' : 'social_security',
  category,
  nameZh: `新事项${code}`,
  nameEn: `New item ${code}`,
  review: 'none',
  timeLimitWorkingDays: 0,
  channels: ['window'],
  materials: ['居民身份证'],
});

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  bizAdmin = await api.login(BOOTSTRAP.bizAdmin());
});
afterAll(async () => api?.close());

describe('publishing catalogue versions', () => {
  it('publishes a change; the public sees it at once in this process, version 1 stays readable', async () => {
    // Prepare: the public read caches version 1
    expect((await api.call('GET', '/public/catalog/items/S01')).body).toMatchObject({ version: 1, timeLimitWorkingDays: 5 });
    // Act
    const res = await api.call('POST', '/catalog/versions', {
      token: bizAdmin,
      body: { basedOn: 1, note: '缩短养老保险参保登记时限', change: [{ code: 'S01', timeLimitWorkingDays: 3, materials: ['居民身份证'], legalBasis: '《社会保险法》第十二条' }] },
    });
    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 2, status: 'published', itemCount: 40, basedOn: 1, changed: ['S01'], added: [], retired: [], current: true });
    expect((await api.call('GET', '/public/catalog/items/S01')).body).toMatchObject({ version: 2, timeLimitWorkingDays: 3, materials: ['居民身份证'], legalBasis: '《社会保险法》第十二条' });
    expect((await api.call('GET', '/public/catalog/items')).body.items.every((i: { version: number }) => i.version === 2)).toBe(true);
    const v1 = await api.call('GET', '/catalog/versions/1', { token: bizAdmin });
    expect(v1.body.items).toHaveLength(40);
    expect(v1.body.items.find((i: { code: string }) => i.code === 'S01')).toMatchObject({ version: 1, timeLimitWorkingDays: 5, materials: ['居民身份证', '户口簿'] });
    expect(v1.body.current).toBe(false);
  });

  it('keeps the structure when an item is retired and another added in its category', async () => {
    const res = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { retire: ['E03'], add: [newItem('E20')] } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 3, itemCount: 40, added: ['E20'], retired: ['E03'] });
    expect((await api.call('GET', '/public/catalog/items/E03')).status).toBe(404);
    expect((await api.call('GET', '/public/catalog/items/E20')).body.version).toBe(3);
  });

  it('refuses a version that breaks the 40-item structure unless an override reason is given; nothing is written', async () => {
    // Prepare
    const before = await tableSnapshot();
    // Act
    const added = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { add: [newItem('E21')] } });
    const moved = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { change: [{ code: 'E01', category: 'learn_skill' }] } });
    const unknown = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { retire: ['Z99'], change: [{ code: 'Q01', nameZh: 'x' }] } });
    const same = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { change: [{ code: 'S02' }] } });
    const stale = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { basedOn: 2, change: [{ code: 'S02', timeLimitWorkingDays: 9 }] } });
    const both = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { items: [newItem('E01')], retire: ['E01'] } });
    // Assess
    expect(added.status).toBe(400);
    expect(added.body.error.code).toBe('CATALOG_STRUCTURE_CHANGED');
    expect(added.body.error.details.map((d: { message: string }) => d.message)).toEqual(['改变 40 项结构须说明理由', '事项总数 41，应为 40', 'employment/find_job 有 16 项，应为 15 项']);
    expect(moved.body.error.code).toBe('CATALOG_STRUCTURE_CHANGED');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.map((d: { field: string }) => d.field)).toEqual(['body.retire.0', 'body.change.0.code']);
    expect(same.body.error.code).toBe('NO_CHANGES');
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_VERSION');
    expect(both.status).toBe(400);
    expect(await tableSnapshot()).toEqual(before);

    // Act: the same change, meant
    const meant = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { add: [newItem('E21')], overrideReason: '省厅2025年1号文新增事项' } });
    // Assess
    expect(meant.status).toBe(201);
    expect(meant.body).toMatchObject({ version: 4, itemCount: 41, overrideReason: '省厅2025年1号文新增事项' });
    expect((await api.call('GET', '/public/catalog/items')).body.items).toHaveLength(41);
  });

  it('publishes a whole list of more than one transaction of items, and lists the versions newest first', async () => {
    // Prepare: 120 items (needs an override) — more than fit one 100-item transaction
    const items = Array.from({ length: 120 }, (_, n) => newItem(`E${String(n + 100).padStart(3, '0')}`));
    // Act
    const res = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { items, overrideReason: '试点扩充' } });
    const list = await api.call('GET', '/catalog/versions?limit=3', { token: bizAdmin });
    const rest = await api.call('GET', `/catalog/versions?limit=3&cursor=${list.body.nextCursor}`, { token: bizAdmin });
    // Assess
    expect(res.status).toBe(201);
    expect((await api.call('GET', '/public/catalog/items?limit=200')).body.items).toHaveLength(120);
    expect(list.body.items.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([[5, true], [4, false], [3, false]]);
    expect(rest.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await api.call('GET', '/catalog/versions/4', { token: bizAdmin })).body.items).toHaveLength(41);
  });

  it('waits for a publish in progress, and takes over one abandoned for more than 5 minutes', async () => {
    // Prepare: a reservation of version 6 as a live publisher would leave it
    const reserve = async (minutesAgo: number) =>
      new Tx(systemCtx('test', new Date()))
        .put(CatalogVersion.item({ version: 6, status: 'writing', reservedBy: 'other-request', reservedAt: isoShanghai(new Date(Date.now() - minutesAgo * 60_000)), publishedAt: '', publishedBy: 'x', itemCount: 0 }), { overwrite: true })
        .log({ action: 'test.reserve', targetType: 'CatalogVersion', targetId: '6' })
        .commit();
    await reserve(1);
    const before = await tableSnapshot();
    // Act
    const busy = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { change: [{ code: 'E100', nameZh: '改名' }], overrideReason: '试点扩充' } });
    // Assess
    expect(busy.status).toBe(409);
    expect(await tableSnapshot()).toEqual(before);
    // Act: the reservation is abandoned
    await reserve(10);
    const taken = await api.call('POST', '/catalog/versions', { token: bizAdmin, body: { change: [{ code: 'E100', nameZh: '改名' }], overrideReason: '试点扩充' } });
    // Assess
    expect(taken.status).toBe(201);
    expect(taken.body.version).toBe(6);
    expect(await currentVersion(Date.now(), true)).toBe(6);
  });

  it('lets only the province business admin publish; nothing is written', async () => {
    // Prepare
    const countyBiz = await api.login((await createStaff({ roles: ['biz_admin'], regionCode: '141033000000' })).idNumber);
    const provSupervisor = await api.login((await createStaff({ roles: ['supervisor'], regionCode: '140000000000' })).idNumber);
    const provSys = await api.login(BOOTSTRAP.sysAdmin());
    const citizen = await api.login(testIdNumber('19700101'));
    const body = { change: [{ code: 'E100', nameZh: '再改名' }] };
    const before = await tableSnapshot();
    // Act
    const statuses = await Promise.all([countyBiz, provSupervisor, provSys, citizen].map(async (token) => (await api.call('POST', '/catalog/versions', { token, body })).status));
    const anon = await api.call('POST', '/catalog/versions', { body });
    // Assess
    expect(statuses).toEqual([403, 403, 403, 403]);
    expect(anon.status).toBe(401);
    expect(await tableSnapshot()).toEqual(before);
  });
});
