import dayjs from 'dayjs';

/** The conventions users notice (console.md): 2026年12月1日, masked IDs, role names in Chinese. */
export const formatDate = (d: string | undefined | null) => (d ? dayjs(d).format('YYYY年M月D日') : '—');
export const formatDateTime = (d: string | undefined | null) => (d ? dayjs(d).format('YYYY年M月D日 HH:mm') : '—');

export const ROLE_NAMES: Record<string, string> = {
  sys_admin: '系统管理员',
  biz_admin: '业务管理员',
  operator: '业务操作员',
  reviewer: '审核员',
  supervisor: '督导',
};
export const roleNames = (roles: string[] | undefined) => (roles ?? []).map((r) => ROLE_NAMES[r] ?? r).join('、');

/** Masks an ID number the way the API does, for anything the console itself shows. */
export function maskId(id: string | undefined): string {
  if (!id) return '—';
  return id.includes('*') || id.length < 8 ? id : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}
