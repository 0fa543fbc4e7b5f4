import * as z from 'zod';
import { isoDate, longText, version } from '../../shared/http/schemas';

const dateList = z.array(isoDate).max(366, { message: '最多 366 天' });

/** A year of the State Council's holiday notice, as loaded by the province business admin. */
export const LoadYearBody = z
  .strictObject({
    year: z.number().int().min(2000).max(2100),
    holidays: dateList.min(1, { message: '至少一天法定节假日' }),
    workdays: dateList,
    /** The notice it comes from, e.g. 国务院办公厅关于2027年部分节假日安排的通知. */
    source: longText(500),
    /** Required when the year is already loaded: the version being replaced. */
    version: version.optional(),
  })
  .superRefine((b, ctx) => {
    const check = (list: string[], field: 'holidays' | 'workdays') => {
      const seen = new Set<string>();
      list.forEach((d, i) => {
        if (!d.startsWith(`${b.year}-`)) ctx.addIssue({ code: 'custom', path: [field, i], message: `不属于 ${b.year} 年` });
        if (seen.has(d)) ctx.addIssue({ code: 'custom', path: [field, i], message: '重复的日期' });
        seen.add(d);
      });
    };
    check(b.holidays, 'holidays');
    check(b.workdays, 'workdays');
    b.workdays.forEach((d, i) => {
      if (b.holidays.includes(d)) ctx.addIssue({ code: 'custom', path: ['workdays', i], message: '同一天不能既是假日又是调休工作日' });
      const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
      if (!Number.isNaN(wd) && wd !== 0 && wd !== 6) ctx.addIssue({ code: 'custom', path: ['workdays', i], message: '调休工作日应为周六或周日' });
    });
  });

export const YearPath = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });

export const CalendarYearView = z
  .object({
    year: z.number(),
    source: z.enum(['loaded', 'builtin', 'provisional']),
    provisional: z.boolean(),
    holidays: z.array(z.string()),
    workdays: z.array(z.string()),
    notice: z.string().optional(),
    version: z.number().optional(),
    loadedAt: z.string().optional(),
    recomputedCases: z.number().optional(),
    changedDueDates: z.number().optional(),
  })
  .meta({ id: 'CalendarYear' });
