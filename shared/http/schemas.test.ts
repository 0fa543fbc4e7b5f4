import { describe, expect, it } from 'vitest';
import { longText, noteText, person, personName, shortText } from './schemas';
import { AcceptCaseBody } from '../../functions/cases/schemas';
import { staffMember } from '../../functions/points/schemas';

/** Text a person reads shows what it holds: no hidden, reordering or broken characters; names hold letters. */
describe('readable text and names', () => {
  const hostile = {
    'right-to-left override': '\u202e员理管',
    'zero-width only': '\u200b\u200c\u200d',
    'zero-width joiner inside': '张\u200d三',
    'lone surrogate': '李\ud800四',
    NUL: '王\u0000五',
    'escape sequence': '赵\u001b[31m六',
    BOM: '孙\ufeff七',
  };

  it.each(Object.entries(hostile))('refuses %s in names, short text and notes', (_what, text) => {
    expect(personName().safeParse(text).success).toBe(false);
    expect(shortText().safeParse(text).success).toBe(false);
    expect(longText().safeParse(text).success).toBe(false);
    expect(noteText().safeParse(text).success).toBe(false);
  });

  it('a name needs a Han or Latin letter and may hold the middle dot', () => {
    expect(personName().safeParse('阿依古丽·买买提').success).toBe(true);
    expect(personName().safeParse('Maria Zhang').success).toBe(true);
    expect(personName().safeParse('···').success).toBe(false);
    expect(personName().safeParse('12345').success).toBe(false);
  });

  it('multi-line text keeps its line breaks', () => {
    expect(longText().safeParse('第一行\n第二行\t备注').success).toBe(true);
    expect(shortText().safeParse('一行\n两行').success).toBe(false);
  });

  it('applicants, proxies, staff and accounts are all checked, and the bad field is named', () => {
    const body = {
      itemCode: 'S01',
      channel: 'window',
      applicant: { name: '\u202e员理管', idNumber: '140000197508080017', phone: '13900000000' },
      proxy: { name: '\u200b', idNumber: '140000198012120024', phone: '13900000001', relation: '子女' },
      materialsNotified: [],
      materialsReceived: [],
    };
    const r = AcceptCaseBody.safeParse(body);
    expect(r.success).toBe(false);
    const fields = r.error!.issues.map((i) => i.path.join('.'));
    expect(fields).toContain('applicant.name');
    expect(fields).toContain('proxy.name');
    expect(staffMember.safeParse({ name: '\u0000', type: 'full_time' }).success).toBe(false);
    expect(person.safeParse({ name: '\u202e员理管', idNumber: '140000197508080017', phone: '13900000000' }).success).toBe(false);
  });
});
