import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Powertools Tracer (X-Ray, the functions run with active tracing): every AWS SDK client is
 * wrapped so each call is a subsegment with its service, operation and latency. Outside Lambda
 * (local mode, tests) the tracer is disabled and clients come back unchanged.
 */
export const tracer = new Tracer({ serviceName: 'jiujinban' });

export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client as Parameters<typeof tracer.captureAWSv3Client>[0]) as T;
}
