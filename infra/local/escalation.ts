import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Escalation, ESCALATION_STATES } from '../constructs/escalation';
import { flowLease, type FlowLease } from './flow-lease';

/**
 * The escalation flow on a laptop: the SAME definition the stack deploys — synthesized from
 * infra/constructs/escalation.ts in a throwaway stack (inline dummy function code: the ASL does
 * not depend on bundling) — run by aws-local-stepfunctions with the Lambda tasks pointed at the
 * local handler (functions/problems/tasks.ts).
 */

// aws-local-stepfunctions 3 uses Promise.withResolvers (Node ≥ 22); Node 20 lacks it.
const P = Promise as unknown as { withResolvers?: <T>() => { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } };
P.withResolvers ??= <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const FAKE_ACCOUNT = '000000000000';
const FAKE_REGION = 'cn-north-1';

/** Fn::Join / Fn::GetAtt / Ref of a template value, turned into plain strings. */
export function resolveIntrinsics(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveIntrinsics);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(resolveIntrinsics(p))).join(sep);
    }
    if ('Fn::GetAtt' in o) {
      const [logicalId, attr] = o['Fn::GetAtt'] as [string, string];
      return attr === 'Arn' ? `arn:aws:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:${logicalId}` : `${logicalId}.${attr}`;
    }
    if ('Ref' in o) {
      const ref = o.Ref as string;
      if (ref === 'AWS::Partition') return 'aws';
      if (ref === 'AWS::Region') return FAKE_REGION;
      if (ref === 'AWS::AccountId') return FAKE_ACCOUNT;
      if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
      return ref;
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveIntrinsics(v)]));
  }
  return value;
}

let cachedAsl: Record<string, unknown> | undefined;

/** The Amazon States Language document of the escalation construct, as CloudFormation would get it. */
export function escalationAsl(): Record<string, unknown> {
  if (cachedAsl) return structuredClone(cachedAsl);
  const app = new App();
  const stack = new Stack(app, 'EscalationAsl', { env: { account: FAKE_ACCOUNT, region: FAKE_REGION } });
  const fn = new lambda.Function(stack, 'Tasks', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  new Escalation(stack, 'Escalation', { tasksFunction: fn });
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const sm = Object.values(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (!sm) throw new Error('no state machine in the synthesized escalation stack');
  const def = resolveIntrinsics(sm.Properties.DefinitionString);
  cachedAsl = JSON.parse(typeof def === 'string' ? def : JSON.stringify(def)) as Record<string, unknown>;
  // The execution limit (ESCALATION_EXECUTION_TIMEOUT, 120 days) is beyond Node's timer range
  // (24.8 days: a longer setTimeout fires at once), and no local run lasts months: none locally.
  delete cachedAsl.TimeoutSeconds;
  return structuredClone(cachedAsl);
}

export type TaskFn = (input: unknown) => Promise<unknown>;

export interface LocalEscalationOptions {
  /** The task handler (default: functions/problems/tasks.ts runEscalationTask). */
  task?: TaskFn;
  /** Tests: milliseconds each Wait lasts instead of its timestamp (0 = at once). */
  waitMs?: number;
  /** Tests: milliseconds between retries instead of the definition's backoff. */
  retryMs?: number;
  /**
   * Claims each problem before its flow starts (infra/local/flow-lease.ts): with it, start() and
   * resume() never run a second flow for a problem that some runtime on the table already runs.
   */
  lease?: FlowLease;
  /** Called with each execution's outcome (local mode prints it). */
  onEnd?: (problemId: string, outcome: { status: 'succeeded' | 'failed' | 'aborted'; output?: unknown; error?: string }) => void;
}

export interface LocalExecution {
  result: Promise<unknown>;
  abort: () => void;
  events: { type: string; state?: string }[];
}

export interface LocalEscalation {
  /** Starts an execution (the in-process counterpart of StartExecution); resolves once started. */
  start(input: { problemId: string; category: string; round: number }): Promise<void>;
  /** Starts one and hands back its handle (tests await the result); no claim is taken. */
  run(input: { problemId: string; category: string; round: number }): LocalExecution;
  /**
   * After a restart: starts the flow of every problem a flow should be watching (found by index,
   * functions/problems/resume.ts) that no runtime runs. Needs a lease.
   */
  resume(): Promise<{ watched: number; started: number }>;
  /** The problems whose executions run in this runtime now, one entry per execution. */
  active(): string[];
  /** Aborts the executions of this runtime and gives their claims back. */
  stop(): Promise<void>;
}

export async function createLocalEscalation(opts: LocalEscalationOptions = {}): Promise<LocalEscalation> {
  const { StateMachine } = await import('aws-local-stepfunctions');
  const task: TaskFn = opts.task ?? (await import('../../functions/problems/tasks')).runEscalationTask;
  const machine = new StateMachine(escalationAsl() as never, { validationOptions: { checkArn: true, checkPaths: true } });
  const taskStates = [ESCALATION_STATES.assign, ESCALATION_STATES.check, ESCALATION_STATES.remind, ESCALATION_STATES.recordFailure];
  const running = new Map<LocalExecution, Promise<void>>();
  const problemOf = new Map<LocalExecution, string>();
  const lease = opts.lease;

  const execute = (input: { problemId: string; category: string; round: number }, leased: boolean): LocalExecution => {
    const exec = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(taskStates.map((s) => [s, (i: unknown) => task(i) as never])),
        ...(opts.waitMs !== undefined ? { waitTimeOverrides: { [ESCALATION_STATES.wait]: opts.waitMs } } : {}),
        ...(opts.retryMs !== undefined ? { retryIntervalOverrides: Object.fromEntries(taskStates.map((s) => [s, opts.retryMs!])) } : {}),
      },
      noThrowOnAbort: true,
      context: { Execution: { Name: `${input.problemId}-r${input.round}` } } as never,
    });
    const events: LocalExecution['events'] = [];
    void (async () => {
      for await (const e of exec.eventLogs) {
        const state = (e as { state?: { name?: string } }).state?.name;
        events.push({ type: e.type, ...(state ? { state } : {}) });
      }
    })().catch(() => undefined);
    const handle: LocalExecution = { result: exec.result, abort: exec.abort, events };
    // While it runs, the claim is renewed; a claim lost (lapsed and taken by another runtime) stops this copy.
    const renewal =
      leased && lease
        ? setInterval(() => {
            lease.renew(input.problemId, input.round).then(
              (held) => held || exec.abort(),
              () => undefined, // the table is unreachable: keep running, try again next time
            );
          }, lease.renewEveryMs)
        : undefined;
    renewal?.unref();
    const settle = async () => {
      if (renewal) clearInterval(renewal);
      if (leased && lease) await lease.release(input.problemId, input.round).catch(() => undefined);
      running.delete(handle);
      problemOf.delete(handle);
    };
    const ended = exec.result.then(
      async (output) => {
        await settle();
        opts.onEnd?.(input.problemId, { status: output === null ? 'aborted' : 'succeeded', output });
      },
      async (err: unknown) => {
        await settle();
        opts.onEnd?.(input.problemId, { status: 'failed', error: String((err as Error)?.message ?? err) });
      },
    );
    running.set(handle, ended);
    problemOf.set(handle, input.problemId);
    return handle;
  };

  /** Claims the problem (with a lease) and starts its flow; false if a live flow already has it. */
  const claimAndStart = async (input: { problemId: string; category: string; round: number }): Promise<boolean> => {
    if (lease && !(await lease.acquire(input.problemId, input.round))) return false;
    execute(input, !!lease).result.catch(() => undefined);
    return true;
  };

  return {
    run: (input) => execute(input, false),
    start: async (input) => {
      await claimAndStart(input);
    },
    resume: async () => {
      if (!lease) throw new Error('resume needs a lease: without one a second runtime would start a second flow');
      const { problemsToWatch } = await import('../../functions/problems/resume');
      const watched = await problemsToWatch();
      let started = 0;
      for (const input of watched) if (await claimAndStart(input)) started++;
      return { watched: watched.length, started };
    },
    active: () => [...problemOf.values()],
    stop: async () => {
      const ended = [...running.values()];
      for (const h of running.keys()) h.abort();
      await Promise.all(ended);
      running.clear();
    },
  };
}

/**
 * `npm start`: executions run in this process; a person watches them with
 * ESCALATION_WORKING_DAY_SECONDS (e.g. 10 = a working day lasts 10 s). Deployed, Step Functions
 * keeps each execution waiting across anything; here a stop ends them, so on start (and every
 * sweep after, for a runtime that died without giving its claims back) the flow of every problem
 * still watched is started again from the problem as it stands: its level and its deadline. A
 * deadline that passed while the laptop was off moves the problem up once, at the resume.
 */
export interface LocalEscalationRuntime {
  lines: string[];
  /** Resumes what is not running (start calls it once; the sweep timer again). */
  sweep(): Promise<{ watched: number; started: number }>;
  /** What the sweep at start found and started. */
  resumed: { watched: number; started: number };
  active(): string[];
  stop(): Promise<void>;
}

export async function startLocalEscalation(opts: { leaseMs?: number; sweepMs?: number; owner?: string } = {}): Promise<LocalEscalationRuntime> {
  const { setEscalationStarter } = await import('../../functions/problems/flow');
  const { config } = await import('../../shared/config');
  const lease = flowLease({ ttlMs: opts.leaseMs ?? 30_000, ...(opts.owner ? { owner: opts.owner } : {}) });
  const local = await createLocalEscalation({
    lease,
    onEnd: (problemId, o) => {
      if (o.status === 'failed') console.error(`escalation of problem ${problemId} failed: ${o.error}`);
    },
  });
  setEscalationStarter(local.start);
  let sweeping: Promise<{ watched: number; started: number }> | undefined;
  const sweep = () => {
    sweeping ??= local.resume().finally(() => (sweeping = undefined));
    return sweeping;
  };
  const first = await sweep();
  const timer = setInterval(() => {
    sweep().then(
      (r) => r.started > 0 && console.log(`[escalation] resumed ${r.started} flow(s) no runtime was running`),
      (err: unknown) => console.error('escalation sweep failed', err),
    );
  }, opts.sweepMs ?? 30_000);
  timer.unref();
  const scale = config().escalationWorkingDaySeconds;
  return {
    lines: [
      `escalation     aws-local-stepfunctions, the synthesized ASL; ${scale ? `1 working day = ${scale} s` : 'real working days (set ESCALATION_WORKING_DAY_SECONDS=10 to watch one)'}`,
      `               resumed ${first.started} of ${first.watched} watched problem(s) from their current level and deadline (claims in the table: one flow per problem)`,
    ],
    sweep,
    resumed: first,
    active: local.active,
    stop: async () => {
      clearInterval(timer);
      setEscalationStarter(undefined);
      await sweeping?.catch(() => undefined);
      await local.stop();
    },
  };
}
