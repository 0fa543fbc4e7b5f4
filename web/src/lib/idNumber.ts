/**
 * GB 11643-1999 citizen ID number: 17 digits and a check character (ISO 7064 MOD 11-2), checked
 * as the clerk types so a slip is caught before the form is sent.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** undefined when valid, else the Chinese reason (partial input gets a gentle hint). */
export function idNumberProblem(raw: string): string | undefined {
  const v = raw.trim().toUpperCase();
  if (!v) return '请输入身份证号';
  if (!/^\d{0,17}[\dX]?$/.test(v)) return '身份证号只能是数字，最后一位可以是 X';
  if (v.length < 18) return `还差 ${18 - v.length} 位`;
  const birth = v.slice(6, 14);
  const y = Number(birth.slice(0, 4));
  const m = Number(birth.slice(4, 6));
  const d = Number(birth.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || date.getTime() > Date.now()) return '出生日期不正确';
  const expected = idCheckDigit(v.slice(0, 17));
  if (v[17] !== expected) return `校验位不对：最后一位应为 ${expected}，请核对`;
  return undefined;
}

export const isMobile = (v: string) => /^1[3-9]\d{9}$/.test(v.trim());
