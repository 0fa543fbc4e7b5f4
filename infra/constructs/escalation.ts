import { Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/**
 * The problem escalation flow (E3, E4, 故障排除上下联动) as a Standard state machine, JSONPath.
 *
 *   RouteByCategory ─ guidance ─► ToCounty ──┐
 *         └──────── otherwise ─► ToProvince ─┤
 *                                            ▼
 *   ┌──────────────────────────────────► AssignHolder ──► WaitForDeadline ◄──────────┐
 *   │                                                          │                      │
 *   │                                                          ▼                      │
 *   │                                                    CheckProblem                 │
 *   │                                                          │                      │
 *   │                                                          ▼                      │
 *   └── NextLevel ◄── escalate ── Decide ── wait ─────────────────────────────────────┤
 *                                   │ └── remind ──► RemindTaskForce ─────────────────┘
 *                                   ├── resolved ──► Resolved (Succeed)
 *                                   └── awaiting_filer ──► AwaitingFiler (Succeed)
 *   every Task: Retry, then Catch ──► RecordFailure ──► EscalationFailed (Fail) → alarm
 *
 * Check at wake-up, not task-token callbacks: the problem item in DynamoDB is the one truth;
 * the API changes it in one transaction and never has to reach the execution, so no answer can
 * be committed and then lost on the way to SendTaskSuccess. The flow has to wake at each
 * deadline anyway; when it does, the check task reads the item and decides.
 */
export interface EscalationProps {
  /** The Lambda running functions/problems/tasks.ts (jobs.ts export `escalationTask`). */
  tasksFunction: lambda.IFunction;
  /** The table, if the tasks function is not yet granted access to it. */
  table?: dynamodb.ITable;
  /** Where the failed-execution alarm notifies the operator, if anywhere beyond the console. */
  alarmTopic?: sns.ITopic;
  logRetention?: logs.RetentionDays;
  /** CMK of the execution log group. */
  logKey?: kms.IKey;
}

/**
 * A task's time limit in the state machine, and the tasks function's own timeout below it: Step
 * Functions retries a task only after the attempt it gave up on has really ended (a function
 * timeout longer than the task timeout would let a retry run beside a still-running attempt).
 */
export const ESCALATION_TASK_TIMEOUT = Duration.seconds(60);
export const ESCALATION_FUNCTION_TIMEOUT = Duration.seconds(50);
/** An execution that outlives this is stopped (TIMED_OUT): the status-change rule marks the problem flowFailed. */
export const ESCALATION_EXECUTION_TIMEOUT = Duration.days(120);

/** State names are the contract with the local runner (infra/local/escalation.ts) and the tests. */
export const ESCALATION_STATES = {
  assign: 'AssignHolder',
  check: 'CheckProblem',
  remind: 'RemindTaskForce',
  recordFailure: 'RecordFailure',
  wait: 'WaitForDeadline',
} as const;

export class Escalation extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** ExecutionsFailed ≥ 1: a problem stopped escalating by itself; the operator must look. */
  readonly failedExecutionsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EscalationProps) {
    super(scope, id);
    props.table?.grantReadWriteData(props.tasksFunction);
    const fnTimeout = (props.tasksFunction as { timeout?: Duration }).timeout;
    if (fnTimeout && fnTimeout.toSeconds() >= ESCALATION_TASK_TIMEOUT.toSeconds()) {
      throw new Error(`escalation tasks function timeout ${fnTimeout.toSeconds()} s must be below the task timeout ${ESCALATION_TASK_TIMEOUT.toSeconds()} s`);
    }

    const failed = new sfn.Fail(this, 'EscalationFailed', {
      error: 'EscalationFailed',
      cause: 'A step kept failing after its retries; the problem is marked flowFailed in the ledger.',
    });

    const invoke = (name: string, payload: Record<string, unknown>) => {
      const task = new tasks.LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: props.tasksFunction,
        payload: sfn.TaskInput.fromObject(payload),
        // The function's own reply is the result (the Resource is the function ARN itself).
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
        taskTimeout: sfn.Timeout.duration(ESCALATION_TASK_TIMEOUT),
        resultPath: '$.hold',
      });
      // Our own errors (a DynamoDB conflict, a throttle, a timeout): the steps are idempotent.
      task.addRetry({ errors: ['States.TaskFailed', 'States.Timeout'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3 });
      return task;
    };

    const recordFailure = new tasks.LambdaInvoke(this, ESCALATION_STATES.recordFailure, {
      stateName: ESCALATION_STATES.recordFailure,
      lambdaFunction: props.tasksFunction,
      payload: sfn.TaskInput.fromObject({
        task: 'recordFailure',
        problemId: sfn.JsonPath.stringAt('$.problemId'),
        error: sfn.JsonPath.objectAt('$.error'),
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      taskTimeout: sfn.Timeout.duration(ESCALATION_TASK_TIMEOUT),
      resultPath: '$.recorded',
    });
    recordFailure.addRetry({ errors: ['States.TaskFailed', 'States.Timeout'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3 });
    recordFailure.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.recordError' });
    recordFailure.next(failed);

    const problemId = sfn.JsonPath.stringAt('$.problemId');
    const assign = invoke(ESCALATION_STATES.assign, { task: 'assign', problemId, level: sfn.JsonPath.stringAt('$.target.level') });
    const check = invoke(ESCALATION_STATES.check, { task: 'check', problemId });
    const remind = invoke(ESCALATION_STATES.remind, { task: 'remind', problemId });
    for (const t of [assign, check, remind]) t.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });

    const wait = new sfn.Wait(this, ESCALATION_STATES.wait, {
      stateName: ESCALATION_STATES.wait,
      time: sfn.WaitTime.timestampPath('$.hold.waitUntil'),
    });
    const toCounty = new sfn.Pass(this, 'ToCounty', { result: sfn.Result.fromObject({ level: 'county' }), resultPath: '$.target' });
    const toProvince = new sfn.Pass(this, 'ToProvince', { result: sfn.Result.fromObject({ level: 'province' }), resultPath: '$.target' });
    const nextLevel = new sfn.Pass(this, 'NextLevel', {
      parameters: { 'level.$': '$.hold.nextLevel' },
      resultPath: '$.target',
    });
    const action = (a: string) => sfn.Condition.stringEquals('$.hold.action', a);
    const decide = new sfn.Choice(this, 'Decide')
      .when(action('resolved'), new sfn.Succeed(this, 'Resolved', { comment: 'The filer confirmed the problem solved.' }))
      .when(action('awaiting_filer'), new sfn.Succeed(this, 'AwaitingFiler', { comment: 'Answered; a reopen starts a new execution.' }))
      .when(action('wait'), wait)
      .when(action('escalate'), nextLevel)
      .when(action('remind'), remind)
      .otherwise(new sfn.Fail(this, 'UnknownOutcome', { error: 'UnknownOutcome', cause: 'CheckProblem answered an unknown action.' }));

    toCounty.next(assign);
    toProvince.next(assign);
    nextLevel.next(assign);
    assign.next(wait);
    remind.next(wait);
    wait.next(check);
    check.next(decide);

    const route = new sfn.Choice(this, 'RouteByCategory', { comment: 'E2: system and functional to the province task force; E3: guidance to the county.' })
      .when(sfn.Condition.stringEquals('$.category', 'guidance'), toCounty)
      .otherwise(toProvince);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      ...(props.logKey ? { encryptionKey: props.logKey } : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      definitionBody: sfn.DefinitionBody.fromChainable(route),
      comment: 'jiujinban problem escalation: county → city → province task force, by deadline (E3, E4)',
      tracingEnabled: true,
      timeout: ESCALATION_EXECUTION_TIMEOUT,
      // Execution data carries only ids and levels, but keep it out of the logs all the same.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    // The two wildcards CDK writes into the state machine's role, each for a reason of its own.
    const fnChild = props.tasksFunction.node.defaultChild as CfnElement | undefined;
    if (fnChild) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(fnChild).getLogicalId(fnChild)}.Arn>:*]`,
        reason: 'Step Functions may invoke any version or alias of the escalation tasks function, and only that function.',
      });
    }
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray trace segments and CloudWatch Logs log delivery accept no resource-level permissions (AWS documents Resource "*").',
    });

    this.failedExecutionsAlarm = new cloudwatch.Alarm(this, 'FailedExecutions', {
      alarmDescription: 'A problem escalation execution failed after retries: the problem no longer escalates by itself (see flowFailed in the ledger).',
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.failedExecutionsAlarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
  }
}
