import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { archiveBatch, archiveKey, type ArchivedRecord } from './archive';

/** The op-log archive function on stream records: log items only, one object each, partial-batch failures. */
const rec = (name: 'INSERT' | 'MODIFY' | 'REMOVE', seq: string, item: Record<string, unknown>, old?: Record<string, unknown>) => ({
  eventName: name,
  dynamodb: { SequenceNumber: seq, NewImage: name === 'REMOVE' ? undefined : (marshall(item) as never), OldImage: old ? (marshall(old) as never) : undefined },
});
const log = (id: string) => ({ pk: 'LOG#Case#c1', sk: `LOG#${id}`, at: '2026-03-02T09:00:00+08:00', action: 'case.accepted', actorId: 'a1' });

describe('op-log archive', () => {
  it('archives each log insert once under its own id, skips other items, and keeps a MODIFY of a log item as evidence', async () => {
    // Prepare
    const put: Array<[string, ArchivedRecord]> = [];
    const event = { Records: [rec('INSERT', '1', log('01A')), rec('INSERT', '2', { pk: 'CASE#c1', sk: 'CASE' }), rec('MODIFY', '3', { ...log('01A'), action: 'x' }, log('01A'))] } as unknown as DynamoDBStreamEvent;
    // Act
    const out = await archiveBatch(event, { put: async (k, b) => void put.push([k, JSON.parse(b)]) });
    // Assess
    expect(out.batchItemFailures).toEqual([]);
    expect(put.map(([k]) => k)).toEqual(['oplog/2026-03-02/LOG%23Case%23c1/LOG%2301A.json', 'oplog/2026-03-02/LOG%23Case%23c1/LOG%2301A.modify.3.json']);
    expect(put[1]![1]).toMatchObject({ event: 'MODIFY', before: { action: 'case.accepted' }, item: { action: 'x' } });
    expect(archiveKey(put[0]![1])).toBe(put[0]![0]);
  });

  it('reports the first record that failed and stops (ordered retry of it and what follows)', async () => {
    const event = { Records: [rec('INSERT', '1', log('01A')), rec('INSERT', '2', log('01B')), rec('INSERT', '3', log('01C'))] } as unknown as DynamoDBStreamEvent;
    const put: string[] = [];
    const out = await archiveBatch(event, {
      put: async (k) => {
        if (k.includes('01B')) throw new Error('S3 down');
        put.push(k);
      },
    });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(put).toHaveLength(1);
  });
});
