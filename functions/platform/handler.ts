import { domainHandler, RawReply } from '../../shared/http/pipeline';
import { buildOpenApi } from '../../shared/http/openapi';
import { config } from '../../shared/config';
import { getItem } from '../../shared/db/store';
import { HealthProbe } from '../../shared/db/entities';
import { DOMAIN_APIS } from '../routes';
import { platformApi } from './api';

let doc: string | undefined;

export const handler = domainHandler(platformApi, {
  // Shallow: the function answers. Deep: one strongly consistent GetItem on the table (a miss is
  // fine); an unreachable table throws and the pipeline answers 503 with Retry-After.
  health: async ({ query }) => {
    if (query.deep !== '1') return { status: 'ok' as const };
    await getItem(HealthProbe.key({}), true);
    return { status: 'ok' as const, table: 'ok' as const };
  },
  openapi: async () => {
    // Built on first request, not at module load: keeps cold start small for /health.
    doc ??= JSON.stringify(buildOpenApi(DOMAIN_APIS, { includeLocalOnly: config().localMode }));
    return new RawReply(200, doc, { 'content-type': 'application/json; charset=utf-8' });
  },
});
