/** Period keys the way the reports name them (Asia/Shanghai): 2024-W23, 2024-06, 2024-Q2. */
export type PeriodType = 'weekly' | 'monthly' | 'quarterly';
export const TYPE_NAMES: Record<PeriodType, string> = { weekly: '周小结', monthly: '月盘点', quarterly: '季考评' };

const shanghaiToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - dow + 3); // Thursday of this week
  const year = d.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round((d.getTime() - jan4.getTime()) / 86_400_000 / 7 - ((jan4.getUTCDay() + 6) % 7) / 7 + 3 / 7);
  return `${year}-W${String(Math.floor(week)).padStart(2, '0')}`;
}

/** The last `n` periods of a type, the one in progress first. */
export function recentPeriods(type: PeriodType, n = 12): string[] {
  const out: string[] = [];
  const today = shanghaiToday();
  const [y, m] = today.split('-').map(Number) as [number, number];
  for (let i = 0; i < n; i++) {
    if (type === 'monthly') {
      const d = new Date(Date.UTC(y, m - 1 - i, 1));
      out.push(d.toISOString().slice(0, 7));
    } else if (type === 'quarterly') {
      const q0 = y * 4 + Math.floor((m - 1) / 3) - i;
      out.push(`${Math.floor(q0 / 4)}-Q${(q0 % 4) + 1}`);
    } else {
      const d = new Date(`${today}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - 7 * i);
      out.push(isoWeek(d.toISOString().slice(0, 10)));
    }
  }
  return out;
}

export function periodLabel(key: string): string {
  let m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (m) return `${m[1]}年第${Number(m[2])}周`;
  m = /^(\d{4})-Q(\d)$/.exec(key);
  if (m) return `${m[1]}年第${m[2]}季度`;
  m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  return key;
}
