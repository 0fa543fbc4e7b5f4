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

/** The catalogue's four categories, in the order the clerk's item list groups them. */
export const CATEGORY_NAMES: Record<string, string> = { find_job: '找工作', learn_skill: '学技术', insurance: '办社保', card: '用社保卡' };
export const CHANNEL_NAMES: Record<string, string> = { window: '窗口办', assisted: '帮办', home_visit: '上门办', self_service: '自助办' };
export const STATUS_NAMES: Record<string, string> = {
  accepted: '已受理',
  submitted: '已报送待审',
  returned: '退回补正',
  approved: '审核通过',
  rejected: '已驳回',
  completed: '已办结',
};
/** Solid tag colours dark enough for white text (WCAG AA); antd's preset light tags are not. */
export const TAG = { info: '#0b57a4', gold: '#874d00', warn: '#ad4e00', danger: '#a8071a', ok: '#237804', grey: '#434343' } as const;
export const STATUS_COLORS: Record<string, string> = { accepted: TAG.info, submitted: TAG.gold, returned: TAG.warn, approved: TAG.ok, rejected: TAG.danger, completed: TAG.grey };
