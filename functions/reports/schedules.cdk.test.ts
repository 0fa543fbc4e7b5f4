import { describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { JobSchedules } from '../../infra/stacks/schedules';
import { SCHEDULES } from '../../shared/schedules';

/**
 * The report schedules through the infra's JobSchedules construct (no bundling: an inline
 * stand-in function is the target): EventBridge Scheduler cron in Asia/Shanghai, a dead-letter
 * queue, and the input the job reads (type and the scheduled time).
 */
describe('report schedules (CDK)', () => {
  it('are Scheduler schedules on the plan rhythm, Asia/Shanghai, with a DLQ and the scheduled time', () => {
    // Prepare
    const stack = new Stack(new App(), 'ReportSchedules');
    const fn = new lambda.Function(stack, 'Jobs', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>{}') });
    const reports = SCHEDULES.filter((s) => s.domain === 'reports');
    // Act
    const built = new JobSchedules(stack, 'Schedules', { schedules: reports, target: () => fn });
    const t = Template.fromStack(stack);
    // Assess
    const dlq = stack.getLogicalId(built.deadLetterQueue.node.defaultChild as never);
    for (const [type, expr] of [
      ['weekly', 'cron(0 8 ? * MON *)'],
      ['monthly', 'cron(0 8 1 * ? *)'],
      ['quarterly', 'cron(0 8 1 1,4,7,10 ? *)'],
    ] as const) {
      t.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expr,
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        Target: Match.objectLike({
          Input: JSON.stringify({ type, scheduledTime: '<aws.scheduler.scheduled-time>' }),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        }),
      });
    }
    t.resourceCountIs('AWS::Scheduler::Schedule', 3);
  });
});
