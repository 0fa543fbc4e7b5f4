import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { api, unwrap } from '../api/client';

/**
 * Working days left until a due date, on China's business calendar (GET /public/calendar/{year}:
 * holidays and the weekend days made working days): the working days after today up to the due date.
 */
export function useWorkingDaysLeft(dueDate: string | undefined): number | undefined {
  const today = dayjs().format('YYYY-MM-DD');
  const years = dueDate ? Array.from(new Set([today.slice(0, 4), dueDate.slice(0, 4)])).sort() : [];
  const cal = useQuery({
    queryKey: ['calendar', years.join(',')],
    queryFn: async () => Promise.all(years.map((y) => unwrap(api.GET('/public/calendar/{year}', { params: { path: { year: Number(y) } } })))),
    enabled: Boolean(dueDate),
    staleTime: 24 * 3600_000,
  });
  if (!dueDate || !cal.data) return undefined;
  const holidays = new Set(cal.data.flatMap((c) => c.holidays));
  const workdays = new Set(cal.data.flatMap((c) => c.workdays));
  return workingDaysBetween(today, dueDate, holidays, workdays);
}

/** Working days after `from` up to and including `to`; negative (working days late) when `to` is past. */
export function workingDaysBetween(from: string, to: string, holidays: Set<string>, workdays: Set<string>): number {
  const isWorking = (d: dayjs.Dayjs) => {
    const s = d.format('YYYY-MM-DD');
    return workdays.has(s) || (d.day() !== 0 && d.day() !== 6 && !holidays.has(s));
  };
  const [a, b, sign] = to >= from ? [dayjs(from), dayjs(to), 1] : [dayjs(to), dayjs(from), -1];
  let n = 0;
  for (let d = a.add(1, 'day'), i = 0; !d.isAfter(b, 'day') && i < 800; d = d.add(1, 'day'), i++) if (isWorking(d)) n++;
  return sign * n;
}

export function daysLeftText(n: number | undefined, overdue?: boolean): string {
  if (overdue) return n !== undefined && n < 0 ? `已超期 ${-n} 个工作日` : '已超期';
  if (n === undefined) return '';
  if (n <= 0) return '今日到期';
  return `还剩 ${n} 个工作日`;
}
