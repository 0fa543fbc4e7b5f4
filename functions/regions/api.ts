import * as z from 'zod';
import { defineApi, route } from '../../shared/http/route';

/** Regions beyond the seed's county: the province loads its tree (functions/regions/import.ts). */
export const ImportRegionsBody = z.strictObject({
  csv: z.string().min(1, { message: '不能为空' }).meta({ description: 'code,name,level,parent_code,note（与种子区划文件同格式）' }),
});
export const ImportSummaryView = z
  .object({ rows: z.number(), added: z.number(), updated: z.number(), unchanged: z.number(), pointsPlanned: z.number(), transactions: z.number() })
  .meta({ id: 'RegionImportSummary' });

export const regionsApi = defineApi('regions', {
  importRegions: route({
    method: 'POST',
    path: '/regions/import',
    auth: 'staff',
    summary: '导入区划（省级系统管理员）：CSV 与种子区划文件同格式；整体校验（代码、上级、层级、无环）后写入，幂等，逐批记日志；新村（社区）同时规划服务点',
    body: ImportRegionsBody,
    response: ImportSummaryView,
  }),
},
  // Regions and the planned points an import adds: no personal data.
  { table: 'readWrite' },
);
