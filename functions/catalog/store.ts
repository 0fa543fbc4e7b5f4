import { getItem, queryAll, queryPage } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import type { RequestCtx } from '../../shared/http/context';
import {
  CatalogCurrent,
  CatalogItem,
  CatalogVersion,
  catalogVersionItems,
  catalogVersions,
  type CatalogCurrentAttrs,
  type CatalogItemAttrs,
  type CatalogVersionAttrs,
} from '../../shared/db/entities';

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

/**
 * A published version never changes (a change is a new version), so its items are kept per
 * process once read: the public catalogue then costs no round trip at all while the current
 * version holds. Only call this for a version known to be published.
 */
const published = new Map<number, Promise<CatalogItemAttrs[]>>();
export function publishedItems(version: number): Promise<CatalogItemAttrs[]> {
  let items = published.get(version);
  if (!items) {
    items = itemsOfVersion(version).catch((e) => {
      published.delete(version);
      throw e;
    });
    published.set(version, items);
  }
  return items;
}

export async function itemOfVersion(version: number, code: string): Promise<CatalogItemAttrs | undefined> {
  return getItem<CatalogItemAttrs>(CatalogItem.key({ version, code }));
}

// ── publishing (K1–K3)


export const readCurrent = () => getItem<CatalogCurrentAttrs>(CatalogCurrent.key({}), true);
export const getVersion = (version: number) => getItem<CatalogVersionAttrs>(CatalogVersion.key({ version }), true);
export const versionsPage = (limit: number, cursor?: string) => queryPage<CatalogVersionAttrs>({ ...catalogVersions(), descending: true }, limit, cursor);

/** A crashed publish leaves its reservation behind; after this long another publisher may take it over. */
const RESERVATION_STALE_MS = 5 * 60_000;

/**
 * Writes a version in several Tx: (1) reserve the version number (conditional: no one else is
 * writing it), (2) its items, at most 90 per Tx, (3) flip CatalogCurrent from `basedOn` to the
 * new version and mark the header published, in one Tx with the log. Readers see the new
 * version only after (3); a failure before it leaves the current version untouched.
 */
export async function writeVersion(
  ctx: RequestCtx,
  header: Omit<CatalogVersionAttrs, 'status' | 'reservedAt' | 'reservedBy' | 'publishedAt'>,
  items: CatalogItemAttrs[],
  basedOn: number,
  isoAt: (d: Date) => string,
): Promise<CatalogVersionAttrs> {
  const at = isoAt(ctx.now);
  const cutoff = isoAt(new Date(ctx.now.getTime() - RESERVATION_STALE_MS));
  const reserved = { ...CatalogVersion.item({ ...header, status: 'writing', reservedBy: ctx.requestId, reservedAt: at, publishedAt: at }) } as Record<string, unknown>;
  const names: Record<string, string> = { '#st': 'status' };
  const values: Record<string, unknown> = { ':writing': 'writing', ':cutoff': cutoff };
  const sets: string[] = [];
  Object.entries(reserved).forEach(([k, v], n) => {
    if (k === 'pk' || k === 'sk' || v === undefined) return;
    names[`#a${n}`] = k;
    values[`:a${n}`] = v;
    sets.push(`#a${n} = :a${n}`);
  });
  await new Tx(ctx)
    .update(CatalogVersion.key({ version: header.version }), `SET ${sets.join(', ')}`, {
      condition: 'attribute_not_exists(pk) OR (#st = :writing AND reservedAt < :cutoff)',
      names,
      values,
      conflict: { code: 'STALE_VERSION', message: `版本 ${header.version} 正由他人发布，请刷新后重试` },
    })
    .log({ action: 'catalog.version_reserved', targetType: 'CatalogVersion', targetId: String(header.version), after: { basedOn, itemCount: items.length }, countyCode: 'province' })
    .commit();

  const CHUNK = 90;
  for (let i = 0; i < items.length; i += CHUNK) {
    const tx = new Tx(ctx);
    for (const item of items.slice(i, i + CHUNK)) tx.put(CatalogItem.item(item), { overwrite: true });
    tx.log({ action: 'catalog.version_items_written', targetType: 'CatalogVersion', targetId: String(header.version), after: { from: i, count: Math.min(CHUNK, items.length - i) }, countyCode: 'province' });
    await tx.commit();
  }

  const published: CatalogVersionAttrs = { ...header, status: 'published', reservedBy: ctx.requestId, reservedAt: at, publishedAt: at };
  const current: CatalogCurrentAttrs = {
    version: header.version,
    publishedAt: at,
    publishedBy: header.publishedBy,
    itemCount: header.itemCount,
    ...(header.note ? { note: header.note } : {}),
  };
  await new Tx(ctx)
    .update(CatalogVersion.key({ version: header.version }), 'SET #st = :published, publishedAt = :at', {
      condition: '#st = :writing AND reservedBy = :rid',
      names: { '#st': 'status' },
      values: { ':published': 'published', ':writing': 'writing', ':rid': ctx.requestId, ':at': at },
      conflict: { code: 'STALE_VERSION', message: `版本 ${header.version} 的发布已被他人接管` },
    })
    // CatalogCurrent's `version` is the catalogue version: replace() asserts it is still `basedOn`
    // and stores basedOn + 1, which is this version.
    .replace(CatalogCurrent.item({ ...current, version: basedOn }), basedOn, {
      conflict: { code: 'STALE_VERSION', message: `当前目录已不是版本 ${basedOn}，请刷新后重试` },
    })
    .log({ action: 'catalog.version_published', targetType: 'CatalogVersion', targetId: String(header.version), before: { version: basedOn }, after: published, countyCode: 'province' })
    .commit();
  return published;
}
