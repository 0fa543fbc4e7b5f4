import { z } from 'zod';
import { defineApi, route } from '../../shared/http/route';
import { listOf, regionCode } from '../../shared/http/schemas';
import { CatalogItemView, RegionView } from './schemas';

export const catalogApi = defineApi('catalog', {
  getRegion: route({
    method: 'GET',
    path: '/public/regions/{code}',
    auth: 'public',
    summary: '区划及其下级',
    params: z.strictObject({ code: regionCode }),
    response: RegionView,
  }),
  listCatalogItems: route({
    method: 'GET',
    path: '/public/catalog/items',
    auth: 'public',
    summary: '当前版本服务事项目录（40项），可按类别筛选',
    query: z.strictObject({
      category: z.string().regex(/^[a-z_]{2,40}$/, { message: '类别代码由小写字母和下划线组成' }).optional(),
    }),
    response: listOf(CatalogItemView),
  }),
  getCatalogItem: route({
    method: 'GET',
    path: '/public/catalog/items/{code}',
    auth: 'public',
    summary: '单个服务事项：渠道、是否审核、办结时限、一次性告知材料',
    params: z.strictObject({ code: z.string().regex(/^[A-Z]\d{2,3}$/, { message: '事项代码如 S01' }) }),
    response: CatalogItemView,
  }),
});
