import * as z from 'zod';
import { clock } from '../../shared/clock';
import { systemCtx } from '../../shared/http/context';
import { PROBLEM_LEVELS } from '../../shared/db/entities/problems';
import { logger } from '../../shared/log';
import { newId } from '../../shared/ids';
import { assignLevel, checkProblem, recordFlowFailure, remindHolder } from './service';

/**
 * The escalation state machine's Lambda tasks (infra/constructs/escalation.ts): one function,
 * the step named by `task`. Each step reads the problem item afresh and is safe to repeat, so
 * Step Functions may retry it after a timeout or a conflict.
 */
const problemId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/);
export const TaskInput = z.discriminatedUnion('task', [
  z.object({ task: z.literal('assign'), problemId, level: z.enum(PROBLEM_LEVELS) }),
  z.object({ task: z.literal('check'), problemId }),
  z.object({ task: z.literal('remind'), problemId }),
  z.object({ task: z.literal('recordFailure'), problemId, error: z.unknown().optional() }),
]);
export type TaskInput = z.input<typeof TaskInput>;

export async function runEscalationTask(raw: unknown): Promise<unknown> {
  const input = TaskInput.parse(raw);
  const ctx = systemCtx(`escalation-${newId()}`, clock.now());
  logger.info('escalation task', { task: input.task, problemId: input.problemId });
  switch (input.task) {
    case 'assign':
      return assignLevel(ctx, input.problemId, input.level);
    case 'check':
      return checkProblem(ctx, input.problemId);
    case 'remind':
      return remindHolder(ctx, input.problemId);
    case 'recordFailure':
      return recordFlowFailure(ctx, input.problemId, typeof input.error === 'string' ? input.error : JSON.stringify(input.error ?? 'unknown'));
  }
}

/** The Lambda export the state machine invokes. */
export const handler = (event: unknown) => runEscalationTask(event);

/**
 * EventBridge "Step Functions Execution Status Change" for an escalation execution that ended
 * without reaching its own RecordFailure step — TIMED_OUT (the execution's time limit) or ABORTED
 * (stopped by hand): the problem is marked flowFailed exactly as a failed step marks it, so the
 * ledger never shows a problem escalating that no longer is.
 */
const ExecutionEnded = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({ status: z.enum(['TIMED_OUT', 'ABORTED']), executionArn: z.string(), input: z.string().nullish() }),
});

export async function escalationEnded(raw: unknown): Promise<unknown> {
  const event = ExecutionEnded.parse(raw);
  const input = z.object({ problemId }).safeParse(JSON.parse(event.detail.input ?? '{}'));
  if (!input.success) {
    logger.error('escalation execution ended without a problem id in its input', { status: event.detail.status, executionArn: event.detail.executionArn });
    return { recorded: false };
  }
  const ctx = systemCtx(`escalation-ended-${newId()}`, clock.now());
  logger.warn('escalation execution ended abnormally', { status: event.detail.status, problemId: input.data.problemId });
  await recordFlowFailure(ctx, input.data.problemId, `execution ${event.detail.status.toLowerCase()}`);
  return { recorded: true };
}
