import { describe, expect, it } from 'vitest';
import { idCheckDigit, idNumberProblem, maskIdNumber, maskPhone, MOBILE_RE } from './pii';

describe('GB 11643 resident ID numbers', () => {
  it('accepts valid numbers, including the X check digit', () => {
    expect(idNumberProblem('140000197508080017')).toBeUndefined();
    const first17 = '14103319900101002';
    const id = `${first17}${idCheckDigit(first17)}`;
    expect(idNumberProblem(id)).toBeUndefined();
    // Find a number whose check digit is X and make sure it is accepted in lower case too.
    let x = '';
    for (let i = 0; i < 1000 && !x; i++) {
      const f = `14103319900101${String(i).padStart(3, '0')}`;
      if (idCheckDigit(f) === 'X') x = `${f}x`;
    }
    expect(idNumberProblem(x)).toBeUndefined();
  });

  it('names what is wrong: check digit, birth date, region prefix, shape', () => {
    expect(idNumberProblem('140000197508080018')).toContain('校验码');
    expect(idNumberProblem('140000197502300017')).toContain('出生日期');
    expect(idNumberProblem('990000197508080017')).toContain('地址码');
    expect(idNumberProblem('14000019750808001')).toContain('18位');
    const future = '14103330000101001';
    expect(idNumberProblem(`${future}${idCheckDigit(future)}`, new Date('2026-01-01'))).toBeDefined();
  });
});

describe('masking and mobile numbers', () => {
  it('shows the first and last four digits of an ID number and hides the middle of a phone', () => {
    expect(maskIdNumber('141033199001010012')).toBe('1410**********0012');
    expect(maskPhone('13912345678')).toBe('139****5678');
  });
  it('accepts mainland mobiles only', () => {
    expect(MOBILE_RE.test('13912345678')).toBe(true);
    expect(MOBILE_RE.test('12912345678')).toBe(false);
    expect(MOBILE_RE.test('1391234567')).toBe(false);
  });
});
