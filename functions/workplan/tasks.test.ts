import { describe, expect, it } from 'vitest';
import { addDays } from '../../shared/clock';
import { PLAN_TASKS, evaluateTasks, kioskStageDate, type TaskFacts, type TaskState } from './tasks';

/**
 * The seven tasks on a seeded timeline of one county (two townships, a township point and two
 * village points), judged on the day of each deadline and the day after.
 */
const COUNTY = '141033000000';
const A = '141033100000';
const B = '141033200000';

function timeline(overrides: Partial<TaskFacts> = {}): Omit<TaskFacts, 'asOf'> {
  return {
    counties: [COUNTY],
    records: [
      { countyCode: COUNTY, item: 'plan_approved', date: '2024-03-10' },
      { countyCode: COUNTY, item: 'mobilisation_meeting', date: '2024-03-25' },
      // Sent to the city a week late.
      { countyCode: COUNTY, item: 'account_forms_to_city', date: '2024-05-06' },
      // The acceptance report is never recorded.
    ],
    points: [
      { id: 'P1', stage: 'accepted', needsKiosk: false, kiosks: [], funded: true, operators: [{ accountId: 'o1', trainedOn: '2024-07-10' }], townshipCode: A },
      {
        id: 'P2',
        stage: 'accepted',
        needsKiosk: true,
        kiosks: [{ stage: 'asset_transferred', stageDates: { delivered: '2024-06-01', debugged: '2024-06-20', asset_transferred: '2024-09-20' } }],
        funded: true,
        operators: [{ accountId: 'o2', trainedOn: '2024-07-12' }],
        townshipCode: A,
      },
      {
        id: 'P3',
        // Still in trial run: task 6 is never done.
        stage: 'trial_run',
        needsKiosk: true,
        kiosks: [{ stage: 'asset_transferred', stageDates: { delivered: '2024-06-01', debugged: '2024-07-25', asset_transferred: '2024-09-25' } }],
        funded: true,
        operators: [{ accountId: 'o3', trainedOn: '2024-07-28' }],
        townshipCode: B,
      },
    ],
    countyPosts: [{ countyCode: COUNTY, sysAdmin: true, bizAdmin: true, reviewers: [{ accountId: 'r1', trainedOn: '2024-06-15' }] }],
    publicity: [
      { townshipCode: A, date: '2024-09-10' },
      { townshipCode: B, date: '2024-10-05' },
    ],
    ...overrides,
  };
}

const stateOn = (asOf: string, facts = timeline()) => Object.fromEntries(evaluateTasks({ ...facts, asOf }).map((t) => [t.no, t]));
const due = (no: number) => PLAN_TASKS.find((t) => t.no === no)!.due;

describe('the plan tasks as of a date', () => {
  it('lists the seven tasks of 第五部分 with their deadlines', () => {
    expect(PLAN_TASKS.map((t) => [t.no, t.due])).toEqual([
      [1, '2024-03-31'],
      [2, '2024-04-30'],
      [3, '2024-05-31'],
      [4, '2024-06-30'],
      [5, '2024-07-31'],
      [6, '2024-08-31'],
      [7, '2024-09-30'],
    ]);
  });

  const cases: [number, string, TaskState, string | null][] = [
    // task, date, state, doneOn
    [1, '2024-03-24', 'in_progress', null],
    [1, due(1), 'done', '2024-03-25'],
    [1, addDays(due(1), 1), 'done', '2024-03-25'],
    [2, due(2), 'in_progress', null],
    [2, addDays(due(2), 1), 'overdue', null],
    [2, '2024-05-06', 'done_late', null],
    [3, due(3), 'done', null],
    [3, addDays(due(3), 1), 'done', null],
    [4, '2024-06-14', 'in_progress', null],
    [4, due(4), 'done', '2024-06-20'],
    [4, addDays(due(4), 1), 'done', '2024-06-20'],
    [5, '2024-07-27', 'in_progress', null],
    // The trial run is judged on the points' current stage (no date), so the task has no date.
    [5, due(5), 'done', null],
    [5, addDays(due(5), 1), 'done', null],
    [6, due(6), 'in_progress', null],
    [6, addDays(due(6), 1), 'overdue', null],
    [7, due(7), 'in_progress', null],
    [7, addDays(due(7), 1), 'overdue', null],
    [7, '2024-10-05', 'done_late', '2024-10-05'],
  ];
  it.each(cases)('task %i on %s is %s', (no, date, state, doneOn) => {
    // Act
    const t = stateOn(date)[no]!;
    // Assess
    expect(t.state).toBe(state);
    expect(t.doneOn).toBe(doneOn);
  });

  it('task 2 is late by its hand record although its other checks carry no date', () => {
    const t = stateOn('2024-05-10')[2]!;
    // Agreements and posts are current-state checks (no date): the task's date is unknown, but the
    // report to the city was recorded after the deadline.
    expect(t.state).toBe('done_late');
    expect(t.doneOn).toBeNull();
    expect(t.checks.find((c) => c.key === 'account_forms_to_city')).toMatchObject({ met: true, doneOn: '2024-05-06', byHand: true });
    expect(t.byHand).toEqual(['account_forms_to_city']);
  });

  it('a new, untrained operator at a point makes task 5 undone again (overdue after the deadline)', () => {
    // Prepare
    const facts = timeline();
    facts.points[0]!.operators.push({ accountId: 'o4' });
    // Act
    const before = stateOn(due(5), facts)[5]!;
    const after = stateOn(addDays(due(5), 1), facts)[5]!;
    // Assess
    expect(before.state).toBe('in_progress');
    expect(after.state).toBe('overdue');
    expect(after.checks.find((c) => c.key === 'staff_trained')).toMatchObject({ done: 2, of: 3, met: false });
  });

  it('a point with no active operator does not count as trained', () => {
    const facts = timeline();
    facts.points[1]!.operators = [];
    expect(stateOn('2024-08-01', facts)[5]!.checks.find((c) => c.key === 'staff_trained')).toMatchObject({ done: 2, of: 3, met: false });
  });

  it('task 4 needs a county backbone: none determined is not done', () => {
    const facts = timeline({ countyPosts: [{ countyCode: COUNTY, sysAdmin: true, bizAdmin: false, reviewers: [] }] });
    const t = stateOn('2024-07-01', facts);
    expect(t[4]!.state).toBe('overdue');
    expect(t[2]!.checks.find((c) => c.key === 'county_posts')).toMatchObject({ done: 1, of: 3, met: false });
  });

  it('records dated after the day judged do not count', () => {
    expect(stateOn('2024-03-09')[1]!.checks.map((c) => c.met)).toEqual([false, false]);
    expect(stateOn('2024-03-10')[1]!.checks.map((c) => c.met)).toEqual([true, false]);
  });

  it('a kiosk date is its own, a later stage passed on the way, or unknown when none were recorded', () => {
    expect(kioskStageDate({ stage: 'asset_transferred', stageDates: { asset_transferred: '2024-09-01' } }, 'debugged')).toBe('2024-09-01');
    expect(kioskStageDate({ stage: 'debugged' }, 'installed')).toBeNull();
    expect(kioskStageDate({ stage: 'installed', stageDates: { installed: '2024-06-01' } }, 'debugged')).toBeUndefined();
  });
});
