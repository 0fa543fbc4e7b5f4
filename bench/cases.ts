import type { BenchOp } from './ops';

/**
 * Cases in the bench: accept (1 BatchGet + 1 COUNT on the county queue for the overdue risk + 1
 * transaction of case, step, counter, log) and a county review (1 GetItem + 1 transaction), each
 * against the bare round trips they make.
 */
const VILLAGE = '141033100200';
const COUNTY = '141033000000';

async function caseFixture() {
  const { Tx } = await import('../shared/db/tx');
  const { systemCtx } = await import('../shared/http/context');
  const { Point } = await import('../shared/db/entities');
  const { findRegion } = await import('../shared/regions');
  const { newId } = await import('../shared/ids');
  const { bootstrapAccountItems } = await import('../shared/seed/seed');
  const { idCheckDigit } = await import('../shared/security/pii');
  const region = (await findRegion(VILLAGE))!;
  const county = (await findRegion(COUNTY))!;
  const pointId = newId();
  const now = new Date();
  const tx = new Tx(systemCtx('bench', now)).put(
    Point.item({ id: pointId, regionCode: VILLAGE, regionPath: region.path, scopeBucket: COUNTY, kind: 'village', name: '城关村服务点', address: '-', stage: 'in_operation', createdAt: now.toISOString(), version: 1 }),
  );
  const person = (seq: number) => {
    const first17 = `141033198001010${String(seq).padStart(2, '0')}`;
    return `${first17}${idCheckDigit(first17)}`;
  };
  const ids = { operator: person(11), reviewer: person(12) };
  const op = await bootstrapAccountItems({ name: '操作员', idNumber: ids.operator, phone: '13900000011', regionCode: VILLAGE, roles: ['operator'] }, region.path, now);
  const rev = await bootstrapAccountItems({ name: '审核员', idNumber: ids.reviewer, phone: '13900000012', regionCode: COUNTY, roles: ['reviewer'] }, county.path, now);
  tx.put({ ...op.account, pointId } as typeof op.account).put(op.person).put(rev.account).put(rev.person);
  await tx.log({ action: 'bench.case_fixture', targetType: 'Point', targetId: pointId }).commit();
  return ids;
}

let fixture: Promise<{ operator: string; reviewer: string }> | undefined;
let serial = 0;
const applicant = async () => {
  const { idCheckDigit } = await import('../shared/security/pii');
  serial += 1;
  const first17 = `14103319500101${String(serial % 1000).padStart(3, '0')}`;
  return { name: '张桂兰', idNumber: `${first17}${idCheckDigit(first17)}`, phone: '13912345678' };
};
const body = async () => ({
  itemCode: 'S01',
  channel: 'window',
  applicant: await applicant(),
  materialsNotified: ['居民身份证', '户口簿'],
  materialsReceived: ['居民身份证', '户口簿'],
});

export const CASE_OPS: BenchOp[] = [
  {
    name: 'accept a case (BatchGet + risk COUNT + one Tx)',
    kind: 'write',
    expect: 201,
    prepare: async (env) => {
      fixture ??= caseFixture();
      const token = await env.login((await fixture).operator);
      const b = await body();
      return () => env.request('POST', '/cases', { token, body: b });
    },
  },
  {
    // The county's pace is kept per process and week; a cold process reads the points' week counters once.
    name: 'accept a case, pace not yet kept (+ points Query + week-counter BatchGets)',
    kind: 'write',
    expect: 201,
    prepare: async (env) => {
      fixture ??= caseFixture();
      const { forgetRiskCache } = await import('../functions/cases/risk');
      const token = await env.login((await fixture).operator);
      const b = await body();
      return () => {
        forgetRiskCache();
        return env.request('POST', '/cases', { token, body: b });
      };
    },
  },
  {
    name: 'review a case (GetItem + one Tx)',
    kind: 'write',
    expect: 200,
    prepare: async (env) => {
      fixture ??= caseFixture();
      const ids = await fixture;
      const op = await env.login(ids.operator);
      const rev = await env.login(ids.reviewer);
      const queue: { id: string; version: number }[] = [];
      const need = Number(process.env.BENCH_N ?? 200) + 140; // warm-up, recording and the timed runs
      for (let i = 0; i < need; i++) {
        const a = await env.request('POST', '/cases', { token: op, body: await body() });
        const s = await env.request('POST', `/cases/${a.body.id}/submit`, { token: op });
        queue.push({ id: a.body.id, version: s.body.version });
      }
      return () => {
        const next = queue.shift();
        if (!next) throw new Error('bench: review queue ran dry');
        return env.request('POST', `/cases/${next.id}/review`, { token: rev, body: { decision: 'approve', version: next.version } });
      };
    },
  },
  {
    name: 'read a case with its steps (one Query)',
    kind: 'read',
    expect: 200,
    prepare: async (env) => {
      fixture ??= caseFixture();
      const op = await env.login((await fixture).operator);
      const a = await env.request('POST', '/cases', { token: op, body: await body() });
      await env.request('POST', `/cases/${a.body.id}/submit`, { token: op });
      return () => env.request('GET', `/cases/${a.body.id}`, { token: op });
    },
  },
  {
    name: "county review queue, by due date (one Query + one risk COUNT)",
    kind: 'read',
    expect: 200,
    prepare: async (env) => {
      fixture ??= caseFixture();
      const rev = await env.login((await fixture).reviewer);
      return () => env.request('GET', '/cases?status=submitted&limit=50', { token: rev });
    },
  },
  {
    name: 'file a problem (holder, counter, unit read side by side; one Tx; the flow starts in process)',
    kind: 'write',
    expect: 201,
    prepare: async (env) => {
      fixture ??= caseFixture();
      const op = await env.login((await fixture).operator);
      return () =>
        env.request('POST', '/problems', {
          token: op,
          body: { category: 'guidance', businessCategory: 'pension', description: '城乡居民养老保险参保登记时系统提示户籍地不符，不知如何处理', suggestion: '请县局说明异地户籍的办理口径' },
        });
    },
  },
];
