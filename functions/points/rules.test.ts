import { describe, expect, it } from 'vitest';
import { deviceOrderProblem, distanceMeters, inspectionVerdict, milestoneStatus, monthEnd, stageOrderProblem } from './rules';

const allTrue = { hasSign: true, hasWindow: true, hasEquipment: true, hasStaff: true, hasNetwork: true, hasSystem: true, canHandle: true };
const fullBase = { office: true, furniture: true, computer: true, internet: true, kiosk: true, publicBoard: true, staff: [{ name: '张三', type: 'part_time' as const }] };

describe('point lifecycle order', () => {
  it('allows exactly the next step, suspension from trial run on, closing from anywhere', () => {
    expect(stageOrderProblem('planned', 'set_up')).toBeUndefined();
    expect(stageOrderProblem('accepted', 'in_operation')).toBeUndefined();
    expect(stageOrderProblem('trial_run', 'suspended')).toBeUndefined();
    expect(stageOrderProblem('planned', 'closed')).toBeUndefined();
    expect(stageOrderProblem('suspended', 'in_operation', 'in_operation')).toBeUndefined();
  });

  it('names the missing steps of a skip, refuses going back, and resuming elsewhere', () => {
    expect(stageOrderProblem('planned', 'accounts_configured')).toMatchObject({ code: 'STAGE_OUT_OF_ORDER', missing: ['set_up', 'agreement_signed'] });
    expect(stageOrderProblem('in_operation', 'set_up')?.code).toBe('STAGE_BACKWARDS');
    expect(stageOrderProblem('set_up', 'suspended')?.code).toBe('STAGE_OUT_OF_ORDER');
    expect(stageOrderProblem('suspended', 'trial_run', 'in_operation')).toMatchObject({ missing: ['in_operation'] });
    expect(stageOrderProblem('closed', 'set_up')?.code).toBe('POINT_CLOSED');
    expect(stageOrderProblem('set_up', 'set_up')?.code).toBe('STAGE_UNCHANGED');
  });
});

describe('inspection verdict', () => {
  it('passes only a full checklist and base standard; the kiosk counts for villages only', () => {
    expect(inspectionVerdict(allTrue, fullBase, 'village')).toEqual({ passed: true, failedItems: [] });
    const noKiosk = { ...fullBase, kiosk: false };
    expect(inspectionVerdict(allTrue, noKiosk, 'township').passed).toBe(true);
    const v = inspectionVerdict({ ...allTrue, canHandle: false }, { ...noKiosk, staff: [] }, 'community');
    expect(v.passed).toBe(false);
    expect(v.failedItems).toEqual(['checklist.canHandle（能办事）', 'baseStandard.kiosk（自助设备）', 'baseStandard.staff（一名或以上专兼职工作人员）']);
  });
});

describe('kiosk order, distance, milestones, months', () => {
  it('names the skipped kiosk steps', () => {
    expect(deviceOrderProblem('delivered', 'distributed')).toBeUndefined();
    expect(deviceOrderProblem('delivered', 'installed')).toMatchObject({ missing: ['distributed', 'registered'] });
    expect(deviceOrderProblem('debugged', 'installed')?.code).toBe('STAGE_BACKWARDS');
  });

  it('measures great-circle distance in metres', () => {
    // Beijing → Shanghai is about 1,067 km.
    const d = distanceMeters({ lat: 39.9042, lng: 116.4074 }, { lat: 31.2304, lng: 121.4737 });
    expect(d).toBeGreaterThan(1_060_000);
    expect(d).toBeLessThan(1_075_000);
    expect(distanceMeters({ lat: 36.41, lng: 111.09 }, { lat: 36.41, lng: 111.09 })).toBe(0);
  });

  it('judges a milestone met, missed or pending', () => {
    expect(milestoneStatus(10, 50, 5, '2024-06-30', '2024-07-01').status).toBe('met');
    expect(milestoneStatus(10, 50, 4, '2024-06-30', '2024-07-01')).toMatchObject({ status: 'missed', required: 5 });
    expect(milestoneStatus(10, 100, 4, '2024-07-31', '2024-07-01').status).toBe('pending');
    expect(milestoneStatus(3, 50, 2, '2024-06-30', '2024-06-01').required).toBe(2);
  });

  it('knows the last day of a month', () => {
    expect(monthEnd('2024-02')).toBe('2024-02-29');
    expect(monthEnd('2025-02')).toBe('2025-02-28');
    expect(monthEnd('2024-07')).toBe('2024-07-31');
  });
});
