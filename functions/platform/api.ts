import * as z from 'zod';
import { defineApi, route } from '../../shared/http/route';

export const platformApi = defineApi('platform', {
  health: route({
    method: 'GET',
    path: '/health',
    auth: 'public',
    summary: '健康检查；deep=1 时读取一次数据表（不可达为 503 SERVICE_UNAVAILABLE）',
    query: z.strictObject({ deep: z.enum(['0', '1']).optional() }),
    response: z.object({ status: z.literal('ok'), table: z.literal('ok').optional() }),
  }),
  openapi: route({
    method: 'GET',
    path: '/openapi.json',
    auth: 'public',
    summary: '本接口的 OpenAPI 3.1 文档（由校验请求的同一组 zod 模式生成）',
  }),
},
  // /health?deep=1 reads the table. The pipeline carries the Idempotency-Key writer (Tx) into every
  // bundle, so the access probe counts a write here although no platform route writes.
  { table: 'readWrite' },
);
