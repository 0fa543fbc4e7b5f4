import type { StaffPrincipal } from '../http/context';

/**
 * Region scope: a record's region path is the chain of ancestor codes
 * ("140000000000/141000000000/141033000000/141033100000/141033202200"). A staff account sees
 * a record when its own region is on that chain. Paths, not code prefixes: villages of the
 * former 红道乡 keep their old codes under 蒲城镇.
 */
export function pathContains(path: string, regionCode: string): boolean {
  return path.split('/').includes(regionCode);
}

export function inRegionScope(p: Pick<StaffPrincipal, 'regionCode'>, recordPath: string): boolean {
  return pathContains(recordPath, p.regionCode);
}

/** Depth of a region on its path: 0 province, 1 city, 2 county, 3 township, 4 village. */
export function depthOf(path: string): number {
  return path.split('/').length - 1;
}

/**
 * Partition bucket for region-scoped lists: the county for anything at or below a county, else
 * the region itself. Lists for a city or the province fan out over their counties.
 */
export function scopeBucketOf(path: string): string {
  const parts = path.split('/');
  return parts.length >= 3 ? parts[2]! : parts[parts.length - 1]!;
}

export function countyOf(path: string): string | undefined {
  const parts = path.split('/');
  return parts.length >= 3 ? parts[2] : undefined;
}
