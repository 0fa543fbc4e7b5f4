import * as z from 'zod';
import { defineApi, route } from '../../shared/http/route';
import { listOf, pageQuery, regionCode } from '../../shared/http/schemas';
import { CatalogItemView, CatalogVersionView, publishVersionBody, RegionView } from './schemas';

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
    summary: '当前版本服务事项目录（40项），可按类别筛选；?limit=&cursor= 分页',
    query: z.strictObject({
      category: z.string().regex(/^[a-z_]{2,40}$/, { message: '类别代码由小写字母和下划线组成' }).optional(),
      ...pageQuery,
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
  publishCatalogVersion: route({
    method: 'POST',
    path: '/catalog/versions',
    auth: 'staff',
    status: 201,
    creates: true,
    summary: '发布服务事项目录新版本（省级业务管理员）：新增、修改、停用事项；改变 40 项结构须说明理由',
    body: publishVersionBody,
    response: CatalogVersionView,
  }),
  listCatalogVersions: route({
    method: 'GET',
    path: '/catalog/versions',
    auth: 'staff',
    summary: '目录版本历史（新的在前）',
    query: z.strictObject({ ...pageQuery }),
    response: listOf(CatalogVersionView),
  }),
  getCatalogVersion: route({
    method: 'GET',
    path: '/catalog/versions/{version}',
    auth: 'staff',
    summary: '某一版本及其全部事项（办件按受理时的版本查看）',
    params: z.strictObject({ version: z.coerce.number().int().min(1).max(999_999) }),
  }),
},
  // No personal data: never the PII key or any secret.
  { table: 'readWrite' },
);
