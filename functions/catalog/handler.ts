import { domainHandler } from '../../shared/http/pipeline';
import { catalogApi } from './api';
import * as catalog from './service';

export const handler = domainHandler(catalogApi, {
  getRegion: ({ params }) => catalog.getRegion(params.code),
  listCatalogItems: ({ ctx, query }) => catalog.listCatalogItems(ctx, query.category),
  getCatalogItem: ({ ctx, params }) => catalog.getCatalogItem(ctx, params.code),
});
