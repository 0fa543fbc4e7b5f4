import { strip } from '../../shared/db/store';
import { BadRequest, Conflict, NotFound, badField } from '../../shared/http/errors';
import { requireLevel, requireRole, requireStaff, requireWriter } from '../../shared/security/authorize';
import { isoShanghai } from '../../shared/clock';
import type { RequestCtx } from '../../shared/http/context';
import { findRegion, regionChildren } from '../../shared/regions';
import type { CatalogItemAttrs, CatalogVersionAttrs } from '../../shared/db/entities';
import { currentVersion, forgetCurrentVersion, getVersion, itemsOfVersion, publishedItems, readCurrent, versionsPage, writeVersion } from './store';
import { applyChanges, duplicateCodes, structureDeviations } from './rules';

export function viewItem(i: CatalogItemAttrs) {
  const { code, version, group, category, nameZh, nameEn, review, timeLimitWorkingDays, channels, materials, legalBasis, procedure, fees, complaintPhone } = i;
  // K3 (四公开): procedure, legal basis, fees and where to complain are public too, when the version states them.
  return {
    code, version, group, category, nameZh, nameEn, review, needsReview: review !== 'none', timeLimitWorkingDays, channels, materials,
    ...(legalBasis ? { legalBasis } : {}),
    ...(procedure ? { procedure } : {}),
    ...(fees ? { fees } : {}),
    ...(complaintPhone ? { complaintPhone } : {}),
  };
}

export async function getRegion(code: string) {
  const region = await findRegion(code);
  if (!region) throw new NotFound(`区划 ${code} 不存在`, 'REGION_NOT_FOUND');
  const children = await regionChildren(code);
  return {
    ...strip(region as unknown as Record<string, unknown>),
    children: children.map((c) => ({ code: c.code, name: c.name, level: c.level })),
  };
}

/**
 * The current version's items, paged like every list. The cursor names the version and the
 * offset: once a new version is published, an old cursor is 400 (the list it paged is gone).
 */
export async function listCatalogItems(ctx: RequestCtx, category?: string, page: { limit: number; cursor?: string } = { limit: 50 }) {
  const version = await currentVersion(ctx.now.getTime());
  const items = (await publishedItems(version)).filter((i) => !category || i.category === category || i.group === category);
  let from = 0;
  if (page.cursor !== undefined) {
    const m = /^v(\d{1,9})o(\d{1,6})$/.exec(Buffer.from(page.cursor, 'base64url').toString('utf8'));
    if (!m || Number(m[1]) !== version || Number(m[2]) > items.length) throw badField('cursor', '无效的分页游标');
    from = Number(m[2]);
  }
  const to = from + page.limit;
  return {
    items: items.slice(from, to).map(viewItem),
    nextCursor: to < items.length ? Buffer.from(`v${version}o${to}`, 'utf8').toString('base64url') : null,
  };
}

export async function getCatalogItem(ctx: RequestCtx, code: string) {
  const item = (await publishedItems(await currentVersion(ctx.now.getTime()))).find((i) => i.code === code);
  if (!item) throw new NotFound(`事项 ${code} 不在当前目录中`, 'ITEM_NOT_FOUND');
  return viewItem(item);
}

// ── catalogue versions (K1–K3)

type ItemInput = Omit<CatalogItemAttrs, 'version'>;
interface PublishBody {
  basedOn?: number;
  note?: string;
  overrideReason?: string;
  items?: ItemInput[];
  add?: ItemInput[];
  change?: (Partial<ItemInput> & { code: string })[];
  retire?: string[];
}

const comparable = (i: Partial<CatalogItemAttrs>) => {
  const { version: _v, ...rest } = i as CatalogItemAttrs & Record<string, unknown>;
  void _v;
  for (const k of ['pk', 'sk', 'entity']) delete (rest as Record<string, unknown>)[k];
  return JSON.stringify(Object.keys(rest).sort().map((k) => [k, (rest as Record<string, unknown>)[k]]));
};

function viewVersion(v: CatalogVersionAttrs, currentNo: number) {
  const { version, publishedAt, publishedBy, itemCount, note, overrideReason, basedOn, added, changed, retired } = v;
  return {
    version,
    status: v.status ?? 'published',
    publishedAt,
    publishedBy,
    itemCount,
    ...(note ? { note } : {}),
    ...(overrideReason ? { overrideReason } : {}),
    ...(basedOn ? { basedOn, added, changed, retired } : {}),
    current: version === currentNo,
  };
}

/**
 * K1: the province business admin publishes the next version — a whole list or changes
 * (add, change, retire) to the current one. A version that leaves the 40-item structure is
 * refused unless an override reason says it is meant. Cases keep the version they were
 * accepted under: older versions' items stay where they are, readable by version.
 */
export async function publishCatalogVersion(ctx: RequestCtx, body: PublishBody) {
  const p = requireStaff(ctx);
  requireWriter(p);
  requireRole(p, 'biz_admin');
  requireLevel(p, 'province');
  const head = await readCurrent();
  if (!head) throw new Error('catalogue not seeded');
  if (body.basedOn !== undefined && body.basedOn !== head.version) {
    throw new Conflict(`当前目录是版本 ${head.version}，不是 ${body.basedOn}`, 'STALE_VERSION', { currentVersion: head.version });
  }
  const currentItems = await itemsOfVersion(head.version);
  const toInput = (i: CatalogItemAttrs): ItemInput => JSON.parse(comparableObject(i)) as ItemInput;
  const base = currentItems.map(toInput);
  const { items, problems } = body.items
    ? { items: [...body.items].sort((a, b) => a.code.localeCompare(b.code)), problems: duplicateCodes(body.items) }
    : applyChanges<ItemInput>(base, { add: body.add, change: body.change, retire: body.retire });
  if (problems.length) throw new BadRequest(problems.map((x) => `${x.field}: ${x.message}`).join('; '), problems);

  const before = new Map(base.map((i) => [i.code, i]));
  const after = new Map(items.map((i) => [i.code, i]));
  const added = items.filter((i) => !before.has(i.code)).map((i) => i.code);
  const retired = base.filter((i) => !after.has(i.code)).map((i) => i.code);
  const changed = items.filter((i) => before.has(i.code) && comparable(before.get(i.code)!) !== comparable(i)).map((i) => i.code);
  if (added.length + retired.length + changed.length === 0) {
    throw new BadRequest('新版本与当前版本相同', [{ field: 'body', message: '没有任何变更' }], 'NO_CHANGES');
  }
  const deviations = structureDeviations(items);
  if (deviations.length && !body.overrideReason) {
    throw new BadRequest(
      `新版本不符合 40 项结构（${deviations.join('；')}）；如确需调整，请填写 overrideReason`,
      [{ field: 'body.overrideReason', message: '改变 40 项结构须说明理由' }, ...deviations.map((d) => ({ field: 'body.items', message: d }))],
      'CATALOG_STRUCTURE_CHANGED',
    );
  }
  const version = head.version + 1;
  const header = {
    version,
    publishedBy: p.accountId,
    itemCount: items.length,
    ...(body.note ? { note: body.note } : {}),
    ...(deviations.length && body.overrideReason ? { overrideReason: body.overrideReason } : {}),
    basedOn: head.version,
    added,
    changed,
    retired,
  };
  try {
    const published = await writeVersion(ctx, header, items.map((i) => ({ ...i, version })), head.version, isoShanghai);
    return viewVersion(published, version);
  } finally {
    // This process's cache must not serve the old version for the rest of its 30 s.
    forgetCurrentVersion();
  }
}

function comparableObject(i: CatalogItemAttrs): string {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(i)) if (!['pk', 'sk', 'entity', 'version'].includes(k) && !/^gsi\d/.test(k)) out[k] = v;
  return JSON.stringify(out);
}

export async function listCatalogVersions(ctx: RequestCtx, q: { limit: number; cursor?: string }) {
  requireStaff(ctx);
  const [page, head] = await Promise.all([versionsPage(q.limit, q.cursor), readCurrent()]);
  return { items: page.items.map((v) => viewVersion(v, head?.version ?? 0)), nextCursor: page.nextCursor };
}

export async function getCatalogVersion(ctx: RequestCtx, version: number) {
  requireStaff(ctx);
  const [header, head] = await Promise.all([getVersion(version), readCurrent()]);
  if (!header || (header.status ?? 'published') !== 'published') throw new NotFound(`目录版本 ${version} 不存在`, 'VERSION_NOT_FOUND');
  const items = await itemsOfVersion(version);
  return { ...viewVersion(header, head?.version ?? 0), items: items.map(viewItem) };
}
