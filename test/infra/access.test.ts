import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { DOMAIN_APIS } from '../../functions/routes';
import { authorizerAccess } from '../../functions/auth/api';
import type { FunctionAccess } from '../../shared/http/route';

/**
 * Each function's declared access (functions/<domain>/api.ts) against what its code really uses:
 * the function is bundled as deployed and esbuild's metafile says which modules kept code in the
 * bundle. A module that needs a grant and is used without it fails here, and so does a grant
 * whose module is never used (the grant is then more than the code needs).
 */
const ROOT = resolve(import.meta.dirname, '../..');

interface Used {
  pii: boolean;
  blindIndex: boolean;
  sessionKeys: boolean;
  tableWrite: boolean;
  tableRead: boolean;
}

async function used(entry: string, exportName?: string): Promise<Used> {
  const r = await build({
    ...(exportName
      ? { stdin: { contents: `export { ${exportName} } from ${JSON.stringify(entry)};`, resolveDir: ROOT, loader: 'ts' as const } }
      : { entryPoints: [entry] }),
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    metafile: true,
    outfile: join(ROOT, 'node_modules', '.cache', 'access-probe.mjs'),
    minify: true,
    mainFields: ['module', 'main'],
    logLevel: 'error',
  });
  const inputs = Object.values(r.metafile.outputs).find((o) => o.entryPoint !== undefined || exportName)!.inputs;
  const kept = (suffix: string) => Object.entries(inputs).some(([k, v]) => k.endsWith(suffix) && v.bytesInOutput > 0);
  return {
    pii: kept('shared/security/data-keys.ts'),
    blindIndex: kept('shared/security/blind-index.ts'),
    sessionKeys: kept('shared/security/signing-keys.ts'),
    tableWrite: kept('shared/db/tx.ts') || kept('functions/auth/service.ts'),
    tableRead: kept('shared/db/client.ts') && (kept('shared/db/store.ts') || kept('shared/db/tx.ts')),
  };
}

function expectMatches(name: string, declared: FunctionAccess, u: Used): void {
  expect({ name, pii: Boolean(declared.pii), blindIndex: Boolean(declared.blindIndex), sessionKeys: Boolean(declared.sessionKeys) }).toEqual({
    name,
    pii: u.pii,
    blindIndex: u.blindIndex,
    sessionKeys: u.sessionKeys,
  });
  if (u.tableWrite) expect(declared.table, `${name} writes the table`).toBe('readWrite');
  else if (u.tableRead) expect(declared.table, `${name} reads the table`).not.toBe('none');
  else expect(declared.table, `${name} never touches the table`).toBe('none');
}

describe('declared access = what the code uses', () => {
  for (const api of DOMAIN_APIS) {
    it(`${api.domain} API function`, { timeout: 60_000 }, async () => {
      // Prepare + Act
      const u = await used(join(ROOT, 'functions', api.domain, 'handler.ts'));
      // Assess
      expectMatches(api.domain, api.access, u);
    });
    for (const [exportName, access] of Object.entries(api.jobs ?? {})) {
      it(`${api.domain} job ${exportName}`, { timeout: 60_000 }, async () => {
        const u = await used(join(ROOT, 'functions', api.domain, 'jobs.ts'), exportName);
        expectMatches(`${api.domain}.${exportName}`, access, u);
      });
    }
  }

  it('the authorizer: only the session-signing keys, never the PII key or the blind index', { timeout: 60_000 }, async () => {
    const u = await used(join(ROOT, 'functions', 'auth', 'authorizer.ts'));
    expectMatches('authorizer', authorizerAccess, u);
    expect(u).toMatchObject({ pii: false, blindIndex: false, sessionKeys: true });
  });

  it('the probe is not vacuous: cases seals and looks people up, catalog does neither', { timeout: 60_000 }, async () => {
    const cases = await used(join(ROOT, 'functions', 'cases', 'handler.ts'));
    const catalog = await used(join(ROOT, 'functions', 'catalog', 'handler.ts'));
    expect(cases).toMatchObject({ pii: true, blindIndex: true, tableWrite: true });
    expect(catalog).toMatchObject({ pii: false, blindIndex: false, sessionKeys: false });
  });
});
