import { defineEntity, pad } from './define';

/**
 * A year of China's official working calendar loaded as data by the province business admin
 * (C4): the State Council's holidays and adjusted working days (调休). Loaded years take
 * precedence over the built-in chinese-days data; the current version is one item per year.
 */
export interface CalendarYearAttrs {
  year: number;
  /** Days off that would otherwise be working days (and holiday weekend days, harmlessly). */
  holidays: string[];
  /** Weekend days that are working days (调休). */
  workdays: string[];
  source: string;
  loadedAt: string;
  loadedBy: string;
  version: number;
}
export const CalendarYear = defineEntity<CalendarYearAttrs, { year: number }>({
  type: 'CalendarYear',
  key: ({ year }) => ({ pk: 'CALENDAR', sk: `YEAR#${year}` }),
});
export const calendarYears = () => ({ pk: 'CALENDAR', skPrefix: 'YEAR#' });

/** Every loaded version of a year, kept (the history behind the current item). */
export const CalendarYearVersion = defineEntity<CalendarYearAttrs, { year: number; version: number }>({
  type: 'CalendarYearVersion',
  key: ({ year, version }) => ({ pk: `CALENDAR#${year}`, sk: `V#${pad(version, 6)}` }),
});
export const calendarYearVersions = (year: number) => ({ pk: `CALENDAR#${year}`, skPrefix: 'V#' });
