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
/**
 * Text a person reads (names, notes, reasons) must show what it holds: no control characters
 * (NUL, escapes; line breaks only in multi-line text), no format characters (bidi overrides
 * such as U+202E that make "员理管" show as 管理员, zero-width spaces and joiners, BOM) and no
 * unpaired surrogate halves.
 */
const CONTROL_LINE = /[\p{Cc}]/u;
const CONTROL_MULTILINE = /[^\P{Cc}\n\r\t]/u;
const FORMAT = /\p{Cf}/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export function unreadable(text: string, multiline = false): string | undefined {
  if (LONE_SURROGATE.test(text)) return '含有不成对的代理字符';
  if ((multiline ? CONTROL_MULTILINE : CONTROL_LINE).test(text)) return '含有控制字符';
  if (FORMAT.test(text)) return '含有不可见的格式字符（方向控制、零宽字符）';
  return undefined;
}
const readable = (multiline: boolean) => (text: string, ctx: z.RefinementCtx) => {
  const why = unreadable(text, multiline);
  if (why) ctx.addIssue({ code: 'custom', message: why });
};

export const shortText = (max = 200) =>
  z.string().trim().min(1, { message: '不能为空' }).max(max, { message: `最长 ${max} 字` }).superRefine(readable(false));
export const longText = (max = 2000) =>
  z.string().trim().min(1, { message: '不能为空' }).max(max, { message: `最长 ${max} 字` }).superRefine(readable(true));
/** An optional note or remark (may be empty). */
export const noteText = (max = 500) => z.string().trim().max(max, { message: `最长 ${max} 字` }).superRefine(readable(true));

/** A person's name: readable, with at least one Han or Latin letter; the middle dot of minority names (·) is fine. */
const NAME_LETTER = /[\p{Script=Han}A-Za-z\u00C0-\u024F]/u;
export const personName = (max = 50) =>
  shortText(max)
    .refine((n) => n === '' || NAME_LETTER.test(n), { message: '姓名应至少含一个汉字或拉丁字母' }) // empty: min(1) says it
    .meta({ example: '阿依古丽·买买提' });

export const person = z.strictObject({
  name: personName(50),
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
