import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { createStaff } from '../../test/helpers/api';
import { resetConfig } from '../../shared/config';
import { getItem } from '../../shared/db/store';
import { ProblemFlowLease, type AccountAttrs, type ProblemFlowLeaseAttrs } from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import * as problems from '../../functions/problems/service';
import * as store from '../../functions/problems/store';
import { startLocalEscalation, type LocalEscalationRuntime } from './escalation';
import { flowLease } from './flow-lease';

/**
 * `npm start` stopped and started again: the escalation flows that were waiting are started
 * again from each problem's current level and deadline, once, however many runtimes start on the
 * table. One working day lasts 1 s, so the county's 3 days pass in 3 s.
 */
let filer: AccountAttrs;
const runtimes: LocalEscalationRuntime[] = [];

beforeAll(async () => {
  process.env.ESCALATION_WORKING_DAY_SECONDS = '1';
  resetConfig();
  await prepareTable();
  filer = (await createStaff({ roles: ['operator'], regionCode: '141033100201' })).account;
});
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.stop()));
});
afterAll(() => {
  delete process.env.ESCALATION_WORKING_DAY_SECONDS;
  resetConfig();
});

function filerCtx(): RequestCtx {
  return {
    principal: { kind: 'staff', accountId: filer.id, name: filer.name, roles: filer.roles, regionCode: filer.regionCode, regionPath: filer.regionPath, scopeBucket: filer.scopeBucket, sid: 't' },
    requestId: 'restart-test',
    now: new Date(),
  } as RequestCtx;
}

async function start(opts: Parameters<typeof startLocalEscalation>[0] = {}): Promise<LocalEscalationRuntime> {
  const r = await startLocalEscalation({ sweepMs: 3_600_000, ...opts });
  runtimes.push(r);
  return r;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const leaseOf = (problemId: string) => getItem<ProblemFlowLeaseAttrs>(ProblemFlowLease.key({ problemId }), true);
const history = async (id: string) => (await store.historyOf(id)).map((h) => `${h.kind}@${h.level}`);

async function until(what: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(100);
  }
}

describe('escalations survive a restart of the local runtime', () => {
  it('a problem filed before a stop moves up once after the next start, though two runtimes start on the table', async () => {
    // Prepare: a runtime, a guidance problem filed at the county (its flow starts and claims it)
    const first = await start();
    const filed = await problems.fileProblem(filerCtx(), { category: 'guidance', businessCategory: 'insurance', description: '参保登记不会做', suggestion: '请指导' });
    expect(first.active()).toEqual([filed.id]);
    expect((await leaseOf(filed.id))?.round).toBe(1);

    // Act 1: stop before the deadline; the deadline passes while nothing runs
    await first.stop();
    runtimes.splice(runtimes.indexOf(first), 1);
    expect(await leaseOf(filed.id)).toBeUndefined();
    await sleep(Math.max(0, new Date(filed.deadline).getTime() - Date.now()) + 800);
    expect((await store.getProblem(filed.id, true))?.level).toBe('county');
    expect(await history(filed.id)).not.toContain('escalated@city');

    // Act 2: two runtimes start at once on the same table
    const [b, c] = await Promise.all([start(), start()]);

    // Assess: exactly one of them resumed the flow, which moved the problem up once
    expect(b.resumed.started + c.resumed.started).toBe(1);
    expect([...b.active(), ...c.active()].filter((id) => id === filed.id)).toHaveLength(1);
    await until(async () => (await store.getProblem(filed.id, true))?.level === 'city');
    const moved = await store.getProblem(filed.id, true);
    expect(moved?.level).toBe('city');
    expect((await history(filed.id)).filter((k) => k.startsWith('escalated'))).toEqual(['escalated@city']);
    // The city's 5 days run from the move, not from the missed county deadline.
    expect(new Date(moved!.deadline).getTime()).toBeGreaterThan(Date.now() + 2_000);
    // Sweeping again starts nothing: the one flow holds the claim.
    expect((await b.sweep()).started + (await c.sweep()).started).toBe(0);
    expect([...b.active(), ...c.active()].filter((id) => id === filed.id)).toHaveLength(1);
  }, 60_000);

  it('takes over the flow of a runtime that died holding its claim once the claim lapses, not before', async () => {
    // Prepare: a problem whose flow a runtime that is gone still claims (it never gave it back)
    const owner = await start();
    const filed = await problems.fileProblem(filerCtx(), { category: 'system', description: '系统登录报错', suggestion: '请排查' });
    await owner.stop(); // its claim is given back …
    runtimes.splice(runtimes.indexOf(owner), 1);
    const dead = flowLease({ owner: 'crashed-runtime', ttlMs: 1_500 });
    expect(await dead.acquire(filed.id, 1)).toBe(true); // … and taken by one that then dies

    // Act: a new runtime starts while the dead one's claim is live, sweeps again after it lapses
    const next = await start({ leaseMs: 1_500 });
    const claimedAtStart = next.active().includes(filed.id);
    await sleep(1_700);
    const after = await next.sweep();

    // Assess
    expect(claimedAtStart).toBe(false);
    expect(after.started).toBe(1);
    expect(next.active().filter((x) => x === filed.id)).toHaveLength(1);
    const claim = await leaseOf(filed.id);
    expect(claim?.owner).toBeDefined();
    expect(claim?.owner).not.toBe('crashed-runtime');
  }, 60_000);

  it('claims are exclusive per round: a live claim refuses a second start of its round, a reopen’s new round supersedes it', async () => {
    // Prepare
    const a = flowLease({ owner: 'a' });
    const b = flowLease({ owner: 'b' });
    const id = '01JTESTLEASE0000000000000A';
    // Act + Assess
    expect(await a.acquire(id, 1)).toBe(true);
    expect(await b.acquire(id, 1)).toBe(false);
    expect(await a.acquire(id, 1)).toBe(false); // the same runtime does not start it twice either
    expect(await b.acquire(id, 2)).toBe(true);
    expect(await a.renew(id, 1)).toBe(false); // the old round's runner learns it lost the claim
    await a.release(id, 1); // and cannot give back what is no longer its own
    expect((await leaseOf(id))?.owner).toBe('b');
    await b.release(id, 2);
    expect(await leaseOf(id)).toBeUndefined();
  });
});
