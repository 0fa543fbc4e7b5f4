import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, rawItems, tableSnapshot } from '../../test/helpers/table';
import { BOOTSTRAP, createStaff, startTestApi, type TestApi } from '../../test/helpers/api';
import { findRegion, clearRegionCache } from '../../shared/regions';
import { HEADER } from './import';

/**
 * Region import (province system admin): validated as a whole, idempotent, logged, and every new
 * village, community and township gets its planned point as at the seed. Codes here are
 * simulated (city 1451…), never a real division.
 */
const SIM = 'SIMULATED test row';
const rows = [
  `145100000000,模拟市01,city,140000000000,${SIM}`,
  `145101000000,模拟县0101,county,145100000000,${SIM}`,
  `145101101000,模拟乡镇0101,township,145101000000,${SIM}`,
  `145101101201,模拟村0101,village,145101101000,${SIM}, with a comma`,
  `145101101202,模拟村0102,village,145101101000,`,
  `145101101203,模拟村0103,village,145101101000,`,
];
const csv = (lines: string[]) => [HEADER, ...lines].join('\n');

let api: TestApi;
let provSys: string;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  provSys = await api.login(BOOTSTRAP.sysAdmin());
});
afterAll(async () => {
  await api?.close();
});

describe('POST /regions/import', () => {
  it('loads a city tree with a planned point per township and village; logged', async () => {
    // Act
    const r = await api.call('POST', '/regions/import', { token: provSys, body: { csv: csv(rows) } });
    // Assess
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ rows: 6, added: 6, updated: 0, unchanged: 0, pointsPlanned: 4 });
    clearRegionCache();
    expect(await findRegion('145101101202')).toMatchObject({ level: 'village', path: '140000000000/145100000000/145101000000/145101101000/145101101202' });
    expect((await findRegion('145101101201'))?.note).toBe(`${SIM}, with a comma`);
    const raw = await rawItems();
    const points = raw.filter((i) => i.entity === 'Point' && String(i.regionPath).includes('145101000000'));
    expect(points.map((p) => [p.regionCode, p.kind, p.stage, p.scopeBucket]).sort()).toEqual([
      ['145101101000', 'township', 'planned', '145101000000'],
      ['145101101201', 'village', 'planned', '145101000000'],
      ['145101101202', 'village', 'planned', '145101000000'],
      ['145101101203', 'village', 'planned', '145101000000'],
    ]);
    expect(raw.filter((i) => i.entity === 'OpLog' && ['region.imported', 'regions.import'].includes(String(i.action))).length).toBe(2);
  });

  it('is idempotent: the same file again adds nothing and plans no second point; a renamed village is updated', async () => {
    // Prepare
    const before = (await rawItems()).filter((i) => i.entity === 'Point').length;
    // Act
    const again = await api.call('POST', '/regions/import', { token: provSys, body: { csv: csv(rows) } });
    const renamed = await api.call('POST', '/regions/import', { token: provSys, body: { csv: csv([...rows.slice(0, 4), '145101101202,模拟村0102（更名）,village,145101101000,', rows[5]!]) } });
    // Assess
    expect(again.body).toMatchObject({ added: 0, updated: 0, unchanged: 6, pointsPlanned: 0 });
    expect(renamed.body).toMatchObject({ added: 0, updated: 1, unchanged: 5 });
    expect((await rawItems()).filter((i) => i.entity === 'Point').length).toBe(before);
    clearRegionCache();
    expect((await findRegion('145101101202'))?.name).toBe('模拟村0102（更名）');
  });

  it('refuses a file with bad codes, levels, parents, duplicates, cycles or a moved region, naming each line; nothing written', async () => {
    // Prepare
    const snapshot = await tableSnapshot();
    const bad = csv([
      '14510110120,短代码村,village,145101101000,',
      '145101101204,未知层级,hamlet,145101101000,',
      '145101101205,无上级村,village,145199999000,',
      '145101101206,挂错层级,village,145101000000,',
      '145101101207,重复,village,145101101000,',
      '145101101207,重复,village,145101101000,',
      '145101102000,甲镇,township,145101103000,',
      '145101103000,乙镇,township,145101102000,',
      '145101101201,模拟村0101,village,145101102000,',
    ]);
    // Act
    const r = await api.call('POST', '/regions/import', { token: provSys, body: { csv: bad } });
    const header = await api.call('POST', '/regions/import', { token: provSys, body: { csv: 'code;name\n1;2' } });
    // Assess
    expect(r.status).toBe(400);
    const fields = r.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['csv.line2.code', 'csv.line3.level', 'csv.line7.code']));
    expect(header.status).toBe(400);
    expect(header.body.error.details[0].field).toBe('csv.line1');
    // The parse errors come first; the tree errors once the lines are well formed.
    const tree = await api.call('POST', '/regions/import', { token: provSys, body: { csv: csv(bad.split('\n').slice(1).filter((l) => !l.startsWith('14510110120,') && !l.includes('hamlet') && !l.startsWith('145101101207'))) } });
    expect(tree.status).toBe(400);
    const treeFields = tree.body.error.details.map((d: { field: string }) => d.field);
    expect(treeFields).toEqual(expect.arrayContaining(['csv.line2.parent_code', 'csv.line3.level', 'csv.line4.level', 'csv.line5.level', 'csv.line6.parent_code']));
    expect(await tableSnapshot()).toEqual(snapshot);
  });

  it('is the province system admin’s alone', async () => {
    // Prepare
    const bizProv = await api.login(BOOTSTRAP.bizAdmin());
    const countySys = await api.login((await createStaff({ roles: ['sys_admin'], regionCode: '141033000000' })).idNumber);
    // Act
    const a = await api.call('POST', '/regions/import', { token: bizProv, body: { csv: csv(rows) } });
    const b = await api.call('POST', '/regions/import', { token: countySys, body: { csv: csv(rows) } });
    const c = await api.call('POST', '/regions/import', { body: { csv: csv(rows) } });
    // Assess
    expect([a.status, b.status, c.status]).toEqual([403, 403, 401]);
  });
});
