import fc from 'fast-check';
import * as z from 'zod';
import type { RouteSpec } from '../../shared/http/route';

/**
 * Request generators derived from a route's own zod schemas (via JSON Schema), and the ways to
 * break them. What is generated first is plausible input; every breaker makes it invalid.
 */
type Js = {
  type?: string | string[];
  properties?: Record<string, Js>;
  required?: string[];
  items?: Js;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: Js[];
  oneOf?: Js[];
  examples?: unknown[];
  example?: unknown;
};

export function jsonSchemaOf(schema: z.ZodType): Js {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Js;
}

export function plausible(js: Js, depth = 0): fc.Arbitrary<unknown> {
  if (js.const !== undefined) return fc.constant(js.const);
  if (js.enum) return fc.constantFrom(...js.enum);
  if (js.example !== undefined) return fc.constant(js.example);
  if (js.examples?.length) return fc.constantFrom(...js.examples);
  const alts = js.anyOf ?? js.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => plausible(a, depth)));
  const type = Array.isArray(js.type) ? js.type[0] : js.type;
  switch (type) {
    case 'string':
      if (js.pattern) {
        try {
          return fc.stringMatching(new RegExp(js.pattern)).filter((s) => s.length <= (js.maxLength ?? 10_000) && s.length >= (js.minLength ?? 0));
        } catch {
          return fc.string();
        }
      }
      return fc.string({ minLength: js.minLength ?? 1, maxLength: Math.min(js.maxLength ?? 20, 40) });
    case 'integer':
      return fc.integer({ min: Math.max(js.minimum ?? -1000, -1_000_000), max: Math.min(js.maximum ?? 1000, 1_000_000) });
    case 'number':
      return fc.double({ min: Math.max(js.minimum ?? -1000, -1e6), max: Math.min(js.maximum ?? 1000, 1e6), noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(plausible(js.items ?? {}, depth + 1), { maxLength: 3 });
    case 'object': {
      if (depth > 4) return fc.constant({});
      const props = js.properties ?? {};
      const required = new Set(js.required ?? []);
      const entries = Object.entries(props);
      if (entries.length === 0) return fc.constant({});
      return fc.record(Object.fromEntries(entries.map(([k, v]) => [k, plausible(v, depth + 1)])), {
        requiredKeys: entries.map(([k]) => k).filter((k) => required.has(k)),
      });
    }
    default:
      return fc.oneof(fc.string(), fc.integer(), fc.boolean());
  }
}

const deep = (n: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
};

export const NASTY_STRINGS = [
  "' OR '1'='1' --",
  '"; DROP TABLE jiujinban; --',
  '<script>alert(1)</script>',
  '{{constructor.constructor("return process")()}}',
  '../../etc/passwd',
  '\u0000\u0001\u0002',
  '\uD800',
  'ＡＢＣ１２３'.repeat(50),
  'x'.repeat(5000),
  '9999-12-31',
  '0000-00-00',
  '140000197508080018', // bad check digit
  '__proto__',
];
export const NASTY_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  2 ** 53 + 1,
  -(2 ** 53) - 1,
  1e308,
  -0.5,
  [],
  {},
  [[[[[]]]]],
  deep(200),
  { __proto__: { admin: true } },
  ...NASTY_STRINGS,
];

/** A body that is certainly invalid for an object schema with required keys or strict keys. */
/**
 * Broken bodies; `certain` says the body is invalid whatever the route (a nasty value in a
 * string field may still be a valid string, so it need not be refused — only never a 5xx).
 */
export function brokenBody(js: Js): fc.Arbitrary<{ how: string; value: unknown; certain: boolean }> {
  const props = Object.keys(js.properties ?? {});
  const required = js.required ?? [];
  const base = plausible(js) as fc.Arbitrary<Record<string, unknown>>;
  const options: fc.Arbitrary<{ how: string; value: unknown; certain: boolean }>[] = [
    fc.constantFrom<unknown>([], 'text', 42, null, true).map((value) => ({ how: 'not an object', value, certain: true })),
    base.map((b) => ({ how: 'extra field', value: { ...(b as object), zzUnknownField: 'x' }, certain: true })),
    base.map((b) => ({ how: 'deep nesting', value: { ...(b as object), zzDeep: deep(500) }, certain: true })),
  ];
  if (required.length) {
    options.push(
      fc.tuple(base, fc.constantFrom(...required)).map(([b, k]) => {
        const copy = { ...(b as object) } as Record<string, unknown>;
        delete copy[k];
        return { how: `missing ${k}`, value: copy, certain: true };
      }),
    );
  }
  if (props.length) {
    options.push(
      fc.tuple(base, fc.constantFrom(...props), fc.constantFrom(...NASTY_VALUES)).map(([b, k, v]) => ({
        how: `${k} = ${JSON.stringify(v)?.slice(0, 40)}`,
        value: { ...(b as object), [k]: v },
        certain: false,
      })),
    );
  }
  return fc.oneof(...options);
}

export function brokenPathValue(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...NASTY_STRINGS.filter((s) => s.length < 200)),
    fc.string({ minLength: 1, maxLength: 300 }),
    fc.constantFrom('%00', '%ff', '..%2f..', ' ', '00000000000000000000000000', 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ'),
  );
}

export function brokenQuery(spec: RouteSpec): fc.Arbitrary<Record<string, string>> {
  const keys = spec.query ? Object.keys(jsonSchemaOf(spec.query).properties ?? {}) : [];
  const key = keys.length ? fc.oneof(fc.constantFrom(...keys), fc.constant('zzUnknown')) : fc.constant('zzUnknown');
  return fc.dictionary(key, fc.oneof(fc.constantFrom(...NASTY_STRINGS.filter((s) => s.length < 500)), fc.constantFrom('-1', '0', '201', '1e9', 'NaN', '')), {
    minKeys: 1,
    maxKeys: 3,
  });
}
