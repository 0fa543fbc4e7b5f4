import { getItem, queryAll } from './db/store';
import { Region, regionChildrenIndex, type RegionAttrs } from './db/entities';
import { NotFound } from './http/errors';
import { depthOf, scopeBucketOf } from './security/scope';

/**
 * Region lookups used by every domain to place records in the tree. Regions change only with
 * the statistical division list, so a process keeps what it has read.
 */
const cache = new Map<string, RegionAttrs>();

export async function findRegion(code: string): Promise<RegionAttrs | undefined> {
  const hit = cache.get(code);
  if (hit) return hit;
  const item = await getItem<RegionAttrs>(Region.key({ code }));
  if (item) cache.set(code, item);
  return item;
}

export async function requireRegion(code: string, field = 'regionCode'): Promise<RegionAttrs> {
  const r = await findRegion(code);
  if (!r) throw new NotFound(`${field}: 区划 ${code} 不存在`, 'REGION_NOT_FOUND');
  return r;
}

export async function regionChildren(code: string): Promise<RegionAttrs[]> {
  return queryAll<RegionAttrs>(regionChildrenIndex(code));
}

export function clearRegionCache(): void {
  cache.clear();
}

/** The root of the tree: 山西省. Scheduled jobs that cover the whole province start here. */
export const PROVINCE_CODE = '140000000000';

/**
 * The regions whose buckets hold a subtree's records, for a region above a county: itself, the
 * cities and the counties below it (region-scoped lists partition by county, or by the region
 * itself above a county). At or below a county, the county alone.
 */
export async function bucketRegionsUnder<R extends Pick<RegionAttrs, 'code' | 'path'>>(region: R): Promise<(R | RegionAttrs)[]> {
  if (depthOf(region.path) >= 2) return [await requireRegion(scopeBucketOf(region.path))];
  const out: (R | RegionAttrs)[] = [region];
  for (const child of await regionChildren(region.code)) out.push(...(await bucketRegionsUnder(child)));
  return out;
}

/** The partition buckets of a region subtree (see bucketRegionsUnder). */
export async function bucketsUnder(region: Pick<RegionAttrs, 'code' | 'path'>): Promise<string[]> {
  return (await bucketRegionsUnder(region)).map((r) => r.code);
}

/** The counties of a region subtree (its own county at or below a county). */
export async function countiesUnder(region: Pick<RegionAttrs, 'code' | 'path'>): Promise<string[]> {
  return (await bucketRegionsUnder(region)).filter((r) => depthOf(r.path) === 2).map((r) => r.code);
}
