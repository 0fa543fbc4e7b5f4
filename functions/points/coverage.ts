/**
 * Coverage for the map (GET /points/coverage): which villages (行政村, 社区) of a region have no
 * point in operation within the radius (5 km by default), and which points have no coordinates.
 *
 * Villages carry no coordinates in the statistical list, so a village's position is the one its
 * own point was given by the county (PUT /points/{id}); nothing is guessed. A village whose own
 * point is in operation is covered; a village whose position is unknown and has no point in
 * operation of its own is listed as uncovered with the reason "location unknown", so the county
 * sees what to record. Reads: the region's points (one query per county bucket) and its region
 * tree (one query per region with children) — bounded by points and regions, never by cases.
 */
import type { PointAttrs, RegionAttrs } from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import { requireRole, requireStaff } from '../../shared/security/authorize';
import { countiesUnder, regionChildren } from '../../shared/regions';
import { distanceMeters } from './rules';
import { scopedRegion } from './service';
import * as store from './store';

const VILLAGE_LEVELS = ['village', 'community'];

/** The villages and communities under a region (itself, if it is one). */
async function villagesUnder(region: RegionAttrs): Promise<{ village: RegionAttrs; township?: RegionAttrs }[]> {
  if (VILLAGE_LEVELS.includes(region.level)) return [{ village: region }];
  const out: { village: RegionAttrs; township?: RegionAttrs }[] = [];
  const walk = async (r: RegionAttrs, township?: RegionAttrs): Promise<void> => {
    const children = await regionChildren(r.code);
    await Promise.all(
      children.map(async (c) => {
        if (VILLAGE_LEVELS.includes(c.level)) out.push({ village: c, township });
        else await walk(c, c.level === 'township' || c.level === 'community_committee' ? c : township);
      }),
    );
  };
  await walk(region, region.level === 'township' || region.level === 'community_committee' ? region : undefined);
  return out.sort((a, b) => a.village.code.localeCompare(b.village.code));
}

export async function pointCoverage(ctx: RequestCtx, q: { region?: string; radiusKm: number }) {
  const p = requireStaff(ctx);
  requireRole(p, 'supervisor', 'sys_admin', 'biz_admin', 'reviewer');
  const region = await scopedRegion(p, q.region);
  const radiusMeters = Math.round(q.radiusKm * 1000);
  const [points, villages] = await Promise.all([
    countiesUnder(region).then((bs) => Promise.all(bs.map((b) => store.allPointsIn(b, region.path)))).then((x) => x.flat()),
    villagesUnder(region),
  ]);
  const live = points.filter((pt) => pt.stage !== 'closed');
  const operating = live.filter((pt) => pt.stage === 'in_operation');
  const located = operating.filter((pt): pt is PointAttrs & { location: { lat: number; lng: number } } => !!pt.location);
  const ownPoints = new Map<string, PointAttrs[]>();
  for (const pt of live) ownPoints.set(pt.regionCode, [...(ownPoints.get(pt.regionCode) ?? []), pt]);

  const uncovered: unknown[] = [];
  let covered = 0;
  for (const { village, township } of villages) {
    const own = ownPoints.get(village.code) ?? [];
    if (own.some((pt) => pt.stage === 'in_operation')) {
      covered += 1;
      continue;
    }
    const sites = own.map((pt) => pt.location).filter((l): l is { lat: number; lng: number } => !!l);
    let nearest: { pointId: string; name: string; distanceMeters: number } | undefined;
    for (const site of sites)
      for (const pt of located) {
        const d = distanceMeters(site, pt.location);
        if (!nearest || d < nearest.distanceMeters) nearest = { pointId: pt.id, name: pt.name, distanceMeters: d };
      }
    if (nearest && nearest.distanceMeters <= radiusMeters) {
      covered += 1;
      continue;
    }
    uncovered.push({
      code: village.code,
      name: village.name,
      ...(township ? { township: { code: township.code, name: township.name } } : {}),
      reason: sites.length ? 'no_point_in_range' : 'location_unknown',
      ...(own[0] ? { ownPoint: { id: own[0].id, name: own[0].name, stage: own[0].stage } } : {}),
      ...(nearest ? { nearest } : {}),
    });
  }
  const row = (pt: PointAttrs) => ({ id: pt.id, name: pt.name, kind: pt.kind, stage: pt.stage, regionCode: pt.regionCode, ...(pt.location ? { location: pt.location } : {}) });
  return {
    region: { code: region.code, name: region.name, level: region.level },
    radiusMeters,
    villages: villages.length,
    covered,
    uncovered,
    points: live.filter((pt) => pt.location).map(row),
    pointsWithoutLocation: live.filter((pt) => !pt.location).map(row),
  };
}
