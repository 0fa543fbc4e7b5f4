import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { DomainApi } from './route';
import * as z from 'zod';
import { errorEnvelope } from './schemas';
import { honoursIdempotencyKey } from './route';
import { EXPORT_MAX_ROWS, XLSX_TYPE, listItemSchema } from './export';

/** OpenAPI 3.1 from the same zod schemas that validate requests. */
export function buildOpenApi(apis: DomainApi[], opts: { includeLocalOnly: boolean }) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorEnvelope } } });
  for (const api of apis) {
    for (const [operationId, spec] of Object.entries(api.routes)) {
      if (spec.localOnly && !opts.includeLocalOnly) continue;
      const status = spec.status ?? 200;
      registry.registerPath({
        method: spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete',
        path: spec.path,
        operationId,
        tags: [api.domain],
        summary: spec.summary,
        // Explicit either way: public routes say they need nothing, the rest need the session token.
        security: spec.auth === 'public' ? [] : [{ bearer: [] }],
        // List routes also answer XLSX (shared/http/export.ts). Said as an extension, not as a second
        // 200 content type, so typed clients keep the JSON reply type of the list.
        ...(spec.auth !== 'public' && listItemSchema(spec) ? { 'x-xlsx-export': { accept: XLSX_TYPE, maxRows: EXPORT_MAX_ROWS, headers: 'zh-CN', personalData: 'masked' } } : {}),
        request: {
          ...(spec.params ? { params: spec.params as never } : {}),
          ...(spec.query ? { query: spec.query as never } : {}),
          ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } } } } : {}),
          ...(honoursIdempotencyKey(spec)
            ? { headers: z.object({ 'idempotency-key': z.string().min(8).max(128).optional().meta({ description: '重试返回首次结果' }) }) }
            : {}),
        },
        responses: {
          [status]: {
            description: 'OK',
            content: {
              'application/json': { schema: spec.response ?? { type: 'object' } },
              ...Object.fromEntries((spec.produces ?? []).map((t) => [t, { schema: { type: 'string' } }])),
            },
          },
          400: errorResponse('invalid input; every bad field is named in details'),
          ...(spec.auth === 'public' ? {} : { 401: errorResponse('no or bad token'), 403: errorResponse('not allowed') }),
          404: errorResponse('unknown or out of scope'),
          409: errorResponse('state conflict'),
          413: errorResponse('body too large'),
          429: errorResponse('throttled'),
        },
      });
    }
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: '就近办 jiujinban API',
      version: '1.0.0',
      description: 'Grassroots employment and social-security service platform (Shanxi, Pu County first).',
      license: { name: 'Proprietary — Shanxi HR and Social Security', identifier: 'LicenseRef-Proprietary' },
    },
    security: [{ bearer: [] }],
    servers: [{ url: '/' }],
  });
}
