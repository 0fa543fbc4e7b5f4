import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { OP_LOG_PK_PREFIX } from '../../shared/db/entities/platform';

/**
 * The operation log made tamper-evident beyond IAM (S1): every stream record of a log partition
 * becomes one object in the archive (an S3 bucket with Object Lock in compliance mode, so not
 * even an administrator can rewrite or delete it before its retention ends). Inserts are the log;
 * a MODIFY or REMOVE of a log item (which IAM denies) is archived too, as evidence. The object key
 * is the log entry's own id, so a retried batch writes the same object again (idempotent).
 */
export interface ArchivedRecord {
  event: 'INSERT' | 'MODIFY' | 'REMOVE';
  sequence: string;
  approximateAt?: string;
  item: Record<string, unknown>;
  before?: Record<string, unknown>;
}

export interface ArchiveSink {
  put(key: string, body: string): Promise<void>;
}

/** The archive key of a record: by partition and sort key, one object per log entry (and event kind). */
export function archiveKey(r: ArchivedRecord): string {
  const pk = String(r.item.pk ?? r.before?.pk);
  const sk = String(r.item.sk ?? r.before?.sk);
  const at = String(r.item.at ?? r.before?.at ?? '').slice(0, 10) || 'undated';
  const name = r.event === 'INSERT' ? `${sk}.json` : `${sk}.${r.event.toLowerCase()}.${r.sequence}.json`;
  return `oplog/${at}/${encodeURIComponent(pk)}/${encodeURIComponent(name)}`;
}

export function recordsOf(event: DynamoDBStreamEvent): Array<{ id: string; record?: ArchivedRecord }> {
  return event.Records.map((r) => {
    const id = r.dynamodb?.SequenceNumber ?? r.eventID ?? '';
    const image = r.dynamodb?.NewImage ? unmarshall(r.dynamodb.NewImage as Record<string, AttributeValue>) : {};
    const old = r.dynamodb?.OldImage ? unmarshall(r.dynamodb.OldImage as Record<string, AttributeValue>) : undefined;
    const pk = String(image.pk ?? old?.pk ?? '');
    if (!pk.startsWith(OP_LOG_PK_PREFIX)) return { id };
    return {
      id,
      record: {
        event: r.eventName as ArchivedRecord['event'],
        sequence: id,
        ...(r.dynamodb?.ApproximateCreationDateTime ? { approximateAt: new Date(r.dynamodb.ApproximateCreationDateTime * 1000).toISOString() } : {}),
        item: image,
        ...(old ? { before: old } : {}),
      },
    };
  });
}

/** Archives a batch; the records that failed are reported back (partial-batch response) and retried. */
export async function archiveBatch(event: DynamoDBStreamEvent, sink: ArchiveSink): Promise<DynamoDBBatchResponse> {
  const failures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const { id, record } of recordsOf(event)) {
    if (!record) continue;
    try {
      await sink.put(archiveKey(record), JSON.stringify(record));
    } catch {
      // Streams are ordered: report this record and stop, so it and everything after it retry.
      failures.push({ itemIdentifier: id });
      break;
    }
  }
  return { batchItemFailures: failures };
}

let s3Sink: ArchiveSink | undefined;
async function bucketSink(): Promise<ArchiveSink> {
  if (s3Sink) return s3Sink;
  const { PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const { traced } = await import('../../shared/trace');
  const bucket = process.env.OPLOG_ARCHIVE_BUCKET;
  if (!bucket) throw new Error('OPLOG_ARCHIVE_BUCKET is not configured');
  const s3 = traced(new S3Client({ region: process.env.AWS_REGION }));
  s3Sink = {
    put: async (key, body) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }));
    },
  };
  return s3Sink;
}

/** The Lambda export (DynamoDB stream event source, filtered to log partitions). */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => archiveBatch(event, await bucketSink());
