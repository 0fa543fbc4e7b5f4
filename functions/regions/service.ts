import type { RequestCtx } from '../../shared/http/context';
import { requireAdminRole, requireLevel, requireStaff } from '../../shared/security/authorize';
import { importRegions } from './import';

/** Only the province system admin loads regions: the tree is the province's. */
export async function importRegionsOverHttp(ctx: RequestCtx, body: { csv: string }) {
  const p = requireStaff(ctx);
  requireAdminRole(p, 'sys_admin');
  requireLevel(p, 'province');
  return importRegions(ctx, body.csv);
}
