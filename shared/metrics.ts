import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Business metrics as CloudWatch Embedded Metric Format (Powertools Metrics): one JSON line in the
 * function's log per flush, no PutMetricData call. The dashboard (infra/constructs/operations.ts)
 * reads exactly these names. Locally (POWERTOOLS_DEV / not in Lambda) they go to the console log.
 */
export const METRICS_NAMESPACE = 'Jiujinban';
export const BUSINESS_METRICS = ['CasesAccepted', 'CasesReviewed', 'CasesOverdue', 'ProblemsEscalated', 'Logins', 'FailedLogins', 'Freezes'] as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[number];

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'jiujinban' });

/** Counts one business event; flushed at the end of the request (shared/http/pipeline.ts) or the job. */
export function count(name: BusinessMetric, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}
