import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Escalation, ESCALATION_STATES } from '../constructs/escalation';

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
  /** Starts one and hands back its handle (tests await the result). */
  run(input: { problemId: string; category: string; round: number }): LocalExecution;
  stop(): Promise<void>;
}

export async function createLocalEscalation(opts: LocalEscalationOptions = {}): Promise<LocalEscalation> {
  const { StateMachine } = await import('aws-local-stepfunctions');
  const task: TaskFn = opts.task ?? (await import('../../functions/problems/tasks')).runEscalationTask;
  const machine = new StateMachine(escalationAsl() as never, { validationOptions: { checkArn: true, checkPaths: true } });
  const taskStates = [ESCALATION_STATES.assign, ESCALATION_STATES.check, ESCALATION_STATES.remind, ESCALATION_STATES.recordFailure];
  const running = new Set<LocalExecution>();

  const run: LocalEscalation['run'] = (input) => {
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
    running.add(handle);
    exec.result.then(
      (output) => {
        running.delete(handle);
        opts.onEnd?.(input.problemId, { status: output === null ? 'aborted' : 'succeeded', output });
      },
      (err: unknown) => {
        running.delete(handle);
        opts.onEnd?.(input.problemId, { status: 'failed', error: String((err as Error)?.message ?? err) });
      },
    );
    return handle;
  };

  return {
    run,
    start: async (input) => {
      run(input).result.catch(() => undefined);
    },
    stop: async () => {
      for (const h of running) h.abort();
      running.clear();
    },
  };
}

/**
 * `npm start`: executions run in this process; a person watches them with
 * ESCALATION_WORKING_DAY_SECONDS (e.g. 10 = a working day lasts 10 s). Executions in flight are
 * not kept across restarts (deployed, Step Functions keeps them).
 */
export async function startLocalEscalation(): Promise<{ line: string; stop: () => Promise<void> }> {
  const { setEscalationStarter } = await import('../../functions/problems/flow');
  const { config } = await import('../../shared/config');
  const local = await createLocalEscalation({
    onEnd: (problemId, o) => {
      if (o.status === 'failed') console.error(`escalation of problem ${problemId} failed: ${o.error}`);
    },
  });
  setEscalationStarter(local.start);
  const scale = config().escalationWorkingDaySeconds;
  return {
    line: `escalation     aws-local-stepfunctions, the synthesized ASL; ${scale ? `1 working day = ${scale} s` : 'real working days (set ESCALATION_WORKING_DAY_SECONDS=10 to watch one)'}`,
    stop: async () => {
      setEscalationStarter(undefined);
      await local.stop();
    },
  };
}
