import { SFNClient, StartExecutionCommand, ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { config } from '../../shared/config';
import type { ProblemCategory } from '../../shared/db/entities';

/** What an escalation execution starts with: the flow reads everything else from the table. */
export interface EscalationInput {
  problemId: string;
  category: ProblemCategory;
  round: number;
}
export type EscalationStarter = (input: EscalationInput) => Promise<void>;

let sfn: SFNClient | undefined;

/**
 * Deployed: StartExecution on the state machine named by ESCALATION_STATE_MACHINE_ARN. The name
 * is the problem id and round, so a retried start cannot run two flows for one problem.
 */
const stepFunctionsStarter: EscalationStarter = async (input) => {
  const arn = config().escalationStateMachineArn;
  if (!arn) throw new Error('no escalation state machine configured (ESCALATION_STATE_MACHINE_ARN) and no local runner registered');
  sfn ??= new SFNClient({ region: config().region });
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: `${input.problemId}-r${input.round}`, input: JSON.stringify(input) }));
  } catch (err) {
    if (err instanceof ExecutionAlreadyExists) return;
    throw err;
  }
};

let starter: EscalationStarter = stepFunctionsStarter;

/** The local runtime and tests put the in-process runner here. */
export function setEscalationStarter(fn: EscalationStarter | undefined): void {
  starter = fn ?? stepFunctionsStarter;
}

export function startEscalation(input: EscalationInput): Promise<void> {
  return starter(input);
}
