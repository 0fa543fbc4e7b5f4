import type { BenchEnv } from './harness';
import { CASE_OPS } from './cases';

/**
 * The operations the bench measures. Each prepares what it needs once, then `run` is timed.
 * Domains add their operations here as they land.
 */
export interface BenchOp {
  name: string;
  kind: 'read' | 'write';
  prepare: (env: BenchEnv) => Promise<() => Promise<{ status: number; body: any }>>;
  expect: number;
}

export const OPS: BenchOp[] = [
  {
    name: 'public catalogue (40 items)',
    kind: 'read',
    expect: 200,
    prepare: async (env) => () => env.request('GET', '/public/catalog/items'),
  },
  {
    name: 'who am I (/me, authorizer + session)',
    kind: 'read',
    expect: 200,
    prepare: async (env) => {
      const token = await env.login(process.env.LOCAL_BOOTSTRAP_SYSADMIN_ID ?? '140000197508080017');
      return () => env.request('GET', '/me', { token });
    },
  },
  {
    name: 'start QR login (one Tx)',
    kind: 'write',
    expect: 201,
    prepare: async (env) => () => env.request('POST', '/auth/qr-sessions'),
  },
  ...CASE_OPS,
];
