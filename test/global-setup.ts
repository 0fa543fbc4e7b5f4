import type { TestProject } from 'vitest/node';
import { startDynamoLocal, type LocalDynamo } from '../infra/local/dynamo';

/** One DynamoDB Local (in memory, random port) per test run; each test file makes its own table. */
let dynamo: LocalDynamo | undefined;

export async function setup(project: TestProject): Promise<void> {
  dynamo = await startDynamoLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
