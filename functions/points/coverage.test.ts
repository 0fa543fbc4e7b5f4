import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable, tableSnapshot } from '../../test/helpers/table';
import { createStaff, startTestApi, type TestApi } from '../../test/helpers/api';
import { Tx } from '../../shared/db/tx';
import { systemCtx } from '../../shared/http/context';
import { getItem } from '../../shared/db/store';
import { Point, type PointAttrs } from '../../shared/db/entities';
import { regionChildren } from '../../shared/regions';

/**
 * A point's coordinates and phone, entered by the county on the point's page, and the map's
 * coverage: villages with no point in operation within 5 km, and points without coordinates.
 */
const COUNTY = '141033000000';
const PUCHENG = '141033100000'; // 蒲城镇
let api: TestApi;
let sysAdmin: string;
let supervisor: string;
let townshipSupervisor: string;
const HOME = { lat: 36.412, lng: 111.088 };
/** `km` north of HOME (one degree of latitude is 111.2 km). */
const north = (km: number) => ({ lat: Math.round((HOME.lat + km / 111.195) * 1e6) / 1e6, lng: HOME.lng });

async function pointOf(regionCode: string, token = sysAdmin) {
  const list = await api.call('GET', `/points?region=${regionCode}`, { token });
  return list.body.items.find((p: { regionCode: string }) => p.regionCode === regionCode);
}
async function setStage(id: string, stage: PointAttrs['stage']) {
  const p = (await getItem<PointAttrs>(Point.key({ id }), true))!;
  await new Tx(systemCtx('test', new Date())).put(Point.item({ ...p, stage, version: p.version + 1 }), { overwrite: true }).log({ action: 'test.stage', targetType: 'Point', targetId: id }).commit();
}
async function place(regionCode: string, location: { lat: number; lng: number }) {
  const pt = await pointOf(regionCode);
  const r = await api.call('PUT', `/points/${pt.id}`, { token: sysAdmin, body: { location, version: pt.version } });
  expect(r.status).toBe(200);
  return r.body;
}

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  sysAdmin = await api.login((await createStaff({ roles: ['sys_admin'], regionCode: COUNTY })).idNumber);
  supervisor = await api.login((await createStaff({ roles: ['supervisor'], regionCode: COUNTY })).idNumber);
  townshipSupervisor = await api.login((await createStaff({ roles: ['supervisor'], regionCode: '141033101000' })).idNumber);
}, 60_000);
afterAll(async () => api?.close());

describe('a point’s coordinates and phone', () => {
  it('the county admin records them in one logged change; clearing is explicit; bad input names the field and writes nothing', async () => {
    // Prepare
    const villages = (await regionChildren(PUCHENG)).filter((r) => r.level === 'village');
    const pt = await pointOf(villages[0]!.code);
    expect(pt.location).toBeUndefined();
    // Act
    const set = await api.call('PUT', `/points/${pt.id}`, { token: sysAdmin, body: { location: HOME, phone: '0357-5522123', version: pt.version } });
    // Assess
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ location: HOME, phone: '0357-5522123', version: pt.version + 1 });
    const log = await api.call('GET', `/audit?target=Point:${pt.id}`, { token: sysAdmin });
    const entry = log.body.items.find((e: any) => e.action === 'point.updated');
    expect(entry.before.location).toBeUndefined();
    expect(entry.after).toMatchObject({ location: HOME, phone: '0357-5522123' });

    const before = await tableSnapshot();
    const bad = await api.call('PUT', `/points/${pt.id}`, { token: sysAdmin, body: { phone: '12345', location: { lat: 120, lng: 111 }, version: set.body.version } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.location.lat', 'body.phone']);
    const stale = await api.call('PUT', `/points/${pt.id}`, { token: sysAdmin, body: { phone: '13912345678', version: pt.version } });
    expect(stale.status).toBe(409);
    const bySupervisor = await api.call('PUT', `/points/${pt.id}`, { token: supervisor, body: { phone: '13912345678', version: set.body.version } });
    expect(bySupervisor.status).toBe(403);
    expect(await tableSnapshot()).toEqual(before);

    const cleared = await api.call('PUT', `/points/${pt.id}`, { token: sysAdmin, body: { location: null, phone: null, version: set.body.version } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.location).toBeUndefined();
    expect(cleared.body.phone).toBeUndefined();
  });
});

describe('GET /points/coverage', () => {
  it('lists the villages with no point in operation within 5 km and the points without coordinates', async () => {
    // Prepare: in 蒲城镇, village 0 in operation at HOME; village 1 planned 3 km away (covered);
    // village 2 planned 8 km away (not covered); the others have no coordinates (unknown).
    const villages = (await regionChildren(PUCHENG)).filter((r) => r.level === 'village').sort((a, b) => a.code.localeCompare(b.code));
    const [v0, v1, v2] = villages as [typeof villages[0], typeof villages[0], typeof villages[0]];
    const p0 = await place(v0.code, HOME);
    await setStage(p0.id, 'in_operation');
    await place(v1.code, north(3));
    await place(v2.code, north(8));
    // Act
    const cov = await api.call('GET', `/points/coverage?region=${PUCHENG}`, { token: supervisor });
    // Assess
    expect(cov.status).toBe(200);
    expect(cov.body.radiusMeters).toBe(5000);
    expect(cov.body.villages).toBe(villages.length);
    const uncovered = new Map(cov.body.uncovered.map((u: any) => [u.code, u]));
    expect(uncovered.has(v0.code)).toBe(false);
    expect(uncovered.has(v1.code)).toBe(false);
    expect(uncovered.get(v2.code)).toMatchObject({ reason: 'no_point_in_range', nearest: { pointId: p0.id } });
    expect((uncovered.get(v2.code) as any).nearest.distanceMeters).toBeGreaterThan(7900);
    for (const v of villages.slice(3)) expect(uncovered.get(v.code)).toMatchObject({ reason: 'location_unknown', township: { code: PUCHENG } });
    expect(cov.body.covered).toBe(2);
    expect(cov.body.points.map((p: any) => p.id)).toContain(p0.id);
    const without = cov.body.pointsWithoutLocation.map((p: any) => p.regionCode);
    expect(without).toContain(PUCHENG);
    expect(without).not.toContain(v0.code);
    // A wider radius covers village 2 as well.
    const wide = await api.call('GET', `/points/coverage?region=${PUCHENG}&radiusKm=10`, { token: supervisor });
    expect(wide.body.uncovered.map((u: any) => u.code)).not.toContain(v2.code);
  });

  it('another township is 404 for a township supervisor; a bad radius names the field', async () => {
    expect((await api.call('GET', `/points/coverage?region=${PUCHENG}`, { token: townshipSupervisor })).status).toBe(404);
    expect((await api.call('GET', `/points/coverage`, { token: townshipSupervisor })).status).toBe(200);
    const bad = await api.call('GET', `/points/coverage?radiusKm=500`, { token: supervisor });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('query.radiusKm');
  });
});
