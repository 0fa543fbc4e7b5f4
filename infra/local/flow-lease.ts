import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../../shared/db/client';
import { ProblemFlowLease } from '../../shared/db/entities';

/**
 * One escalation execution per problem across every local runtime sharing the table: before it
 * runs a flow, a runtime claims the problem with a conditional write, renews the claim while the
 * flow runs and gives it back when the flow ends or the runtime stops. A runtime that dies
 * without giving it back loses it when it lapses, and the next sweep takes the flow over.
 */
export interface FlowLease {
  readonly owner: string;
  /** True if this runtime now holds the problem for `round`; false if a live holder has it. */
  acquire(problemId: string, round: number): Promise<boolean>;
  /** Extends the claim; false if it was lost (lapsed and taken over): the caller must stop its flow. */
  renew(problemId: string, round: number): Promise<boolean>;
  release(problemId: string, round: number): Promise<void>;
  readonly renewEveryMs: number;
}

export function newOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

const conditionFailed = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as { name?: string })?.name === 'ConditionalCheckFailedException';

export function flowLease(opts: { owner?: string; ttlMs?: number; now?: () => number } = {}): FlowLease {
  const owner = opts.owner ?? newOwner();
  const ttlMs = opts.ttlMs ?? 30_000;
  const now = opts.now ?? (() => Date.now());
  const expiry = () => {
    const at = now() + ttlMs;
    return { expiresAt: at, ttl: Math.ceil(at / 1000) + 3600 };
  };
  return {
    owner,
    renewEveryMs: Math.max(50, Math.floor(ttlMs / 3)),
    acquire: async (problemId, round) => {
      try {
        await db().send(
          new PutCommand({
            TableName: tableName(),
            Item: ProblemFlowLease.item({ problemId, round, owner, ...expiry() }),
            // Free, lapsed, or held for an older round (a reopen starts a new one).
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR #round < :round',
            ExpressionAttributeNames: { '#round': 'round' },
            ExpressionAttributeValues: { ':now': now(), ':round': round },
          }),
        );
        return true;
      } catch (err) {
        if (conditionFailed(err)) return false;
        throw err;
      }
    },
    renew: async (problemId, round) => {
      try {
        const { expiresAt, ttl } = expiry();
        await db().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: ProblemFlowLease.key({ problemId }),
            UpdateExpression: 'SET expiresAt = :exp, #ttl = :ttl',
            ConditionExpression: '#owner = :me AND #round = :round',
            ExpressionAttributeNames: { '#owner': 'owner', '#round': 'round', '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':exp': expiresAt, ':ttl': ttl, ':me': owner, ':round': round },
          }),
        );
        return true;
      } catch (err) {
        if (conditionFailed(err)) return false;
        throw err;
      }
    },
    release: async (problemId, round) => {
      try {
        await db().send(
          new DeleteCommand({
            TableName: tableName(),
            Key: ProblemFlowLease.key({ problemId }),
            ConditionExpression: '#owner = :me AND #round = :round',
            ExpressionAttributeNames: { '#owner': 'owner', '#round': 'round' },
            ExpressionAttributeValues: { ':me': owner, ':round': round },
          }),
        );
      } catch (err) {
        if (!conditionFailed(err)) throw err; // someone else's by now: theirs to give back
      }
    },
  };
}
