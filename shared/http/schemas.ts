import * as z from 'zod';
import { idNumberProblem, MOBILE_RE, normalizeIdNumber } from '../security/pii';

/** Field schemas shared by every domain; domains compose these, never re-declare them. */
export const idNumber = z
  .string()
  .max(18, { message: '身份证号应为18位' })
  .transform((s) => normalizeIdNumber(s))
  .superRefine((s, ctx) => {
    const problem = idNumberProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: '居民身份证号 (GB 11643, 18 位，含校验码)', example: '140000197508080017' });

export const mobile = z
  .string()
  .regex(MOBILE_RE, { message: '手机号应为11位中国大陆手机号' })
  .meta({ example: '13912345678' });

export const regionCode = z.string().regex(/^\d{12}$/, { message: '区划代码应为12位数字' }).meta({ example: '141033000000' });
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: '日期格式应为 YYYY-MM-DD' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: '无效日期',
  })
  .refine((s) => s >= '2000-01-01' && s <= '2100-12-31', { message: '日期超出范围 (2000–2100)' });
export const monthKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '月份格式应为 YYYY-MM' });
export const ulidId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: '无效的编号' });
export const version = z.number().int().min(1).max(1_000_000_000);
export const shortText = (max = 200) => z.string().trim().min(1, { message: '不能为空' }).max(max, { message: `最长 ${max} 字` });
export const longText = (max = 2000) => z.string().trim().min(1, { message: '不能为空' }).max(max, { message: `最长 ${max} 字` });

export const person = z.strictObject({
  name: shortText(50),
  idNumber,
  phone: mobile,
});

/** ?limit=&cursor= on every list. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2048).optional(),
};

export const idParam = z.strictObject({ id: z.string().min(1).max(64) });

export const errorEnvelope = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .meta({ id: 'Error' });

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
