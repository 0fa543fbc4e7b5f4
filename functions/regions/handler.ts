import { domainHandler } from '../../shared/http/pipeline';
import { regionsApi } from './api';
import { importRegionsOverHttp } from './service';

export const handler = domainHandler(regionsApi, {
  importRegions: ({ ctx, body }) => importRegionsOverHttp(ctx, body),
});
