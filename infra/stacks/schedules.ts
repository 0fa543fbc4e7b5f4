import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cronExpression, type ScheduleDef } from '../../shared/schedules';

export interface JobSchedulesProps {
  /** Normally shared/schedules.ts SCHEDULES; tests pass their own. */
  schedules: readonly ScheduleDef[];
  /** The Lambda that runs functions/<domain>/jobs.ts export <exportName>. */
  target: (def: ScheduleDef) => lambda.IFunction;
  /** CMK of the dead-letter queue (the stack passes its ops key; default SQS-managed). */
  key?: kms.IKey;
}

/**
 * One EventBridge Scheduler schedule per ScheduleDef, in the def's time zone (Asia/Shanghai),
 * each with retries and a dead-letter queue: a missed monthly job must be visible, not lost.
 */
export class JobSchedules extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly role: iam.Role;
  readonly schedules: scheduler.CfnSchedule[] = [];

  constructor(scope: Construct, id: string, props: JobSchedulesProps) {
    super(scope, id);
    const names = new Set<string>();
    for (const def of props.schedules) {
      if (names.has(def.name)) throw new Error(`schedule ${def.name} declared twice`);
      names.add(def.name);
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      ...(props.key ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.key } : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler: invoke the job Lambdas, dead-letter failures',
    });
    // Enumerated instead of grantSendMessages (whose KMS grant carries wildcard actions).
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
    if (props.key) this.role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.key.keyArn] }));

    const granted = new Set<lambda.IFunction>();
    for (const def of props.schedules) {
      const fn = props.target(def);
      if (!granted.has(fn)) {
        // The unqualified ARN only (what the schedule targets), not grantInvoke's ARN + ":*".
        this.role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
        granted.add(fn);
      }
      this.schedules.push(
        new scheduler.CfnSchedule(this, `Schedule-${def.name}`, {
          description: def.description.slice(0, 512),
          scheduleExpression: cronExpression(def),
          scheduleExpressionTimezone: def.timezone,
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          target: {
            arn: fn.functionArn,
            roleArn: this.role.roleArn,
            input: JSON.stringify(def.input),
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
          },
        }),
      );
    }
  }
}
