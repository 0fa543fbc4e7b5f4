import * as z from 'zod';
import { defineApi, route } from '../../shared/http/route';

export const platformApi = defineApi('platform', {
  health: route({
    method: 'GET',
    path: '/health',
    auth: 'public',
    summary: '健康检查',
    response: z.object({ status: z.literal('ok') }),
  }),
  openapi: route({
    method: 'GET',
    path: '/openapi.json',
    auth: 'public',
    summary: '本接口的 OpenAPI 3.1 文档（由校验请求的同一组 zod 模式生成）',
  }),
},
  // /health and /openapi.json touch no data.
  { table: 'none' },
);
