import * as z from 'zod';
import { RE_REVIEW_STATUSES } from '../../shared/db/entities';
import { pageQuery, shortText, version } from '../../shared/http/schemas';

/** Re-review after a leak freeze (functions/cases/re-reviews.ts). */
export const ReReviewListQuery = z.strictObject({ status: z.enum(RE_REVIEW_STATUSES).default('open'), ...pageQuery });
export const ClearReReviewBody = z.strictObject({
  outcome: z.enum(['confirmed', 'flagged']),
  note: shortText(500),
  version: version.optional(),
});
export const ReReviewView = z
  .object({
    id: z.string(),
    caseId: z.string(),
    action: z.string(),
    stepAt: z.string(),
    actorId: z.string(),
    actorName: z.string().optional(),
    status: z.enum(RE_REVIEW_STATUSES),
    queuedAt: z.string(),
    since: z.string(),
    pointId: z.string().optional(),
    case: z
      .object({ itemCode: z.string(), itemName: z.string(), status: z.string(), pointName: z.string(), dueDate: z.string(), applicantName: z.string(), applicantIdNumber: z.string() })
      .optional(),
    outcome: z.enum(['confirmed', 'flagged']).optional(),
    note: z.string().optional(),
    clearedAt: z.string().optional(),
    clearedByName: z.string().optional(),
    version: z.number(),
  })
  .meta({ id: 'ReReview' });
