import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Unit tests run without DynamoDB Local: local mode, a key folder of their own, and an endpoint
 * that refuses connections, so that a test reaching for the table fails at once instead of
 * waiting (or reaching AWS).
 */
process.env.JJB_LOCAL_MODE = '1';
process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9';
process.env.TABLE_NAME = 'unit-tests-have-no-table';
process.env.JJB_LOCAL_KEY_DIR = mkdtempSync(join(tmpdir(), 'jjb-keys-'));
process.env.AWS_REGION = 'cn-north-1';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_DEV = 'true';
