import { describe, expect, it } from 'vitest';
import { placementIssues } from './policy';

/**
 * Problems held at the city or province (E2 system/functional problems, E3 escalated guidance)
 * are answered by a reviewer of that unit; the accounts domain must let such an account exist.
 */
const PROVINCE = '140000000000';
const CITY = '140000000000/141000000000';
const COUNTY = `${CITY}/141033000000`;
const TOWNSHIP = `${COUNTY}/141033100000`;

describe('role placement', () => {
  it('places a reviewer at the province task force, the city and the county', () => {
    // Act + Assess
    expect(placementIssues(['reviewer'], PROVINCE, undefined)).toEqual([]);
    expect(placementIssues(['reviewer'], CITY, undefined)).toEqual([]);
    expect(placementIssues(['reviewer'], COUNTY, undefined)).toEqual([]);
  });

  it('still refuses a reviewer at a township and an operator above the township', () => {
    expect(placementIssues(['reviewer'], TOWNSHIP, undefined)).toEqual([{ field: 'roles', message: '角色 reviewer 不能设在此级区划' }]);
    expect(placementIssues(['operator'], COUNTY, 'P1').map((i) => i.field)).toEqual(['roles']);
  });
});
