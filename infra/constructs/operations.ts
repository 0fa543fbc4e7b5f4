import { CfnParameter, Duration, Fn, CfnCondition, Stack, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, BUSINESS_METRICS } from '../../shared/metrics';

export interface OperationsProps {
  key: kms.IKey;
  api: apigwv2.HttpApi;
  stage: apigwv2.HttpStage;
  /** Every platform function by a short name (its errors and throttles alarm). */
  functions: Record<string, lambda.IFunction>;
  authorizer: lambda.IFunction;
  deadLetterQueues: Record<string, sqs.IQueue>;
  stateMachine?: sfn.IStateMachine;
  table: dynamodb.ITable;
  /** EventBridge Scheduler schedule group (its target errors alarm). */
  scheduleGroup?: string;
}

/** One alarm as the runbook names it (docs/runbook.md has a section per name). */
export interface AlarmDef {
  name: string;
  alarm: cloudwatch.Alarm;
}

/**
 * What ops sees and receives: one SNS topic (email and SMS subscriptions from parameters), an
 * alarm for each figure of issue 15 with the topic as its action, a dashboard with the same
 * figures plus the business metrics (shared/metrics.ts, EMF), and the table's AWS Backup plan.
 * Every alarm's name is its runbook section.
 */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: AlarmDef[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.topic = new sns.Topic(this, 'Alarms', { displayName: 'jiujinban alarms', masterKey: props.key, enforceSSL: true });
    // CloudWatch publishes to the encrypted topic: it needs the key (only through SNS).
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    const email = new CfnParameter(stack, 'AlarmEmail', { type: 'String', default: '', description: 'Optional e-mail address that receives the alarms (confirm the subscription mail).' });
    const sms = new CfnParameter(stack, 'AlarmSms', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^\\+[1-9][0-9]{6,14}$',
      description: 'Optional mobile number (E.164, e.g. +8613912345678) that receives the alarms by SMS.',
    });
    const hasEmail = new CfnCondition(stack, 'HasAlarmEmail', { expression: Fn.conditionNot(Fn.conditionEquals(email.valueAsString, '')) });
    const hasSms = new CfnCondition(stack, 'HasAlarmSms', { expression: Fn.conditionNot(Fn.conditionEquals(sms.valueAsString, '')) });
    const emailSub = new sns.CfnSubscription(this, 'EmailSubscription', { topicArn: this.topic.topicArn, protocol: 'email', endpoint: email.valueAsString });
    emailSub.cfnOptions.condition = hasEmail;
    const smsSub = new sns.CfnSubscription(this, 'SmsSubscription', { topicArn: this.topic.topicArn, protocol: 'sms', endpoint: sms.valueAsString });
    smsSub.cfnOptions.condition = hasSms;
    for (const sub of [emailSub, smsSub]) {
      Validations.of(sub).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'E-mail and SMS endpoints: SNS retries delivery itself; an alarm that cannot be delivered stays visible in CloudWatch (state ALARM) and on the dashboard.',
      });
    }

    const action = new cwActions.SnsAction(this.topic);
    const add = (name: string, description: string, metric: cloudwatch.IMetric, threshold: number, periods = 1) => {
      const alarm = new cloudwatch.Alarm(this, name, {
        alarmName: `${stack.stackName}-${name}`,
        alarmDescription: `${description} Runbook: docs/runbook.md#${name.toLowerCase()}`,
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push({ name, alarm });
      return alarm;
    };
    const five = Duration.minutes(5);
    const apiDims = { ApiId: props.api.apiId, Stage: props.stage.stageName };
    const apiMetric = (metricName: string, statistic: string) => new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: apiDims, statistic, period: five });
    // 5xx rate in percent: 5xx / requests (no alarm on a handful of requests: at least 1 % and ≥ 5 errors).
    const rate = new cloudwatch.MathExpression({
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: { errors: apiMetric('5xx', 'Sum'), requests: apiMetric('Count', 'Sum') },
      period: five,
      label: 'API 5xx %',
    });
    add('Api5xxRate', 'More than 1 % of API requests answered 5xx over 5 minutes.', rate, 1);
    add('ApiLatencyP99', 'API p99 latency at or above 3 s over 3 × 5 minutes (a clerk waits).', apiMetric('Latency', 'p99'), 3000, 3);
    for (const [name, fn] of Object.entries(props.functions)) {
      const label = name.replace(/[^A-Za-z0-9]/g, '');
      add(`${label}Errors`, `Lambda ${name}: errors (an uncaught exception or a timeout).`, fn.metricErrors({ period: five, statistic: 'Sum' }), 1);
      add(`${label}Throttles`, `Lambda ${name}: throttled invocations (account or reserved concurrency reached).`, fn.metricThrottles({ period: five, statistic: 'Sum' }), 1);
    }
    add('AuthorizerErrors', 'The HTTP API authorizer failed: every signed-in request fails while this lasts.', props.authorizer.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }), 1);
    for (const [name, q] of Object.entries(props.deadLetterQueues)) {
      add(`${name}DeadLetters`, `Dead-letter queue ${name} holds messages: work that failed after its retries.`, q.metricApproximateNumberOfMessagesVisible({ period: five, statistic: 'Maximum' }), 1);
    }
    if (props.stateMachine) {
      add('EscalationExecutionsFailed', 'A problem escalation execution failed: the problem no longer escalates by itself (flowFailed).', props.stateMachine.metricFailed({ period: five, statistic: 'Sum' }), 1);
      add('EscalationExecutionsTimedOut', 'A problem escalation execution timed out (marked flowFailed by the status-change rule).', props.stateMachine.metricTimedOut({ period: five, statistic: 'Sum' }), 1);
    }
    add(
      'SchedulerTargetErrors',
      'EventBridge Scheduler could not invoke a job (reports, account lock): the run went to the schedules DLQ.',
      new cloudwatch.Metric({ namespace: 'AWS/Scheduler', metricName: 'TargetErrorCount', statistic: 'Sum', period: five }),
      1,
    );
    // The operations the platform calls (at most 10 metrics per alarm expression).
    const operations = [
      dynamodb.Operation.GET_ITEM,
      dynamodb.Operation.BATCH_GET_ITEM,
      dynamodb.Operation.QUERY,
      dynamodb.Operation.PUT_ITEM,
      dynamodb.Operation.UPDATE_ITEM,
      dynamodb.Operation.BATCH_WRITE_ITEM,
      dynamodb.Operation.TRANSACT_WRITE_ITEMS,
      dynamodb.Operation.TRANSACT_GET_ITEMS,
    ];
    const throttles = props.table.metricThrottledRequestsForOperations({ operations, period: five });
    const systemErrors = props.table.metricSystemErrorsForOperations({ operations, period: five });
    add('TableThrottles', 'DynamoDB throttled requests on the table (on-demand: a sudden burst beyond the table limits).', throttles, 1);
    add('TableSystemErrors', 'DynamoDB system errors (HTTP 500 from DynamoDB) on the table.', systemErrors, 1);

    // ---- dashboard: the same figures, then the business metrics (EMF, shared/metrics.ts)
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${stack.stackName}-operations` });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'API 5xx %', left: [rate], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'API latency p99 (ms)', left: [apiMetric('Latency', 'p99')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'API requests', left: [apiMetric('Count', 'Sum')], width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Lambda errors', left: Object.values(props.functions).map((f) => f.metricErrors({ period: five })), width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Lambda throttles', left: Object.values(props.functions).map((f) => f.metricThrottles({ period: five })), width: 12 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Dead-letter queues', left: Object.values(props.deadLetterQueues).map((q) => q.metricApproximateNumberOfMessagesVisible({ period: five })), width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Escalation executions',
        left: props.stateMachine ? [props.stateMachine.metricFailed({ period: five }), props.stateMachine.metricTimedOut({ period: five }), props.stateMachine.metricStarted({ period: five })] : [],
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'DynamoDB throttles', left: [throttles], width: 4 }),
      new cloudwatch.GraphWidget({ title: 'DynamoDB system errors', left: [systemErrors], width: 4 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Business: cases, problems, logins, freezes (per hour)',
        left: BUSINESS_METRICS.map((m) => new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: m, dimensionsMap: { service: 'jiujinban' }, statistic: 'Sum', period: Duration.hours(1) })),
        width: 24,
      }),
    );

    // ---- AWS Backup: daily kept 35 days, monthly kept a year (beside PITR's 35 days of restore points)
    const vault = new backup.BackupVault(this, 'Vault', { encryptionKey: props.key });
    const plan = new backup.BackupPlan(this, 'TablePlan', { backupVault: vault });
    plan.addRule(new backup.BackupPlanRule({ ruleName: 'Daily', scheduleExpression: events.Schedule.cron({ hour: '18', minute: '0' }), deleteAfter: Duration.days(35) }));
    plan.addRule(new backup.BackupPlanRule({ ruleName: 'Monthly', scheduleExpression: events.Schedule.cron({ day: '1', hour: '18', minute: '30' }), deleteAfter: Duration.days(366) }));
    const selection = plan.addSelection('Table', { resources: [backup.BackupResource.fromDynamoDbTable(props.table)] });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: 'The AWS Backup service role policy is what AWS Backup documents for taking backups; it is maintained with the service and used only by the backup service principal.',
    });
  }
}
