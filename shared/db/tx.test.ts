import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { db } from './client';
import { Tx } from './tx';
import { systemCtx } from '../http/context';
import { Conflict } from '../http/errors';

/** Tx's contract with DynamoDB, without a database: what it sends and how it reads refusals. */
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

let mock: ReturnType<typeof mockClient>;
beforeEach(() => {
  mock = mockClient(db() as DynamoDBDocumentClient);
});
afterEach(() => mock.restore());

const itemA = { pk: 'A#1', sk: 'A', version: 1 };
const tx = () =>
  new Tx(systemCtx('req-1', new Date('2026-03-02T00:00:00Z')))
    .put(itemA, { conflict: { code: 'DUPLICATE_A', message: 'A 已存在' } })
    .log({ action: 'a.created', targetType: 'A', targetId: '1' });

describe('Tx', () => {
  it('sends the change and its op-log entry in one TransactWriteItems', async () => {
    // Prepare
    mock.on(TransactWriteCommand).resolves({});
    // Act
    await tx().commit();
    // Assess
    const calls = mock.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(2);
    expect(items[1]!.Put!.Item).toMatchObject({ action: 'a.created', requestId: 'req-1', actorId: 'system', targetType: 'A' });
  });

  it('refuses a transaction without an operation-log entry', async () => {
    const bare = new Tx(systemCtx('req-2', new Date())).put({ pk: 'B#1', sk: 'B' });
    await expect(bare.commit()).rejects.toThrow('operation-log');
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('names the failed condition as a 409 with its own code and does not retry it', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    const err = await tx().commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Conflict);
    expect(err).toMatchObject({ status: 409, code: 'DUPLICATE_A' });
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('sends the same items again after a transaction conflict, and gives up after a few tries', async () => {
    mock.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).rejectsOnce(cancelled('TransactionConflict', 'None')).resolves({});
    await tx().commit();
    const calls = mock.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(3);
    expect(calls[2]!.args[0].input).toEqual(calls[0]!.args[0].input);

    mock.reset();
    mock.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
    await expect(tx().commit()).rejects.toMatchObject({ status: 409, code: 'TRANSACTION_CONFLICT' });
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(5);
  });
});
