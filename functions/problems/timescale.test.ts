import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { createStaff } from '../../test/helpers/api';
import { resetConfig } from '../../shared/config';
import type { AccountAttrs } from '../../shared/db/entities';
import { createLocalEscalation, type LocalEscalation } from '../../infra/local/escalation';
import { setEscalationStarter } from './flow';
import * as problems from './service';
import * as store from './store';

/**
 * What `npm start` does with ESCALATION_WORKING_DAY_SECONDS: real timers, no overrides. With a
 * working day of 0.2 s, the county's 3 days pass in under a second and the city's 5 in about
 * one more: an unanswered guidance problem reaches the province task force by itself.
 */
let runner: LocalEscalation;
let filer: AccountAttrs;

beforeAll(async () => {
  process.env.ESCALATION_WORKING_DAY_SECONDS = '0.2';
  resetConfig();
  await prepareTable();
  filer = (await createStaff({ roles: ['operator'], regionCode: '141033100201' })).account;
  runner = await createLocalEscalation();
  setEscalationStarter(runner.start);
});
afterAll(async () => {
  await runner?.stop();
  setEscalationStarter(undefined);
  delete process.env.ESCALATION_WORKING_DAY_SECONDS;
  resetConfig();
});

describe('local time-scale', () => {
  it('escalates an unanswered guidance problem county → city → province in scaled real time', async () => {
    // Prepare
    const ctx = {
      principal: { kind: 'staff' as const, accountId: filer.id, name: filer.name, roles: filer.roles, regionCode: filer.regionCode, regionPath: filer.regionPath, scopeBucket: filer.scopeBucket, sid: 't' },
      requestId: 'test',
      now: new Date(),
    };
    // Act: filing starts the in-process execution, as in local mode
    const filed = await problems.fileProblem(ctx, { category: 'guidance', businessCategory: 'insurance', description: '参保登记不会做', suggestion: '请指导' });
    const deadline = Date.now() + 15_000;
    let p = await store.getProblem(filed.id, true);
    while (p?.level !== 'province' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      p = await store.getProblem(filed.id, true);
    }
    // Assess
    expect(new Date(filed.deadline).getTime() - new Date(filed.filedAt).getTime()).toBe(600); // 3 × 0.2 s
    expect(p?.level).toBe('province');
    const kinds = (await store.historyOf(filed.id)).map((h) => `${h.kind}@${h.level}`);
    expect(kinds.slice(0, 4)).toEqual(['filed@county', 'assigned@county', 'escalated@city', 'escalated@province']);
  });
});
