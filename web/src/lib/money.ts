/** Money is kept in fen by the API; people read 元 with two decimals (console.md). */
export const formatYuan = (fen: number | null | undefined) =>
  fen === null || fen === undefined ? '—' : `${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;
export const formatRate = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);

export const STAGE_NAMES: Record<string, string> = {
  planned: '规划',
  set_up: '设立',
  agreement_signed: '签订协议',
  accounts_configured: '账号配置',
  trial_run: '试运行',
  accepted: '验收',
  in_operation: '正式运行',
  suspended: '暂停',
  closed: '撤销',
};
export const STAGE_LINE = ['planned', 'set_up', 'agreement_signed', 'accounts_configured', 'trial_run', 'accepted', 'in_operation'] as const;
export const DEVICE_STAGE_NAMES: Record<string, string> = {
  delivered: '到货',
  distributed: '分发',
  registered: '登记',
  installed: '安装',
  debugged: '调试',
  asset_transferred: '资产划转',
};
export const DEVICE_LINE = ['delivered', 'distributed', 'registered', 'installed', 'debugged', 'asset_transferred'] as const;
export const KIND_NAMES: Record<string, string> = { township: '乡镇', community_committee: '社区联合党委', village: '行政村', community: '社区' };
export const CHANNEL_NAMES: Record<string, string> = { window: '窗口', self_service: '自助', assisted: '帮办', home_visit: '上门办' };
export const LEVEL_NAMES: Record<string, string> = { county: '县级', city: '市级', province: '省级' };
export const ACCOUNT_STATUS_NAMES: Record<string, string> = { active: '正常', frozen: '冻结', locked: '锁定', deregistered: '注销' };
export const REQUEST_STATUS_NAMES: Record<string, string> = { filed: '待审批', approved: '已批准', rejected: '已驳回', fulfilled: '已办结' };
export const REQUEST_KIND_NAMES: Record<string, string> = { create: '新开账号', change: '变更', deregister: '注销' };
