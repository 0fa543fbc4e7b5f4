import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { newApp } from '../../infra/stacks/build';
import { Escalation } from '../../infra/constructs/escalation';
import { prepareTable } from '../../test/helpers/table';
import { createStaff } from '../../test/helpers/api';
import { clock } from '../../shared/clock';
import { getItem } from '../../shared/db/store';
import { Problem, type AccountAttrs, type ProblemAttrs } from '../../shared/db/entities';
import type { RequestCtx } from '../../shared/http/context';
import { createLocalEscalation, escalationAsl, type TaskFn } from '../../infra/local/escalation';
import { setEscalationStarter, type EscalationInput } from './flow';
import { escalationEnded, runEscalationTask } from './tasks';
import * as problems from './service';
import * as store from './store';

/**
 * The synthesized escalation definition, run by aws-local-stepfunctions with the real task
 * handlers on DynamoDB Local. Waits are overridden to pass at once; the task wrapper moves the
 * clock to the time each Wait was waiting for, so the check sees what it would see at wake-up.
 */
const require = createRequire(import.meta.url);
const validator = require('asl-validator') as (d: unknown) => { isValid: boolean; errors: unknown[] };

const VILLAGE = '141033100201'; // a village of 蒲城镇
const COUNTY = '141033000000';
const CITY = '141000000000';
const PROVINCE = '140000000000';
const T0 = new Date('2026-03-02T09:00:00+08:00'); // a Monday

const staffCtx = (a: AccountAttrs): RequestCtx => ({
  principal: {
    kind: 'staff',
    accountId: a.id,
    name: a.name,
    roles: a.roles,
    regionCode: a.regionCode,
    regionPath: a.regionPath,
    scopeBucket: a.scopeBucket,
    ...(a.pointId ? { pointId: a.pointId } : {}),
    sid: 'test',
  },
  requestId: 'test',
  now: clock.now(),
});

let filer: AccountAttrs;
let countyReviewer: AccountAttrs;
let provinceReviewer: AccountAttrs;
const started: EscalationInput[] = [];

beforeAll(async () => {
  await prepareTable();
  filer = (await createStaff({ roles: ['operator'], regionCode: VILLAGE })).account;
  countyReviewer = (await createStaff({ roles: ['reviewer'], regionCode: COUNTY })).account;
  provinceReviewer = (await createStaff({ roles: ['reviewer'], regionCode: PROVINCE })).account;
  setEscalationStarter(async (i) => void started.push(i));
});
afterEach(() => clock.reset());
afterAll(() => setEscalationStarter(undefined));

/** A task wrapper: the clock jumps to the instant each Wait ended; `beforeCheck(n)` acts during the n-th wait. */
function timeTravel(beforeCheck: (n: number) => Promise<void> = async () => undefined) {
  let wakeAt: string | undefined;
  let checks = 0;
  const calls: string[] = [];
  const task: TaskFn = async (input) => {
    const i = input as { task: string };
    calls.push(i.task);
    if (i.task === 'check') {
      checks += 1;
      await beforeCheck(checks);
      if (wakeAt) clock.set(() => new Date(wakeAt!));
    }
    const out = (await runEscalationTask(input)) as { waitUntil?: string };
    if (out?.waitUntil) wakeAt = out.waitUntil;
    return out;
  };
  return { task, calls, checks: () => checks };
}

async function fileAt(now: Date, body: Parameters<typeof problems.fileProblem>[1], by = filer) {
  clock.set(() => now);
  const view = await problems.fileProblem(staffCtx(by), body);
  return view;
}

const kinds = async (id: string) => (await store.historyOf(id)).map((h) => `${h.kind}@${h.level}`);
const problemItem = async (id: string) => (await getItem<ProblemAttrs>(Problem.key({ id }), true))!;

describe('the synthesized definition', () => {
  it('is valid ASL (asl-validator), Standard/JSONPath, with a retry and a catch on every task', () => {
    // Act
    const asl = escalationAsl();
    const result = validator(structuredClone(asl));
    // Assess
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    const states = asl.States as Record<string, { Type: string; Retry?: unknown[]; Catch?: unknown[]; TimestampPath?: string }>;
    const taskStates = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(taskStates.map(([n]) => n).sort()).toEqual(['AssignHolder', 'CheckProblem', 'RecordFailure', 'RemindTaskForce']);
    for (const [, s] of taskStates) {
      expect(s.Retry?.length).toBeGreaterThan(0);
      expect(s.Catch?.length).toBeGreaterThan(0);
    }
    expect(states.WaitForDeadline).toMatchObject({ Type: 'Wait', TimestampPath: '$.hold.waitUntil' });
    expect(JSON.stringify(asl)).not.toContain('Fn::');
  }, 90_000); // the first aws-cdk-lib import and synth of the run
});

describe('the construct', () => {
  it('synthesizes cdk-nag clean in a stack of its own: Standard, traced, logged, and an alarm on failed executions', () => {
    // Prepare
    const app = newApp();
    const stack = new Stack(app, 'EscalationOnly');
    const fn = new lambda.Function(stack, 'Tasks', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    });
    const dummy = 'A stand-in for the escalation tasks function: only the construct is under test.';
    for (const id of [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-L1',
      'Serverless-LambdaDefaultMemorySize',
      'Serverless-LambdaDefaultTimeout',
      'Serverless-LambdaDLQ',
      'Serverless-LambdaLatestVersion',
      'Serverless-LambdaTracing',
    ])
      Validations.of(fn).acknowledge({ id, reason: dummy });
    const escalation = new Escalation(stack, 'Escalation', { tasksFunction: fn });
    // Act: synthesis runs cdk-nag and throws on any finding
    const template = Template.fromStack(stack);
    // Assess
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
      Namespace: 'AWS/States',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(escalation.stateMachine).toBeDefined();
  });
});

describe('escalation runs', () => {
  it('climbs county → city → province for a guidance problem nobody answers, reminds the task force, ends when resolved', async () => {
    // Prepare
    const filed = await fileAt(T0, { category: 'guidance', businessCategory: 'pension', description: '养老待遇认证失败', suggestion: '请指导' });
    expect(filed.level).toBe('county');
    const runner = await createLocalEscalation({ task: timeTravel(async (n) => {
      // During the 4th wait (after one reminder at the top) the filer finds the answer elsewhere.
      if (n === 4) await problems.resolveProblem(staffCtx(filer), filed.id);
    }).task, waitMs: 0, retryMs: 0 });
    // Act
    const out = (await runner.run({ problemId: filed.id, category: 'guidance', round: 1 }).result) as { hold: { action: string } };
    // Assess
    expect(out.hold.action).toBe('resolved');
    expect(await kinds(filed.id)).toEqual([
      'filed@county',
      'assigned@county',
      'escalated@city',
      'escalated@province',
      'reminded@province',
      'resolved@province',
      'flow_ended@province',
    ]);
    const p = await problemItem(filed.id);
    expect(p).toMatchObject({ level: 'province', holderRegionCode: PROVINCE, status: 'resolved', flowActive: false });
    // Each level had its own deadline, in working days from the moment it took over.
    const history = await store.historyOf(filed.id);
    const [county, city, province] = [history[1]!, history[2]!, history[3]!];
    expect(county.deadline).toBe('2026-03-05T23:59:59.999+08:00'); // Mon + 3 working days
    expect(new Date(city.deadline!).getTime()).toBeGreaterThan(new Date(county.deadline!).getTime());
    expect(new Date(province.deadline!).getTime()).toBeGreaterThan(new Date(city.deadline!).getTime());
    // The new holders were told.
    const cityNotices = await store.noticesPage([`POOL#${CITY}`], 50);
    const provinceNotices = await store.noticesPage([`POOL#${PROVINCE}`], 50);
    expect(cityNotices.items.filter((n) => n.problemId === filed.id).map((n) => n.kind)).toEqual(['escalated']);
    expect(provinceNotices.items.filter((n) => n.problemId === filed.id).map((n) => n.kind).sort()).toEqual(['escalated', 'reminded']);
  });

  it('stops at the county when the county answers in time and the filer resolves', async () => {
    // Prepare
    const filed = await fileAt(T0, { category: 'guidance', businessCategory: 'card', description: '社保卡补换不会操作', suggestion: '请培训' });
    const travel = timeTravel(async (n) => {
      if (n === 1) {
        clock.set(() => new Date(T0.getTime() + 3600_000)); // an hour after filing, well inside the deadline
        await problems.answerProblem(staffCtx(countyReviewer), filed.id, { answer: '按操作手册第3节补换', deadline: '2026-03-06' });
      }
      if (n === 2) await problems.resolveProblem(staffCtx(filer), filed.id);
    });
    const runner = await createLocalEscalation({ task: travel.task, waitMs: 0, retryMs: 0 });
    // Act
    const out = (await runner.run({ problemId: filed.id, category: 'guidance', round: 1 }).result) as { hold: { action: string } };
    // Assess
    expect(out.hold.action).toBe('resolved');
    expect(await kinds(filed.id)).toEqual(['filed@county', 'assigned@county', 'answered@county', 'resolved@county', 'flow_ended@county']);
    expect(travel.calls.filter((c) => c === 'assign')).toHaveLength(1);
  });

  it('sends a system problem straight to the province task force', async () => {
    // Prepare
    const filed = await fileAt(T0, { category: 'system', description: '受理界面按钮错位', suggestion: '调整布局' });
    const travel = timeTravel(async (n) => {
      if (n === 1) {
        clock.set(() => new Date(T0.getTime() + 3600_000));
        await problems.answerProblem(staffCtx(provinceReviewer), filed.id, { answer: '下个版本修复', deadline: '2026-03-20' });
      }
      if (n === 2) await problems.resolveProblem(staffCtx(filer), filed.id);
    });
    const runner = await createLocalEscalation({ task: travel.task, waitMs: 0, retryMs: 0 });
    // Act
    const out = (await runner.run({ problemId: filed.id, category: 'system', round: 1 }).result) as { target: { level: string } };
    // Assess
    expect(filed).toMatchObject({ level: 'province', holder: { regionCode: PROVINCE, name: '省工作专班' } });
    expect(out.target.level).toBe('province');
    expect(await kinds(filed.id)).toEqual(['filed@province', 'assigned@province', 'answered@province', 'resolved@province', 'flow_ended@province']);
  });

  it('stops watching an answered problem the filer leaves alone; a reopen starts a new execution', async () => {
    // Prepare
    const filed = await fileAt(T0, { category: 'functional', description: '缺少补贴统计模块', suggestion: '增加模块' });
    const travel = timeTravel(async (n) => {
      if (n === 1) {
        clock.set(() => new Date(T0.getTime() + 3600_000));
        await problems.answerProblem(staffCtx(provinceReviewer), filed.id, { answer: '已列入计划' });
      }
    });
    const runner = await createLocalEscalation({ task: travel.task, waitMs: 0, retryMs: 0 });
    // Act
    const out = (await runner.run({ problemId: filed.id, category: 'functional', round: 1 }).result) as { hold: { action: string } };
    started.length = 0;
    const reopened = await problems.reopenProblem(staffCtx(filer), filed.id);
    // Assess
    expect(out.hold.action).toBe('awaiting_filer');
    expect(reopened).toMatchObject({ status: 'open', flowActive: true });
    expect(started).toEqual([{ problemId: filed.id, category: 'functional', round: 2 }]);
  });

  it('retries a failing task, then catches it: the ledger marks the problem and the execution fails', async () => {
    // Prepare
    const filed = await fileAt(T0, { category: 'guidance', businessCategory: 'find_job', description: '求职登记报错', suggestion: '查日志' });
    let checkAttempts = 0;
    const failing: TaskFn = async (input) => {
      if ((input as { task: string }).task === 'check') {
        checkAttempts += 1;
        throw new Error('DynamoDB unavailable');
      }
      return runEscalationTask(input);
    };
    const runner = await createLocalEscalation({ task: failing, waitMs: 0, retryMs: 0 });
    // Act
    const exec = runner.run({ problemId: filed.id, category: 'guidance', round: 1 });
    const outcome = await exec.result.then(() => 'succeeded', (e: Error) => e.message);
    // Assess
    expect(checkAttempts).toBe(4); // the first try and 3 retries
    expect(outcome).toContain('A step kept failing after its retries'); // the EscalationFailed state's cause
    await new Promise((r) => setTimeout(r, 50));
    expect(exec.events.filter((e) => e.type === 'StateRetried').map((e) => e.state)).toEqual(['CheckProblem', 'CheckProblem', 'CheckProblem']);
    expect(exec.events.some((e) => e.type === 'StateCaught' && e.state === 'CheckProblem')).toBe(true);
    expect(await problemItem(filed.id)).toMatchObject({ flowFailed: true, flowActive: false, status: 'open' });
    expect((await kinds(filed.id)).at(-1)).toBe('flow_failed@county');
  });
});

describe('an execution that times out or is stopped', () => {
  it('marks the problem flowFailed from the execution-status event', async () => {
    // Prepare
    const filed = await fileAt(T0, { category: 'guidance', businessCategory: 'find_job', description: '流程超时', suggestion: '查日志' });
    const event = (status: string) => ({
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      detail: { status, executionArn: 'arn:aws-cn:states:cn-north-1:111111111111:execution:esc:1', input: JSON.stringify({ problemId: filed.id, category: 'guidance', round: 1 }) },
    });
    // Act
    const first = await escalationEnded(event('TIMED_OUT'));
    // Assess
    expect(first).toEqual({ recorded: true });
    expect(await problemItem(filed.id)).toMatchObject({ flowFailed: true, flowActive: false });
    expect((await kinds(filed.id)).filter((k) => k.startsWith('flow_failed')).length).toBeGreaterThanOrEqual(1);
    await expect(escalationEnded({ 'detail-type': 'Step Functions Execution Status Change', detail: { status: 'SUCCEEDED', executionArn: 'x' } })).rejects.toThrow();
  });
});
