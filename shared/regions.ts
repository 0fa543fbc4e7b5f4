import { getItem, queryAll } from './db/store';
import { Region, regionChildrenIndex, type RegionAttrs } from './db/entities';
import { NotFound } from './http/errors';

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
