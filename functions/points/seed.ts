import { POINT_KINDS, type PointAttrs, type PointKind, type RegionAttrs } from '../../shared/db/entities';
import { isoShanghai } from '../../shared/clock';
import { newId } from '../../shared/ids';
import { scopeBucketOf } from '../../shared/security/scope';

/**
 * P1 at first start: a planned point for every township, the community committee, each village
 * and community of the seeded tree, so the system shows the real county. Locations are not in
 * the statistical list; the county records them with PUT /points/{id}.
 */
export function plannedPoints(regions: RegionAttrs[], now: Date): PointAttrs[] {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  return regions
    .filter((r) => (POINT_KINDS as readonly string[]).includes(r.level))
    .map((r) => {
      const parent = r.parentCode ? byCode.get(r.parentCode) : undefined;
      const site = r.level === 'township' ? '党群服务中心' : r.level === 'community_committee' ? '便民服务中心' : '党群服务中心';
      return {
        id: newId(),
        regionCode: r.code,
        regionPath: r.path,
        scopeBucket: scopeBucketOf(r.path),
        kind: r.level as PointKind,
        name: `${r.name}就业社保服务点`,
        address: `${parent && parent.level === 'township' ? parent.name : ''}${r.name}${site}`,
        stage: 'planned' as const,
        createdAt: isoShanghai(now),
        version: 1,
      };
    });
}
