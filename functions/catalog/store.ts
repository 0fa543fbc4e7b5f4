import { getItem, queryAll } from '../../shared/db/store';
import { CatalogCurrent, CatalogItem, catalogVersionItems, type CatalogCurrentAttrs, type CatalogItemAttrs } from '../../shared/db/entities';

/**
 * The current version number is read once per process and kept for a short while, so that a
 * public catalogue read is one Query; a newly published version shows within CACHE_MS.
 */
const CACHE_MS = 30_000;
let current: { version: number; at: number } | undefined;

export async function currentVersion(nowMs: number, fresh = false): Promise<number> {
  if (!fresh && current && nowMs - current.at < CACHE_MS) return current.version;
  const head = await getItem<CatalogCurrentAttrs>(CatalogCurrent.key({}), fresh);
  if (!head) throw new Error('catalogue not seeded');
  current = { version: head.version, at: nowMs };
  return head.version;
}
export function forgetCurrentVersion(): void {
  current = undefined;
}

export async function itemsOfVersion(version: number): Promise<CatalogItemAttrs[]> {
  return queryAll<CatalogItemAttrs>(catalogVersionItems(version));
}

export async function itemOfVersion(version: number, code: string): Promise<CatalogItemAttrs | undefined> {
  return getItem<CatalogItemAttrs>(CatalogItem.key({ version, code }));
}
