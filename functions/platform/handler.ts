import { domainHandler, RawReply } from '../../shared/http/pipeline';
import { buildOpenApi } from '../../shared/http/openapi';
import { config } from '../../shared/config';
import { DOMAIN_APIS } from '../routes';
import { platformApi } from './api';

let doc: string | undefined;

export const handler = domainHandler(platformApi, {
  health: async () => ({ status: 'ok' as const }),
  openapi: async () => {
    // Built on first request, not at module load: keeps cold start small for /health.
    doc ??= JSON.stringify(buildOpenApi(DOMAIN_APIS, { includeLocalOnly: config().localMode }));
    return new RawReply(200, doc, { 'content-type': 'application/json; charset=utf-8' });
  },
});
