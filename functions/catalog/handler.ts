import { domainHandler } from '../../shared/http/pipeline';
import { catalogApi } from './api';
import * as catalog from './service';

export const handler = domainHandler(catalogApi, {
  getRegion: ({ params }) => catalog.getRegion(params.code),
  listCatalogItems: ({ ctx, query }) => catalog.listCatalogItems(ctx, query.category, query),
  getCatalogItem: ({ ctx, params }) => catalog.getCatalogItem(ctx, params.code),
  publishCatalogVersion: ({ ctx, body }) => catalog.publishCatalogVersion(ctx, body as Exclude<typeof body, Record<string, never>>),
  listCatalogVersions: ({ ctx, query }) => catalog.listCatalogVersions(ctx, query as Exclude<typeof query, Record<string, never>>),
  getCatalogVersion: ({ ctx, params }) => catalog.getCatalogVersion(ctx, params.version),
});
