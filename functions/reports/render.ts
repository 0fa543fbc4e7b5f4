/**
 * A stored report as tables: the same sections feed CSV (UTF-8 with BOM, so Excel and WPS show
 * Chinese) and XLSX (a sheet per section, Chinese headers, frozen header row, yuan and percent
 * formats). Rendering only reads the stored content; it never recomputes a figure.
 */
import { CHANNELS, DEVICE_STAGES, POINT_STAGES } from '../../shared/db/entities';
import { DEVICE_STAGE_NAMES, STAGE_NAMES } from './milestones';
import { COMPONENT_NAMES, type ReportContent } from './build';
import { PUBLICITY_KINDS, PUBLICITY_KIND_NAMES } from '../../shared/db/entities';

export type CellFormat = 'text' | 'int' | 'yuan' | 'pct' | 'score' | 'decimal';
export interface Column {
  header: string;
  format: CellFormat;
  width?: number;
}
export interface Table {
  sheet: string;
  columns: Column[];
  rows: (string | number | null)[][];
}

const CHANNEL_NAMES: Record<string, string> = { window: '窗口', self_service: '自助', assisted: '帮办', home_visit: '上门/代办' };
const PROBLEM_CATEGORY_NAMES: Record<string, string> = { system: '系统问题', functional: '功能问题', guidance: '业务指导' };
const LEVEL_NAMES: Record<string, string> = { county: '县级', city: '市级', province: '省级' };
const TYPE_NAMES: Record<string, string> = { weekly: '周小结', monthly: '月盘点', quarterly: '季考评' };
const STATUS_NAMES: Record<string, string> = { met: '已完成', behind: '滞后', not_due: '未到期', untracked: '未跟踪' };
const ACCOUNT_STATUS_NAMES: Record<string, string> = { active: '正常', frozen: '冻结', locked: '锁定', deregistered: '注销' };

const t = (text: string): Column => ({ header: text, format: 'text' });
const n = (text: string): Column => ({ header: text, format: 'int' });

export function reportTables(c: ReportContent): Table[] {
  const s = c.sections;
  const tables: Table[] = [];
  tables.push({
    sheet: '概况',
    columns: [t('指标'), { header: '数值', format: 'text', width: 40 }],
    rows: [
      ['报告', `${c.region.name} ${TYPE_NAMES[c.type]} ${c.period.key}`],
      ['统计期', `${c.period.start} 至 ${c.period.end}`],
      ['生成时间', c.asOf],
      ['服务点（不含撤销）', s.points.live],
      ['正式运行服务点', s.points.byStage.in_operation ?? 0],
      ['自助设备完成安装调试的服务点', `${s.kiosks.pointsWithKioskDebugged}/${s.kiosks.pointsNeedingKiosk}`],
      ['受理办件', s.cases.accepted],
      ['办结办件', s.cases.closed],
      ['按时办结率', s.cases.onTimeRate === null ? '—' : `${(s.cases.onTimeRate * 100).toFixed(1)}%`],
      ['逾期未办结', s.cases.overdueOpen],
      ['未办结问题', s.problems.open],
      ['补助资金结余（元）', (s.funds.balanceFen / 100).toFixed(2)],
    ],
  });
  tables.push({
    sheet: '建设进度',
    columns: [t('节点'), t('截止日期'), { header: '目标', format: 'pct' }, n('已完成'), n('应完成'), { header: '完成率', format: 'pct' }, t('状态')],
    rows: s.points.milestones.map((m) => [m.nameZh, m.due, m.target, m.done, m.of, m.rate, STATUS_NAMES[m.status] ?? m.status]),
  });
  tables.push({
    sheet: '服务点阶段',
    columns: [t('阶段'), n('服务点数')],
    rows: [...POINT_STAGES.map((st) => [STAGE_NAMES[st], s.points.byStage[st] ?? 0]), ['合计', s.points.total]],
  });
  tables.push({
    sheet: '自助设备',
    columns: [t('设备阶段'), n('台数')],
    rows: [
      ...DEVICE_STAGES.map((st) => [DEVICE_STAGE_NAMES[st], s.kiosks.byStage[st] ?? 0]),
      ['合计', s.kiosks.total],
      ['应配设备的服务点', s.kiosks.pointsNeedingKiosk],
      ['已完成安装调试的服务点', s.kiosks.pointsWithKioskDebugged],
    ],
  });
  tables.push({
    sheet: '账号',
    columns: [t('项目'), n('数量')],
    rows: [
      ...Object.entries(s.accounts.byStatus).map(([k, v]) => [`账号（${ACCOUNT_STATUS_NAMES[k] ?? k}）`, v]),
      ['已配置账号（不含注销）', s.accounts.configured],
      ['已配置操作员', s.accounts.operatorsConfigured],
      ['正常状态操作员', s.accounts.operatorsActive],
      ['期内登录账号', s.accounts.loggedInInPeriod],
      ['有在岗操作员的服务点', s.accounts.pointsWithOperator],
    ],
  });
  tables.push({
    sheet: '办件',
    columns: [t('项目'), n('数量'), { header: '比率', format: 'pct' }],
    rows: [
      ['受理', s.cases.accepted, null],
      ['办结（含不予办理）', s.cases.closed, s.cases.completionRate],
      ['按时办结', s.cases.onTime, s.cases.onTimeRate],
      ['超时办结', s.cases.late, null],
      ['逾期未办结（生成时）', s.cases.overdueOpen, null],
      ['一次性告知违规', s.cases.violations, null],
      ['受理时高逾期风险', s.cases.highRisk.accepted, null],
      ['高风险件按时办结', s.cases.highRisk.onTime, s.cases.highRisk.closed > 0 ? s.cases.highRisk.onTime / s.cases.highRisk.closed : null],
      ['泄露冻结后待复核操作', s.cases.reReviews.queued, null],
      ['复核无误', s.cases.reReviews.confirmed, null],
      ['复核有误（已标记）', s.cases.reReviews.flagged, null],
      ...CHANNELS.map((ch) => [`渠道：${CHANNEL_NAMES[ch]}`, s.cases.byChannel[ch] ?? 0, null]),
    ],
  });
  if (s.cases.byItem) {
    tables.push({
      sheet: '办件-事项',
      columns: [t('事项代码'), { header: '事项名称', format: 'text', width: 30 }, n('受理'), n('办结'), n('超时办结')],
      rows: s.cases.byItem.map((i) => [i.code, i.name, i.accepted, i.closed, i.late]),
    });
  }
  if (c.points) {
    tables.push({
      sheet: '服务点',
      columns: [
        { header: '服务点', format: 'text', width: 24 },
        t('所属'),
        t('阶段'),
        n('受理'),
        n('办结'),
        { header: '办结率', format: 'pct' },
        { header: '按时办结率', format: 'pct' },
        n('逾期未办结'),
        n('告知违规'),
        { header: '评价均分', format: 'decimal' },
        n('差评'),
        { header: '补助下达（元）', format: 'yuan' },
        { header: '已支出（元）', format: 'yuan' },
        { header: '结余（元）', format: 'yuan' },
        { header: '得分', format: 'score' },
      ],
      rows: c.points.map((p) => [
        p.name,
        p.unitName,
        p.stageName,
        p.cases.accepted,
        p.cases.closed,
        p.completionRate,
        p.onTimeRate,
        p.overdueOpen,
        p.cases.violations,
        p.ratingAverage,
        p.cases.badRatings,
        p.allocatedFen,
        p.spentFen,
        p.balanceFen,
        p.score,
      ]),
    });
  }
  tables.push({
    sheet: '问题',
    columns: [t('层级'), n('未办结（生成时）'), n('逾期未答复（生成时）'), n('期内上移至此')],
    rows: [
      ...s.problems.byLevel.map((l) => [LEVEL_NAMES[l.level] ?? l.level, l.open, l.overdue, l.escalatedHere]),
      ['合计', s.problems.open, s.problems.overdue, s.problems.escalated],
      ['期内提交', s.problems.filed, null, null],
      // Reports stored before the problem counters existed have none of the rows below.
      ...Object.entries(s.problems.byCategory ?? {}).map(([c, v]) => [`期内提交：${PROBLEM_CATEGORY_NAMES[c] ?? c}`, v, null, null]),
      ...(s.problems.answered === undefined
        ? []
        : [
            ['期内答复', s.problems.answered, null, null],
            ['期内重新打开', s.problems.reopened, null, null],
            ['期内确认解决', s.problems.resolved, null, null],
          ]),
    ],
  });
  tables.push({
    sheet: '资金',
    columns: [t('项目'), { header: '金额（元）', format: 'yuan' }],
    rows: [
      [`${s.funds.year}年下达`, s.funds.allocatedFen],
      [`${s.funds.year}年已支出`, s.funds.spentFen],
      ['结余', s.funds.balanceFen],
      ['期内支出', s.funds.spentInPeriodFen],
    ],
  });
  tables.push({
    sheet: '好差评',
    columns: [t('项目'), { header: '数值', format: 'decimal' }],
    rows: [
      ['评价数', s.ratings.count],
      ['平均分', s.ratings.average],
      ['差评（1–2分）', s.ratings.bad],
    ],
  });
  const unitHeader = c.region.level === 'county' ? '乡镇' : '下级单位';
  // Reports stored before training, publicity and the tasks were tracked have none of these.
  if (s.training) tables.push(...workplanTables(c, unitHeader));
  tables.push({
    sheet: `${unitHeader}排名`,
    columns: [
      n('名次'),
      { header: unitHeader, format: 'text', width: 20 },
      { header: '得分', format: 'score' },
      n('服务点'),
      n('受理'),
      { header: '按时办结率', format: 'pct' },
      n('逾期未办结'),
      n('未办结问题'),
      { header: '结余（元）', format: 'yuan' },
    ],
    rows: [...c.units]
      .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9))
      .map((u) => [u.rank ?? null, u.name, u.score, u.points, u.cases.accepted, u.onTimeRate, u.overdueOpen, u.problemsOpen, u.balanceFen]),
  });
  if (c.ranking.points) {
    tables.push({
      sheet: '服务点排名',
      columns: [n('名次'), { header: '服务点', format: 'text', width: 24 }, t('所属'), { header: '得分', format: 'score' }],
      rows: c.ranking.points.map((p) => [p.rank, p.name, p.unitName, p.score]),
    });
  }
  tables.push({
    sheet: '排队督办',
    columns: [t('类别'), n('名次'), { header: '名称', format: 'text', width: 24 }, { header: '得分', format: 'score' }, { header: '滞后事项', format: 'text', width: 60 }],
    rows: [
      ...c.ranking.laggards.units.map((u) => [unitHeader, u.rank, u.name, u.score, u.lags.join('；')]),
      ...c.ranking.laggards.points.map((p) => ['服务点', p.rank, `${p.name}（${p.unitName}）`, p.score, p.lags.join('；')]),
    ],
  });
  if (c.assessment) {
    const keys = Object.keys(COMPONENT_NAMES) as (keyof typeof COMPONENT_NAMES)[];
    tables.push({
      sheet: '季度考评',
      columns: [
        { header: unitHeader, format: 'text', width: 20 },
        { header: '考评得分', format: 'score' },
        t('等次'),
        n('名次'),
        ...keys.map((k) => ({ header: COMPONENT_NAMES[k], format: 'pct' as const })),
      ],
      rows: c.assessment.map((a) => [a.name, a.score, a.grade, a.rank, ...keys.map((k) => a.components[k] ?? null)]),
    });
  }
  tables.push({
    sheet: '数据说明',
    columns: [t('部分'), { header: '来源', format: 'text', width: 36 }, { header: '说明', format: 'text', width: 70 }],
    rows: c.coverage.map((x) => [x.section, x.source, x.note]),
  });
  return tables;
}

const TRAINING_KIND_NAMES: Record<string, string> = { system_operation: '系统登录与操作培训', business: '业务培训', other: '其他培训' };
const ORGANISER_NAMES: Record<string, string> = { province: '省级组织', city: '市级组织', county: '县级组织', township: '乡镇组织' };

/** 人员培训, 宣传活动 and 工作任务 (functions/reports/workplan.ts). */
function workplanTables(c: ReportContent, unitHeader: string): Table[] {
  const s = c.sections;
  const tr = s.training;
  const pub = s.publicity;
  return [
    {
      sheet: '人员培训',
      columns: [t('项目'), n('数量'), { header: '比率', format: 'pct' }],
      rows: [
        ['期内培训场次', tr.sessions, null],
        ...Object.entries(tr.byKind).map(([k, v]) => [`　${TRAINING_KIND_NAMES[k] ?? k}`, v, null] as (string | number | null)[]),
        ...Object.entries(tr.byOrganiser).map(([k, v]) => [`　${ORGANISER_NAMES[k] ?? k}`, v, null] as (string | number | null)[]),
        ['期内培训参加人次', tr.attendedInSessions, null],
        ['期内培训缺席人次', tr.absentInSessions, null],
        ['在岗操作员', tr.operatorsActive, null],
        ['已参加业务培训的操作员', tr.operatorsTrained, tr.operatorsActive > 0 ? tr.operatorsTrained / tr.operatorsActive : null],
        ['服务点', tr.points, null],
        ['工作人员均已培训的服务点', tr.pointsStaffTrained, tr.trainedShare],
        ['县级业务骨干', tr.backbones, null],
        ['参加省级系统操作培训的业务骨干', tr.backbonesTrained, tr.backbones > 0 ? tr.backbonesTrained / tr.backbones : null],
        ...c.units.map((u) => [`${unitHeader}：${u.name}（已培训服务点/服务点）`, u.pointsStaffTrained, u.points > 0 ? u.pointsStaffTrained / u.points : null] as (string | number | null)[]),
      ],
    },
    {
      sheet: '宣传活动',
      columns: [t('项目'), n('活动数'), n('覆盖人数'), n('份数'), { header: '金额（元）', format: 'yuan' }],
      rows: [
        ['期内宣传活动', pub.activities, pub.reachPeople, pub.reachCopies, pub.linkedSpentFen],
        ...PUBLICITY_KINDS.map((k) => [`　${PUBLICITY_KIND_NAMES[k]}`, pub.byKind[k] ?? 0, null, null, null] as (string | number | null)[]),
        ['本年累计宣传活动', pub.yearToDate, null, null, null],
        ['资金台账期内宣传类支出', null, null, null, pub.ledgerPublicitySpentFen],
        ['其中未关联宣传活动的支出（笔）', pub.ledgerPublicityUnlinked, null, null, null],
        ...c.units.map((u) => [`${unitHeader}：${u.name}`, u.publicity.activities, u.publicity.people, u.publicity.copies, null] as (string | number | null)[]),
      ],
    },
    {
      sheet: '工作任务',
      columns: [n('序号'), { header: '任务', format: 'text', width: 40 }, t('截止日期'), t('状态'), t('完成日期'), { header: '各项完成情况', format: 'text', width: 80 }],
      rows: s.tasks.items.map((x) => [
        x.no,
        x.nameZh,
        x.due,
        x.stateName,
        x.doneOn ?? '',
        x.checks.map((ch) => `${ch.nameZh}${ch.byHand ? '（县级登记）' : ''}：${ch.met ? '已完成' : '未完成'} ${ch.done}/${ch.of}${ch.doneOn ? `（${ch.doneOn}）` : ''}`).join('；'),
      ]),
    },
  ];
}

// ── CSV ──────────────────────────────────────────────────────────────────────────────────

const BOM = '\uFEFF';

function csvCell(v: string | number | null, format: CellFormat): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (typeof v === 'number') {
    if (format === 'yuan') s = (v / 100).toFixed(2);
    else if (format === 'pct') s = `${(v * 100).toFixed(1)}%`;
    else s = String(v);
  } else s = v;
  // Quote when needed; a leading formula character is neutralised so a spreadsheet never runs it.
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(c: ReportContent): Buffer {
  const lines: string[] = [];
  for (const table of reportTables(c)) {
    lines.push(csvCell(`【${table.sheet}】`, 'text'));
    lines.push(table.columns.map((col) => csvCell(col.header, 'text')).join(','));
    for (const row of table.rows) lines.push(row.map((v, i) => csvCell(v, table.columns[i]!.format)).join(','));
    lines.push('');
  }
  return Buffer.from(BOM + lines.join('\r\n'), 'utf8');
}

// ── XLSX ─────────────────────────────────────────────────────────────────────────────────

const NUM_FMT: Record<CellFormat, string | undefined> = {
  text: undefined,
  int: '#,##0',
  yuan: '#,##0.00',
  pct: '0.0%',
  score: '0.0',
  decimal: '0.##',
};

export async function renderXlsx(c: ReportContent): Promise<Buffer> {
  // Loaded on the first XLSX only: exceljs is most of this function's bundle and its load time.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = '就近办';
  wb.created = new Date(c.asOf);
  for (const table of reportTables(c)) {
    const ws = wb.addWorksheet(table.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = table.columns.map((col) => ({ header: col.header, width: col.width ?? Math.max(10, col.header.length * 2 + 2) }));
    ws.getRow(1).font = { bold: true };
    for (const row of table.rows) {
      // Money is kept in fen; the sheet shows yuan.
      ws.addRow(row.map((v, i) => (typeof v === 'number' && table.columns[i]!.format === 'yuan' ? v / 100 : v)));
    }
    table.columns.forEach((col, i) => {
      const fmt = NUM_FMT[col.format];
      if (fmt) ws.getColumn(i + 1).eachCell((cell, rowNumber) => {
        if (rowNumber > 1) cell.numFmt = fmt;
      });
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
