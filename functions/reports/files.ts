/**
 * Large report files: too big for a Lambda reply, so they are stored and handed out as a link.
 * Deployed: the reports bucket (REPORTS_BUCKET) with a pre-signed GET link valid for 15 minutes.
 * Local mode: a folder (.data/reports) served by the local-only route GET /reports/{id}/files/{file}.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { config } from '../../shared/config';
import { isoShanghai } from '../../shared/clock';
import type { ReportAttrs } from '../../shared/db/entities';

const LINK_SECONDS = 15 * 60;
let s3: S3Client | undefined;
/** S3 and the presigner load with the first large file, not with every cold start of the reports function. */
async function s3Api() {
  const { GetObjectCommand, PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  s3 ??= new S3Client({ region: config().region });
  return { client: s3, GetObjectCommand, PutObjectCommand, getSignedUrl };
}

export interface FileLink {
  url: string;
  expiresAt: string;
}

export async function fileLink(
  report: Pick<ReportAttrs, 'id' | 'revision' | 'regionCode' | 'type' | 'period'>,
  name: string,
  bytes: Buffer,
  contentType: string,
  disposition: string,
  now: Date,
): Promise<FileLink> {
  const cfg = config();
  if (!cfg.localMode) {
    if (!cfg.reportsBucket) throw new Error('REPORTS_BUCKET is not configured');
    // Key by region/type/period so the bucket reads like the archive it is.
    const key = `reports/${report.regionCode}/${report.type}/${report.period}/${name}`;
    const { client, GetObjectCommand, PutObjectCommand, getSignedUrl } = await s3Api();
    await client.send(new PutObjectCommand({ Bucket: cfg.reportsBucket, Key: key, Body: bytes, ContentType: contentType, ContentDisposition: disposition }));
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: cfg.reportsBucket, Key: key }), { expiresIn: LINK_SECONDS });
    return { url, expiresAt: isoShanghai(new Date(now.getTime() + LINK_SECONDS * 1000)) };
  }
  await mkdir(cfg.reportsDir, { recursive: true });
  await writeFile(join(cfg.reportsDir, name), bytes);
  return { url: `/reports/${report.id}/files/${name}`, expiresAt: isoShanghai(new Date(now.getTime() + LINK_SECONDS * 1000)) };
}

export async function readLocalFile(name: string): Promise<Buffer | undefined> {
  try {
    return await readFile(join(config().reportsDir, name));
  } catch {
    return undefined;
  }
}
