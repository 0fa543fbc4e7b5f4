import { queryAll } from '../../shared/db/store';
import { heldWithStatus, problemsAtUnit, type ProblemAttrs, type ProblemStatus } from '../../shared/db/entities';
import { PROVINCE_CODE, bucketsUnder, requireRegion } from '../../shared/regions';
import type { EscalationInput } from './flow';

/**
 * The problems an escalation flow should be watching (flowActive, not failed): open ones awaiting
 * an answer and answered ones within their follow-up window. Deployed, Step Functions keeps their
 * executions waiting; a local runtime that was stopped finds them here to start them again.
 *
 * Every holding unit (the province task force, each city, each county) is a partition of gsi2
 * (PROBLEMS_AT#unit, status#deadline#id): one Query per unit and watched status, so the cost grows
 * with the units and the problems still open, never with the resolved ledger.
 */
const WATCHED: ProblemStatus[] = ['open', 'answered'];

export async function problemsToWatch(concurrency = 8): Promise<EscalationInput[]> {
  const province = await requireRegion(PROVINCE_CODE);
  const units = await bucketsUnder(province);
  const queries = units.flatMap((unit) =>
    WATCHED.map((status) => ({
      ...problemsAtUnit(unit),
      skPrefix: heldWithStatus(status),
      filter: { expression: 'flowActive = :yes AND (attribute_not_exists(flowFailed) OR flowFailed = :no)', values: { ':yes': true, ':no': false } },
    })),
  );
  const found: ProblemAttrs[] = [];
  for (let i = 0; i < queries.length; i += concurrency) {
    const pages = await Promise.all(queries.slice(i, i + concurrency).map((q) => queryAll<ProblemAttrs>(q)));
    for (const items of pages) found.push(...items);
  }
  return found.map((p) => ({ problemId: p.id, category: p.category, round: p.flowRound }));
}
