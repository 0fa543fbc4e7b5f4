import { describe, expect, it } from 'vitest';
import { addDays, dateShanghai, isoWeekOf, weekShanghai } from './clock';

describe('business dates (Asia/Shanghai)', () => {
  it('reads the Shanghai date of an instant, across the UTC day boundary', () => {
    expect(dateShanghai(new Date('2025-09-30T16:30:00Z'))).toBe('2025-10-01');
    expect(weekShanghai(new Date('2025-11-09T16:30:00Z'))).toBe('2025-W46'); // Monday 00:30 in Shanghai
  });

  it('numbers ISO weeks at the year boundaries the reports and counters share', () => {
    expect(isoWeekOf('2024-06-03')).toBe('2024-W23');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01');
  });

  it('moves calendar dates by days, across months and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
  });
});
