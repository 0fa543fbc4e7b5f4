import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';

let doc: DynamoDBDocumentClient | undefined;
let raw: DynamoDBClient | undefined;

/** The process-wide DynamoDB client, created once (module scope in Lambda, reused per request). */
export function dynamo(): DynamoDBClient {
  if (!raw) {
    const c = config();
    raw = new DynamoDBClient({
      region: c.region,
      ...(c.dynamoEndpoint
        ? { endpoint: c.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
    });
  }
  return raw;
}

export function db(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(dynamo(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return doc;
}

export function tableName(): string {
  return config().tableName;
}

/** Tests point the process at another endpoint or table. */
export function resetDb(): void {
  doc = undefined;
  raw = undefined;
}
