import { defineApi, route } from '../../shared/http/route';
import { listOf } from '../../shared/http/schemas';
import { AuditEntryView, AuditQuery, DashboardQuery, DashboardView, CreateReportBody, GetReportQuery, ListReportsQuery, ReportFileParams, ReportIdParams, ReportView } from './schemas';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const reportsApi = defineApi('reports', {
  listReports: route({
    method: 'GET',
    path: '/reports',
    auth: 'staff',
    summary: '已生成的督导报告（周小结、月盘点、季考评），按区划、类型、期间',
    query: ListReportsQuery,
    response: listOf(ReportView),
  }),
  createReport: route({
    method: 'POST',
    path: '/reports',
    auth: 'staff',
    summary: '立即生成某区划某期间的报告；已存在时 409，除非 regenerate 并说明原因（新版本，旧版本保留）',
    body: CreateReportBody,
    response: ReportView,
    status: 201,
    creates: true,
  }),
  getReport: route({
    method: 'GET',
    path: '/reports/{id}',
    auth: 'staff',
    summary: '一份报告：JSON、CSV（UTF-8 BOM）或 XLSX（Accept 头或 ?format=）；大文件给出下载链接',
    params: ReportIdParams,
    query: GetReportQuery,
    produces: ['text/csv', XLSX_TYPE],
  }),
  getReportFile: route({
    method: 'GET',
    path: '/reports/{id}/files/{file}',
    auth: 'staff',
    summary: '本地模式：大报告文件的下载链接（部署后为 S3 预签名链接）',
    params: ReportFileParams,
    localOnly: true,
    produces: ['text/csv', XLSX_TYPE],
  }),
  getDashboard: route({
    method: 'GET',
    path: '/dashboard',
    auth: 'staff',
    summary: '督导看板：某区划某期间的报告各部分，现算（与已存报告同一计数器、同一计算），不存储；trend 为最近 12 期',
    query: DashboardQuery,
    response: DashboardView,
  }),
  listAudit: route({
    method: 'GET',
    path: '/audit',
    auth: 'staff',
    summary: '操作日志（县级、省级管理员）：按对象、操作人、时间筛选',
    query: AuditQuery,
    response: listOf(AuditEntryView),
  }),
},
  // Counts only, never a person (report files are granted in the stack).
  { table: 'readWrite' },
  { scheduledReports: { table: 'readWrite' } },
);
