import { inject } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Every test file runs in local mode against the run's DynamoDB Local, with a table and a key
 * folder of its own (unique data per file).
 */
process.env.JJB_LOCAL_MODE = '1';
process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
process.env.TABLE_NAME = `test-${randomBytes(6).toString('hex')}`;
process.env.JJB_LOCAL_KEY_DIR = mkdtempSync(join(tmpdir(), 'jjb-keys-'));
process.env.AWS_REGION = 'cn-north-1';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_DEV = 'true';
