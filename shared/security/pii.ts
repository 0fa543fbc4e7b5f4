/**
 * Personal data rules: GB 11643 resident ID numbers, mainland mobile numbers, and masking.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
/** Province-level prefixes of GB/T 2260 (the first two digits of every resident ID number). */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** Why an ID number is invalid, or undefined when it is valid. */
export function idNumberProblem(raw: string, today: Date = new Date()): string | undefined {
  const id = raw.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号应为18位，前17位为数字，末位为数字或X';
  if (!PROVINCES.has(id.slice(0, 2))) return '身份证号地址码无效';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) {
    return '身份证号出生日期无效';
  }
  if (birth.getTime() > today.getTime()) return '身份证号出生日期在未来';
  if (idCheckDigit(id.slice(0, 17)) !== id[17]) return '身份证号校验码错误';
  return undefined;
}

export function normalizeIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

export const MOBILE_RE = /^1[3-9]\d{9}$/;

/** 1410**********0012: the first four and last four digits show. */
export function maskIdNumber(id: string): string {
  return `${id.slice(0, 4)}${'*'.repeat(Math.max(0, id.length - 8))}${id.slice(-4)}`;
}

/** 138****1234 */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}
