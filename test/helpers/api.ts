import { compileRoutes, startLocalApi, type LocalApi } from '../../infra/local/server';
import { config } from '../../shared/config';
import { Tx } from '../../shared/db/tx';
import { getItem } from '../../shared/db/store';
import { systemCtx } from '../../shared/http/context';
import { bootstrapAccountItems } from '../../shared/seed/seed';
import { findRegion } from '../../shared/regions';
import { idCheckDigit } from '../../shared/security/pii';
import type { AccountAttrs, Role } from '../../shared/db/entities';

/** The local API server in process, on a free port, for HTTP-level tests. */
export interface TestApi {
  url: string;
  call: (method: string, path: string, opts?: CallOpts) => Promise<{ status: number; body: any; headers: Headers; text: string }>;
  login: (idNumber: string) => Promise<string>;
  close: () => Promise<void>;
}
export interface CallOpts {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Every successful JSON reply is checked against the route's declared response schema (the OpenAPI contract). */
const declared = compileRoutes();
function checkContract(method: string, path: string, status: number, body: unknown): void {
  if (status < 200 || status >= 300 || body === undefined) return;
  const url = new URL(path, 'http://x');
  const route = declared.find((r) => r.spec.method === method && r.regex.test(url.pathname));
  if (!route?.spec.response) return;
  const r = route.spec.response.safeParse(body);
  if (!r.success) {
    throw new Error(`${method} ${path} → ${status}: reply does not match its declared schema: ${r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
}

export async function startTestApi(opts: { serveConsole?: boolean } = {}): Promise<TestApi> {
  const api: LocalApi = await startLocalApi({ port: 0, ...(opts.serveConsole ? { serveConsole: true } : {}) });
  const call: TestApi['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${api.url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if ((res.headers.get('content-type') ?? '').startsWith('application/json')) checkContract(method, path, res.status, parsed);
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
  const login = async (idNumber: string): Promise<string> => {
    const start = await call('POST', '/auth/qr-sessions');
    const scan = await call('POST', '/dev/card-scan', { body: { sessionId: start.body.sessionId, idNumber } });
    if (scan.status !== 200) throw new Error(`card scan failed: ${scan.status} ${scan.text}`);
    const poll = await call('GET', `/auth/qr-sessions/${start.body.sessionId}`);
    if (!poll.body?.token) throw new Error(`no token: ${poll.text}`);
    return poll.body.token as string;
  };
  return { url: api.url, call, login, close: api.close };
}

let serial = 0;
/** A valid, unique ID number (GB 11643 check digit) for test people. */
export function testIdNumber(birth = '19800101', regionPrefix = '141033'): string {
  serial += 1;
  const seq = String((process.pid * 7 + serial) % 1000).padStart(3, '0');
  const first17 = `${regionPrefix}${birth}${seq}`;
  return `${first17}${idCheckDigit(first17)}`;
}
let phoneSerial = 0;
export function testPhone(): string {
  phoneSerial += 1;
  return `139${String((process.pid * 100 + phoneSerial) % 100_000_000).padStart(8, '0')}`;
}

/**
 * Writes a staff account straight into the table (as the accounts domain would after an
 * approved request), for tests of other domains.
 */
export async function createStaff(opts: { roles: Role[]; regionCode: string; pointId?: string; name?: string; idNumber?: string }) {
  const region = await findRegion(opts.regionCode);
  if (!region) throw new Error(`no region ${opts.regionCode}`);
  const idNumber = opts.idNumber ?? testIdNumber();
  const now = new Date();
  const { account, person } = await bootstrapAccountItems(
    { name: opts.name ?? `测试${opts.roles.join('+')}`, idNumber, phone: testPhone(), regionCode: opts.regionCode, roles: opts.roles },
    region.path,
    now,
  );
  const withPoint = opts.pointId ? { ...account, pointId: opts.pointId } : account;
  await new Tx(systemCtx('test', now))
    .put(withPoint)
    .put(person)
    .log({ action: 'test.account_created', targetType: 'Account', targetId: account.id })
    .commit();
  return { account: (await getItem<AccountAttrs>({ pk: account.pk, sk: account.sk }, true))!, idNumber };
}

/** The ID number of a new staff account with these roles, in this region (and at this point) — to log in as. */
export async function staffIdNumber(roles: Role[], regionCode: string, pointId?: string): Promise<string> {
  return (await createStaff({ roles, regionCode, ...(pointId ? { pointId } : {}) })).idNumber;
}

export const BOOTSTRAP = {
  sysAdmin: () => config().bootstrapSysAdminId,
  bizAdmin: () => config().bootstrapBizAdminId,
};
