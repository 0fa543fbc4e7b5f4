/**
 * XLSX export of every list route (api.md "Console support"): a GET whose reply is
 * `{items, nextCursor}` answers `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`
 * with the rows its filter selects, at most EXPORT_MAX_ROWS. Done once, here, for all list routes:
 * the route's own operation is called page by page with the caller's context, so its
 * authorization, scope (out of scope 404) and masking apply unchanged; the columns come from the
 * route's declared item schema, with Chinese headers; ID numbers and mobile numbers are masked
 * again on the way out, whatever the reply held (a reviewer's clear view never lands in a file).
 */
import type * as z from 'zod';
import { maskIdNumber, maskPhone } from '../security/pii';
import type { RouteSpec } from './route';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const EXPORT_MAX_ROWS = 10_000;
const PAGE = 200; // pageQuery's maximum
const CELL_MAX = 32_000; // Excel's cell limit is 32,767 characters

type Def = { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType>; element?: z.ZodType; in?: z.ZodType };
const defOf = (s: z.ZodType | undefined): Def | undefined => (s as unknown as { _zod?: { def: Def } } | undefined)?._zod?.def;

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  for (let d = defOf(cur); d && ['optional', 'nullable', 'default', 'readonly', 'prefault', 'catch'].includes(d.type); d = defOf(cur)) cur = d.innerType;
  return cur;
}
const shapeOf = (s: z.ZodType | undefined): Record<string, z.ZodType> | undefined => {
  const d = defOf(unwrap(s));
  return d?.type === 'object' ? (d.shape as Record<string, z.ZodType>) : undefined;
};

/** The item schema of a list route (`listOf(item)`), or undefined when the route is not a list. */
export function listItemSchema(spec: Pick<RouteSpec, 'method' | 'response' | 'query'>): z.ZodType | undefined {
  if (spec.method !== 'GET') return undefined;
  const reply = shapeOf(spec.response);
  const query = shapeOf(spec.query);
  if (!reply?.items || !reply.nextCursor || !query?.cursor || !query.limit) return undefined;
  const items = defOf(unwrap(reply.items));
  return items?.type === 'array' ? items.element : undefined;
}

/** Staff and citizen lists only: a public list is not a bulk download for anyone who asks. */
export function wantsXlsx(spec: RouteSpec, accept: string | undefined): boolean {
  return spec.auth !== 'public' && !!accept && accept.toLowerCase().includes('spreadsheetml') && listItemSchema(spec) !== undefined;
}

/** Column paths of an item schema: nested objects flattened (applicant.name), arrays kept whole. */
export function columnsOf(item: z.ZodType, prefix = ''): string[] {
  const shape = shapeOf(item);
  if (!shape) return [prefix || 'value'];
  return Object.entries(shape).flatMap(([k, s]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    const d = defOf(unwrap(s));
    // Free-form records (before/after of an audit entry, details) stay one JSON column.
    return d?.type === 'object' && shapeOf(s) && Object.keys(shapeOf(s)!).length > 0 ? columnsOf(s, path) : [path];
  });
}

/** Headers by field path, then by the field's own name. */
const HEADERS: Record<string, string> = {
  id: '编号',
  number: '编号',
  name: '名称',
  kind: '类型',
  regionCode: '区划代码',
  regionPath: '区划路径',
  countyCode: '县级区划代码',
  address: '地址',
  'location.lat': '纬度',
  'location.lng': '经度',
  stage: '阶段',
  stageDate: '阶段日期',
  resumeStage: '恢复后阶段',
  hours: '办公时间',
  phone: '电话',
  createdAt: '创建时间',
  updatedAt: '更新时间',
  version: '版本',
  itemCode: '事项编码',
  itemName: '事项名称',
  catalogVersion: '目录版本',
  channel: '办理渠道',
  'applicant.name': '申请人姓名',
  'applicant.idNumber': '申请人身份证号',
  'applicant.phone': '申请人电话',
  'proxy.name': '代办人姓名',
  'proxy.idNumber': '代办人身份证号',
  'proxy.phone': '代办人电话',
  'proxy.relation': '代办人关系',
  materialsNotified: '已告知材料',
  materialsReceived: '已收材料',
  status: '状态',
  pointId: '服务点编号',
  pointName: '服务点',
  acceptorId: '受理人编号',
  acceptorName: '受理人',
  terminalId: '终端号',
  acceptedAt: '受理时间',
  dueDate: '办结时限',
  timeLimitWorkingDays: '时限（工作日）',
  pausedWorkingDays: '暂停工作日',
  paused: '暂停计时',
  warning: '临期预警',
  overdue: '逾期',
  calendarProvisional: '日历为暂定',
  violations: '一次性告知违规',
  'decision.decision': '审核结论',
  'decision.reason': '审核理由',
  'decision.at': '审核时间',
  'decision.byName': '审核人',
  'result.text': '办理结果',
  'result.delivery': '结果送达方式',
  'result.at': '办结时间',
  'rating.score': '评价分数',
  'rating.comment': '评价内容',
  'rating.at': '评价时间',
  'risk.level': '风险等级',
  'risk.expectedDecisionDate': '预计审核日期',
  'risk.basis': '风险依据',
  'risk.basis.ahead': '风险依据：排在前面的办件数',
  'risk.basis.aheadCapped': '风险依据：排队数已封顶',
  'risk.basis.weeks': '风险依据：统计周数',
  'risk.basis.decisions': '风险依据：近期审核件数',
  'risk.basis.workingDays': '风险依据：统计工作日数',
  'risk.basis.perWorkingDay': '风险依据：日均审核件数',
  'risk.basis.workingDaysNeeded': '风险依据：预计所需工作日',
  'risk.basis.slackWorkingDays': '风险依据：余量工作日',
  'risk.basis.dueDate': '风险依据：办结期限',
  'risk.basis.text': '风险说明',
  'publicKey.kty': '设备公钥类型',
  'publicKey.crv': '设备公钥曲线',
  'publicKey.x': '设备公钥 x',
  'publicKey.y': '设备公钥 y',
  keyRegisteredAt: '公钥登记时间',
  onTime: '按时办结',
  steps: '办理步骤',
  checkCode: '查询码',
  category: '类别',
  businessCategory: '业务类别',
  description: '问题描述',
  suggestion: '建议',
  caseId: '关联办件',
  screenshots: '截图',
  filerId: '提出人编号',
  filerName: '提出人',
  level: '层级',
  'holder.regionCode': '承办单位区划',
  'holder.accountId': '承办人编号',
  'holder.name': '承办人',
  'holder.since': '承办起始时间',
  deadline: '答复期限',
  answer: '答复',
  answeredAt: '答复时间',
  promisedBy: '承诺解决日期',
  filedAt: '提出时间',
  resolvedAt: '解决时间',
  flowActive: '升级流程运行中',
  flowFailed: '升级流程失败',
  history: '流转记录',
  idNumber: '身份证号',
  roles: '角色',
  managerLevel: '管理层级',
  lastLoginAt: '最近登录',
  frozenAt: '冻结时间',
  lockedAt: '锁定时间',
  unlockedAt: '解锁时间',
  deregisteredAt: '注销时间',
  statusReason: '状态原因',
  requestId: '申请单编号',
  pendingRequestId: '待办申请单',
  at: '时间',
  actorId: '操作人编号',
  actorName: '操作人',
  role: '角色',
  sourceIp: '来源IP',
  action: '操作',
  targetType: '对象类型',
  targetId: '对象编号',
  before: '变更前',
  after: '变更后',
  'person.name': '姓名',
  'person.idNumber': '身份证号',
  'person.phone': '电话',
  reason: '理由',
  decidedAt: '决定时间',
  decidedBy: '决定人',
  accountId: '账号编号',
  filedBy: '提交人',
  'baseStandard.office': '有办公场所',
  'baseStandard.furniture': '有办公家具',
  'baseStandard.computer': '有电脑',
  'baseStandard.internet': '有网络',
  'baseStandard.kiosk': '有自助终端',
  'baseStandard.publicBoard': '有公示栏',
  'baseStandard.staff': '工作人员',
  publishedAt: '发布时间',
  publishedBy: '发布人',
  itemCount: '事项数',
  note: '备注',
  overrideReason: '特别说明',
  basedOn: '基于版本',
  added: '新增',
  changed: '变更',
  retired: '停用',
  current: '当前',
  problemId: '问题编号',
  message: '内容',
  accountName: '人员',
  designatedBy: '指定人',
  designatedAt: '指定时间',
  score: '评分',
  comment: '评价内容',
  openedAt: '开始时间',
  closedAt: '关闭时间',
  closedByName: '关闭人',
  resolution: '处理结果',
  'decision.approve': '是否批准',
  'decision.byAccountId': '决定人编号',
  accountCreatedAt: '账号创建时间',
  rolesLinkedAt: '角色关联时间',
  closedMonth: '办结月份',
  type: '类型',
  period: '期间',
  periodStart: '期间开始',
  periodEnd: '期间结束',
  regionName: '区划',
  regionLevel: '区划层级',
  revision: '版本号',
  generatedAt: '生成时间',
  trigger: '生成方式',
  replaces: '替代报告',
  summary: '摘要',
  from: '原阶段',
  to: '新阶段',
  date: '日期',
  recordedBy: '记录人',
  recordedAt: '记录时间',
  inspector: '检查人',
  checklist: '检查表',
  passed: '是否通过',
  result: '结果',
  failedItems: '不合格项',
  remarks: '备注',
  serialNumber: '序列号',
  assetNumber: '资产编号',
  model: '型号',
  stageDates: '各阶段日期',
  'stepAt': '步骤时间',
  'queuedAt': '列入复核时间',
  'since': '追溯起始时间',
  'case.applicantName': '申请人姓名',
  'case.applicantIdNumber': '申请人身份证号',
  'outcome': '复核结论',
  'clearedAt': '复核时间',
  'clearedByName': '复核人',
  'reReview.queued': '已列入复核步骤数',
  'reReview.already': '此前已列入数',
  'reReview.more': '尚有未列入',
  'organiserRegionCode': '组织单位区划代码',
  'organiserRegionName': '组织单位',
  'organiserLevel': '组织层级',
  'topic': '培训主题',
  'mode': '培训方式',
  'place': '地点',
  'trainer': '授课人',
  'attended': '出席人数',
  'absent': '缺席人数',
  'kindName': '类别',
  'title': '标题',
  'reach.people': '覆盖人数',
  'reach.copies': '发放份数',
  'expenditure.amountFen': '补助支出金额（分）',
  'expenditure.voucherNumber': '凭证号',
};
/** Where a field means a person, not a thing (an account's name is 姓名, a point's 名称). */
const BY_ROUTE: Record<string, Record<string, string>> = {
  '/accounts': { name: '姓名', id: '账号编号' },
  '/account-requests': { 'person.name': '姓名', id: '申请单编号' },
};
const LAST_WORD: Record<string, string> = { name: '姓名', idNumber: '身份证号', phone: '电话', at: '时间', reason: '理由', id: '编号' };

export function headerOf(path: string, route?: string): string {
  const own = route ? BY_ROUTE[route]?.[path] : undefined;
  if (own) return own;
  if (HEADERS[path]) return HEADERS[path]!;
  const last = path.split('.').at(-1)!;
  const head = path.includes('.') ? HEADERS[path.split('.')[0]!] : undefined;
  if (head && (HEADERS[last] || LAST_WORD[last])) return `${head}${LAST_WORD[last] ?? HEADERS[last]}`;
  return HEADERS[last] ?? path;
}

const VALUES: Record<string, Record<string, string>> = {
  stage: { planned: '规划', set_up: '设立', agreement_signed: '签订协议', accounts_configured: '账号配置', trial_run: '试运行', accepted: '验收', in_operation: '正式运行', suspended: '暂停', closed: '撤销' },
  kind: { township: '乡镇', community_committee: '社区联合党委', village: '行政村', community: '社区' },
  channel: { window: '窗口', self_service: '自助', assisted: '帮办', home_visit: '上门办' },
  level: { county: '县级', city: '市级', province: '省级' },
  category: { system: '系统问题', functional: '功能问题', guidance: '业务指导' },
  managerLevel: { county: '县级', province: '省级' },
  role: { sys_admin: '系统管理员', biz_admin: '业务管理员', operator: '业务操作员', reviewer: '审核员', supervisor: '督导' },
  status: {
    accepted: '已受理', submitted: '已提交审核', returned: '已退回补正', approved: '已批准', rejected: '不予办理', completed: '已办结',
    open: '待答复', answered: '已答复', resolved: '已解决',
    active: '正常', frozen: '冻结', locked: '锁定', deregistered: '注销',
    filed: '已提交', decided: '已决定', account_created: '已创建账号', roles_linked: '已关联角色', fulfilled: '已办结', refused: '未批准',
  },
};
VALUES.roles = VALUES.role!;

const ID_RE = /\b(\d{6})(\d{8})(\d{3}[\dXx])\b/g;
const MOBILE_IN_TEXT = /\b(1[3-9]\d)(\d{4})(\d{4})\b/g;
/** Masks anything that looks like an ID number or a mobile number in free text. */
export function maskText(s: string): string {
  return s.replace(ID_RE, (m) => maskIdNumber(m)).replace(MOBILE_IN_TEXT, (m) => maskPhone(m));
}

function cell(path: string, v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  const field = path.split('.').at(-1)!;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (/idNumber$/i.test(field) && !v.includes('*')) return maskIdNumber(v);
    if (/phone$/i.test(field) && !v.includes('*') && /^1[3-9]\d{9}$/.test(v)) return maskPhone(v);
    return maskText(VALUES[field]?.[v] ?? v).slice(0, CELL_MAX);
  }
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return maskText(v.map((x) => VALUES[field]?.[String(x)] ?? String(x)).join('、')).slice(0, CELL_MAX);
  if (Array.isArray(v)) return v.length;
  return maskText(JSON.stringify(v)).slice(0, CELL_MAX);
}

const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((a, k) => (a && typeof a === 'object' ? (a as Record<string, unknown>)[k] : undefined), o);

const SHEETS: Record<string, string> = { '/cases': '办件', '/points': '服务点', '/problems': '问题', '/accounts': '账号', '/audit': '操作日志', '/account-requests': '账号申请', '/reports': '报告' };

export type ListPage = { items: unknown[]; nextCursor: string | null };

/**
 * Runs the list operation page by page (the caller's own filter, from the first page) and
 * writes the rows as one sheet. Returns the file and whether the row limit cut it short.
 */
export async function exportList(
  spec: RouteSpec,
  page: (cursor: string | undefined, limit: number) => Promise<ListPage>,
  now: Date,
  maxRows = EXPORT_MAX_ROWS,
): Promise<{ bytes: Buffer; rows: number; truncated: boolean; fileName: string }> {
  const columns = columnsOf(listItemSchema(spec)!);
  const rows: unknown[] = [];
  let cursor: string | undefined;
  let truncated = false;
  do {
    const got = await page(cursor, Math.min(PAGE, maxRows - rows.length));
    rows.push(...got.items);
    cursor = got.nextCursor ?? undefined;
    if (rows.length >= maxRows && cursor) truncated = true;
  } while (cursor && rows.length < maxRows);
  rows.length = Math.min(rows.length, maxRows);

  // Loaded on the first export only: exceljs is most of a bundle's load time.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = '就近办';
  wb.created = now;
  const sheet = SHEETS[spec.path] ?? '列表';
  const ws = wb.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: headerOf(c, spec.path), width: Math.min(40, Math.max(10, headerOf(c, spec.path).length * 2 + 4)) }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(columns.map((c) => cell(c, get(r, c))));
  const about = wb.addWorksheet('说明');
  about.columns = [{ header: '项目', width: 16 }, { header: '内容', width: 60 }];
  about.addRow(['导出时间', now.toISOString()]);
  about.addRow(['行数', rows.length]);
  about.addRow(['是否截断', truncated ? `是：只导出前 ${maxRows} 行，请缩小筛选范围` : '否']);
  about.addRow(['说明', '身份证号、手机号已脱敏；仅含本人权限范围内的记录']);
  const day = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return { bytes: Buffer.from(await wb.xlsx.writeBuffer()), rows: rows.length, truncated, fileName: `${sheet}-${day}.xlsx` };
}
