import { describe, expect, it } from 'vitest';
import { SCHEDULES, type ScheduleDef } from '../../shared/schedules';
import { cronMatches, nextRun } from './scheduler';

/** The next run the start banner shows for each schedule, in Asia/Shanghai (UTC+8, no DST). */
const cronOf = (name: string): ScheduleDef['cron'] => SCHEDULES.find((s) => s.name === name)!.cron;

describe('next run of a schedule', () => {
  it('finds the next firing minute of each schedule after a given moment', () => {
    // Prepare: Tuesday 2026-12-01 23:30 in Shanghai
    const at = new Date('2026-12-01T23:30:00+08:00');
    // Act + Assess
    expect(nextRun(cronOf('accounts-lock-inactive'), at)?.toISOString()).toBe(new Date('2026-12-02T01:00:00+08:00').toISOString());
    expect(nextRun(cronOf('reports-weekly'), at)?.toISOString()).toBe(new Date('2026-12-07T08:00:00+08:00').toISOString());
    expect(nextRun(cronOf('reports-monthly'), at)?.toISOString()).toBe(new Date('2027-01-01T08:00:00+08:00').toISOString());
    expect(nextRun(cronOf('accounts-monthly-audit'), at)?.toISOString()).toBe(new Date('2027-01-01T07:30:00+08:00').toISOString());
    expect(nextRun(cronOf('reports-quarterly'), at)?.toISOString()).toBe(new Date('2027-01-01T08:00:00+08:00').toISOString());
  });

  it('is strictly after the moment given, and is a minute the schedule fires at', () => {
    const at = new Date('2026-12-07T08:00:00+08:00'); // a weekly run itself
    const next = nextRun(cronOf('reports-weekly'), at)!;
    expect(next.toISOString()).toBe(new Date('2026-12-14T08:00:00+08:00').toISOString());
    for (const s of SCHEDULES) expect(cronMatches(s.cron, nextRun(s.cron, at)!)).toBe(true);
  });

  it('answers undefined for a schedule that never fires again', () => {
    expect(nextRun({ minute: '0', hour: '8', day: '1', year: '2020' }, new Date('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});
