import { strip } from '../../shared/db/store';
import { NotFound } from '../../shared/http/errors';
import type { RequestCtx } from '../../shared/http/context';
import { findRegion, regionChildren } from '../../shared/regions';
import type { CatalogItemAttrs } from '../../shared/db/entities';
import { currentVersion, itemOfVersion, itemsOfVersion } from './store';

export function viewItem(i: CatalogItemAttrs) {
  const { code, version, group, category, nameZh, nameEn, review, timeLimitWorkingDays, channels, materials } = i;
  return { code, version, group, category, nameZh, nameEn, review, needsReview: review !== 'none', timeLimitWorkingDays, channels, materials };
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

export async function listCatalogItems(ctx: RequestCtx, category?: string) {
  const items = await itemsOfVersion(await currentVersion(ctx.now.getTime()));
  return {
    items: items.filter((i) => !category || i.category === category || i.group === category).map(viewItem),
    nextCursor: null,
  };
}

export async function getCatalogItem(ctx: RequestCtx, code: string) {
  const item = await itemOfVersion(await currentVersion(ctx.now.getTime()), code);
  if (!item) throw new NotFound(`事项 ${code} 不在当前目录中`, 'ITEM_NOT_FOUND');
  return viewItem(item);
}
