import { beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { Tx } from '../db/tx';
import { CalendarYear } from '../db/entities';
import { systemCtx } from '../http/context';
import { addWorkingDays, dueDateOf, forgetCalendarCache, isWorkingDay, previousWorkingDay, workingDaysBetween, yearCalendar } from './index';

beforeAll(async () => {
  await prepareTable();
});

describe('the official calendar (chinese-days for 2024–2026)', () => {
  it('knows that 2026-02-14 is a working Saturday (调休) and 2026-02-16 a Spring Festival Monday off', async () => {
    const sat = await isWorkingDay('2026-02-14');
    const mon = await isWorkingDay('2026-02-16');
    expect(sat).toEqual({ value: true, provisional: false, provisionalYears: [] });
    expect(mon.value).toBe(false);
    expect((await isWorkingDay('2026-02-07')).value).toBe(false); // an ordinary Saturday
  });

  it('keeps 2025-10-01..08 off and 2025-09-28 / 2025-10-11 working (National Day 2025)', async () => {
    for (let d = 1; d <= 8; d++) expect((await isWorkingDay(`2025-10-0${d}`)).value, `2025-10-0${d}`).toBe(false);
    expect((await isWorkingDay('2025-09-28')).value).toBe(true);
    expect((await isWorkingDay('2025-10-11')).value).toBe(true);
    expect((await isWorkingDay('2025-10-09')).value).toBe(true);
  });

  it('adds working days across the National Day week and counts them back', async () => {
    // 09-30 (1), [10-01..08 off], 10-09 (2), 10-10 (3), Sat 10-11 调休 (4), Mon 10-13 (5)
    expect((await addWorkingDays('2025-09-29', 5)).value).toBe('2025-10-13');
    expect((await addWorkingDays('2025-09-29', 0)).value).toBe('2025-09-29');
    expect((await workingDaysBetween('2025-09-30', '2025-10-10')).value).toBe(2);
    expect((await workingDaysBetween('2025-10-10', '2025-09-30')).value).toBe(0);
    expect((await previousWorkingDay('2025-10-13')).value).toBe('2025-10-11');
  });

  it('extends a due date by the working days a pause took', async () => {
    const due = await dueDateOf('2025-09-29', 5, [{ returnedOn: '2025-09-30', supplementedOn: '2025-10-10' }]);
    expect(due).toEqual({ dueDate: '2025-10-15', pausedWorkingDays: 2, provisional: false, provisionalYears: [] });
  });
});

describe('a year chinese-days does not know', () => {
  it('computes 2027 on plain weekdays and flags it provisional, then follows the loaded year', async () => {
    // Prepare / Act: before 2027 is loaded
    const before = await addWorkingDays('2026-12-28', 5);
    // Assess: 12-29, 12-30, 12-31, Fri 2027-01-01 (a guess), Mon 01-04
    expect(before).toEqual({ value: '2027-01-04', provisional: true, provisionalYears: [2027] });
    expect((await yearCalendar(2027)).source).toBe('provisional');

    // Prepare: the province loads 2027 (written straight to the table here; the endpoint is tested with the cases)
    await new Tx(systemCtx('test', new Date()))
      .put(CalendarYear.item({ year: 2027, holidays: ['2027-01-01'], workdays: [], source: '测试', loadedAt: '2026-11-20T10:00:00+08:00', loadedBy: 'test', version: 1 }))
      .log({ action: 'test.calendar', targetType: 'CalendarYear', targetId: '2027' })
      .commit();
    forgetCalendarCache();
    // Act
    const after = await addWorkingDays('2026-12-28', 5);
    // Assess
    expect(after).toEqual({ value: '2027-01-05', provisional: false, provisionalYears: [] });
    expect((await yearCalendar(2027)).source).toBe('loaded');
  });

  it('reads a known year from the table once per process (cached), a guessed one every time', async () => {
    forgetCalendarCache();
    const first = await yearCalendar(2025, 1_000);
    const second = await yearCalendar(2025, 2_000);
    expect(second).toBe(first);
    const guess = await yearCalendar(2030, 1_000);
    const again = await yearCalendar(2030, 2_000);
    expect(guess.source).toBe('provisional');
    expect(again).not.toBe(guess);
  });
});
