import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DOMAIN_APIS } from '../../functions/routes';
import type { RouteSpec } from '../../shared/http/route';
import { prepareTable, tableSnapshot } from '../helpers/table';
import { startTestApi, testIdNumber, BOOTSTRAP, type TestApi } from '../helpers/api';
import { brokenBody, brokenPathValue, brokenQuery, jsonSchemaOf } from './arbitraries';

/**
 * Every route of every domain, driven with input generated from its own schemas and then broken:
 * the answer is never 5xx, a refusal carries the error envelope, and a refused request writes
 * nothing (the table is compared before and after).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
let api: TestApi;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
  tokens.staff = await api.login(BOOTSTRAP.sysAdmin());
  tokens.citizen = await api.login(testIdNumber('19700101'));
});
afterAll(async () => api?.close());

const routes = DOMAIN_APIS.flatMap((a) => Object.entries(a.routes).map(([op, spec]) => ({ op, spec: spec as RouteSpec })));

/** Percent-encodes a path value; a lone surrogate becomes the invalid UTF-8 it would be on the wire. */
function encodeSegment(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
}

function fillPath(spec: RouteSpec, value: (name: string) => string): string {
  return spec.path.replace(/\{(\w+)\}/g, (_m, n: string) => encodeSegment(value(n)));
}

async function tokenFor(spec: RouteSpec): Promise<string | undefined> {
  if (spec.auth === 'public') return undefined;
  if (spec.auth === 'citizen') return tokens.citizen;
  // Logout would end the shared session: give such routes a session of their own.
  if (spec.path === '/auth/logout') return api.login(BOOTSTRAP.sysAdmin());
  return tokens.staff;
}

function assessRefusal(res: { status: number; body: any; text: string }, label: string): void {
  expect(res.status, `${label} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    expect(typeof res.body?.error?.code, `${label}: envelope`).toBe('string');
    expect(typeof res.body?.error?.message, `${label}: envelope`).toBe('string');
  }
}

describe.each(routes)('$spec.method $spec.path ($op)', ({ spec }) => {
  it('never answers 5xx to broken bodies, paths or queries, and refusals write nothing', async () => {
    const token = await tokenFor(spec);
    const pathValue = (n: string) => (n === 'code' ? '141033000000' : `01J0000000000000000000000${n.length % 10}`);
    const cases: fc.Arbitrary<{ path: string; query: string; body?: unknown; raw?: string; how: string; mustRefuse: boolean }>[] = [
      fc.tuple(brokenPathValue()).map(([v]) => ({ path: fillPath(spec, () => v), query: '', how: `path=${v.slice(0, 30)}`, mustRefuse: false })),
      brokenQuery(spec).map((q) => ({
        path: fillPath(spec, pathValue),
        query: `?${new URLSearchParams(q).toString()}`,
        how: `query ${JSON.stringify(q).slice(0, 60)}`,
        mustRefuse: !spec.query || Object.keys(q).includes('zzUnknown'),
      })),
    ];
    if (spec.body) {
      const js = jsonSchemaOf(spec.body);
      cases.push(brokenBody(js).map((b) => ({ path: fillPath(spec, pathValue), query: '', body: b.value, how: b.how, mustRefuse: b.certain })));
      cases.push(
        fc.constantFrom('{"a":', '\u0000', '[1,2', '{"x": 1e999999}', '{"__proto__": {"a": 1}}').map((raw) => ({
          path: fillPath(spec, pathValue),
          query: '',
          raw,
          how: `raw ${raw}`,
          mustRefuse: true,
        })),
      );
    }
    const sample = fc.sample(fc.oneof(...cases), { numRuns: RUNS, seed: 20261129 });
    const before = await tableSnapshot();
    let refusedOnly = true;
    for (const c of sample) {
      const res = await api.call(spec.method, `${c.path}${c.query}`, {
        token,
        ...(c.raw !== undefined ? { rawBody: c.raw, headers: { 'content-type': 'application/json' } } : c.body !== undefined ? { body: c.body } : {}),
      });
      const label = `${spec.method} ${c.path}${c.query} [${c.how}]`;
      assessRefusal(res, label);
      if (c.mustRefuse) expect(res.status, `${label} must be refused`).toBeGreaterThanOrEqual(400);
      if (res.status < 400) refusedOnly = false;
    }
    if (refusedOnly) expect(await tableSnapshot()).toEqual(before);
  });
});
