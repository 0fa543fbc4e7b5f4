/**
 * Large report files: too big for a Lambda reply, so they are stored and handed out as a link.
 * Deployed: the reports bucket (REPORTS_BUCKET) with a pre-signed GET link valid for 15 minutes.
 * Local mode: a folder (.data/reports) served by the local-only route GET /reports/{id}/files/{file}.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '../../shared/config';
import { isoShanghai } from '../../shared/clock';
import type { ReportAttrs } from '../../shared/db/entities';

const LINK_SECONDS = 15 * 60;
let s3: S3Client | undefined;
const s3Client = () => (s3 ??= new S3Client({ region: config().region }));

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
    await s3Client().send(new PutObjectCommand({ Bucket: cfg.reportsBucket, Key: key, Body: bytes, ContentType: contentType, ContentDisposition: disposition }));
    const url = await getSignedUrl(s3Client(), new GetObjectCommand({ Bucket: cfg.reportsBucket, Key: key }), { expiresIn: LINK_SECONDS });
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
