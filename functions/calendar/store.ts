import { getItem } from '../../shared/db/store';
import { Tx } from '../../shared/db/tx';
import { CalendarYear, CalendarYearVersion, type CalendarYearAttrs } from '../../shared/db/entities';

export async function loadedYear(year: number): Promise<CalendarYearAttrs | undefined> {
  return getItem<CalendarYearAttrs>(CalendarYear.key({ year }), true);
}

/** The year's current item (first put, or replaced at its version) and its history entry, logged. */
export async function saveYear(tx: Tx, attrs: CalendarYearAttrs, previous?: CalendarYearAttrs): Promise<void> {
  if (previous) {
    tx.replace(CalendarYear.item({ ...attrs, version: previous.version }), previous.version);
  } else {
    tx.put(CalendarYear.item(attrs), { conflict: { code: 'YEAR_ALREADY_LOADED', message: `${attrs.year} 年已加载，请带 version 更新` } });
  }
  tx.put(CalendarYearVersion.item(attrs));
  await tx.commit();
}
