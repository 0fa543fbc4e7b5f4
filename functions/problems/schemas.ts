import * as z from 'zod';
import { BUSINESS_CATEGORY_CODES, PROBLEM_CATEGORIES, PROBLEM_LEVELS, PROBLEM_STATUSES } from '../../shared/db/entities/problems';
import { isoDate, longText, pageQuery, regionCode, ulidId } from '../../shared/http/schemas';

const category = z.enum(PROBLEM_CATEGORIES, { message: `类别应为 ${PROBLEM_CATEGORIES.join(' / ')}` });
export const businessCategory = z.enum(BUSINESS_CATEGORY_CODES, { message: `业务类别应为 ${BUSINESS_CATEGORY_CODES.join(' / ')}` });

/** A screenshot reference (an uploaded object's key or an https URL), never the image itself. */
const screenshotRef = z
  .string()
  .min(1)
  .max(512)
  .regex(/^(https:\/\/|s3:\/\/|[A-Za-z0-9][A-Za-z0-9._/-]*$)/, { message: '截图应为已上传文件的引用 (键或 https 地址)' });

export const FileProblemBody = z
  .strictObject({
    category,
    businessCategory: businessCategory.optional(),
    description: longText(2000),
    suggestion: longText(2000),
    caseId: ulidId.optional(),
    screenshots: z.array(screenshotRef).max(10, { message: '最多 10 张截图' }).optional(),
  })
  .superRefine((b, ctx) => {
    // E3: guidance goes to the backbone of a business category, so it must name one.
    if (b.category === 'guidance' && !b.businessCategory) {
      ctx.addIssue({ code: 'custom', path: ['businessCategory'], message: '业务指导类问题须填写业务类别' });
    }
  });

export const AnswerBody = z.strictObject({
  answer: longText(2000),
  /** The date the holder promises the result by. */
  deadline: isoDate.optional(),
  /** County (or city): beyond our power — send it up at once. */
  beyondPower: z.boolean().optional(),
});


const yesNo = z.enum(['true', 'false'], { message: '应为 true 或 false' }).transform((v) => v === 'true');

export const ListProblemsQuery = z.strictObject({
  level: z.enum(PROBLEM_LEVELS, { message: `层级应为 ${PROBLEM_LEVELS.join(' / ')}` }).optional(),
  holder: z.union([z.literal('me'), ulidId], { message: '应为 me 或账号编号' }).optional(),
  status: z.enum(PROBLEM_STATUSES, { message: `状态应为 ${PROBLEM_STATUSES.join(' / ')}` }).optional(),
  overdue: yesNo.optional(),
  region: regionCode.optional(),
  category: category.optional(),
  ...pageQuery,
});

export const RegionPageQuery = z.strictObject({ region: regionCode.optional(), ...pageQuery });
export const PageOnlyQuery = z.strictObject({ ...pageQuery });

export const DesignateBody = z.strictObject({ accountId: ulidId });
export const DesignationParams = z.strictObject({ businessCategory });

const holderView = z.object({
  level: z.enum(PROBLEM_LEVELS),
  regionCode: z.string(),
  accountId: z.string().optional(),
  name: z.string().optional(),
  since: z.string(),
});

export const ProblemView = z
  .object({
    id: z.string(),
    number: z.string(),
    category,
    businessCategory: z.string().optional(),
    description: z.string(),
    suggestion: z.string(),
    caseId: z.string().optional(),
    screenshots: z.array(z.string()).optional(),
    filerId: z.string(),
    filerName: z.string(),
    regionCode: z.string(),
    status: z.enum(PROBLEM_STATUSES),
    level: z.enum(PROBLEM_LEVELS),
    holder: holderView,
    deadline: z.string(),
    overdue: z.boolean(),
    answer: z.string().optional(),
    answeredAt: z.string().optional(),
    promisedBy: z.string().optional(),
    filedAt: z.string(),
    resolvedAt: z.string().optional(),
    flowActive: z.boolean(),
    flowFailed: z.boolean().optional(),
    version: z.number(),
    history: z
      .array(
        z.object({
          at: z.string(),
          kind: z.string(),
          actorId: z.string(),
          actorName: z.string().optional(),
          level: z.string(),
          holderRegionCode: z.string(),
          holderId: z.string().optional(),
          holderName: z.string().optional(),
          deadline: z.string().optional(),
          note: z.string().optional(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem' });

export const DesignationView = z
  .object({
    countyCode: z.string(),
    businessCategory: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    designatedBy: z.string(),
    designatedAt: z.string(),
    version: z.number(),
  })
  .meta({ id: 'ProblemDesignation' });

export const ResponsibilityView = z
  .object({
    problemId: z.string(),
    number: z.string(),
    status: z.enum(PROBLEM_STATUSES),
    holder: holderView,
    deadline: z.string(),
    overdue: z.boolean(),
  })
  .meta({ id: 'ProblemResponsibility' });

export const NoticeView = z
  .object({
    id: z.string(),
    at: z.string(),
    problemId: z.string(),
    number: z.string(),
    kind: z.string(),
    level: z.string(),
    deadline: z.string().optional(),
    message: z.string(),
  })
  .meta({ id: 'ProblemNotice' });

export type FileProblemInput = z.output<typeof FileProblemBody>;
export type AnswerInput = z.output<typeof AnswerBody>;
export type ListProblemsInput = z.output<typeof ListProblemsQuery>;
export type RegionPageInput = z.output<typeof RegionPageQuery>;
export type PageInput = z.output<typeof PageOnlyQuery>;
