import * as z from 'zod';

/** A count and the first few items of one kind of waiting work. */
const entry = <T extends z.ZodType>(item: T) =>
  z.object({
    /** How many wait, counted up to 100. */
    count: z.number(),
    /** More than `count` wait (the count stopped at 100). */
    more: z.boolean(),
    /** The first five, most urgent first. */
    items: z.array(item),
  });

const CaseItem = z.object({
  id: z.string(),
  number: z.string(),
  itemName: z.string(),
  applicantName: z.string(),
  status: z.string(),
  dueDate: z.string(),
  pointName: z.string(),
});
const FollowUpItem = z.object({ id: z.string(), caseId: z.string(), pointId: z.string(), score: z.number(), reason: z.string().optional(), openedAt: z.string() });
const ProblemItem = z.object({ id: z.string(), number: z.string(), category: z.string(), status: z.string(), deadline: z.string(), description: z.string() });
const RequestItem = z.object({ id: z.string(), kind: z.string(), personName: z.string(), regionCode: z.string(), roles: z.array(z.string()), filedAt: z.string() });

export const TodoView = z
  .object({
    cases: z
      .object({
        toSupplement: entry(CaseItem).optional(),
        toComplete: entry(CaseItem).optional(),
        toReview: entry(CaseItem).optional(),
        overdue: entry(CaseItem).optional(),
      })
      .optional(),
    followUps: entry(FollowUpItem).optional(),
    problems: z.object({ held: entry(ProblemItem).optional(), answered: entry(ProblemItem).optional() }).optional(),
    accountRequests: z
      .object({ toDecide: entry(RequestItem).optional(), toCreate: entry(RequestItem).optional(), toLinkRoles: entry(RequestItem).optional() })
      .optional(),
  })
  .meta({ id: 'Todo' });
