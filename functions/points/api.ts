import { defineApi, route } from '../../shared/http/route';
import { listOf } from '../../shared/http/schemas';
import * as s from './schemas';

/**
 * Service points (P1–P8): points and their lifecycle, agreements, acceptance inspections,
 * kiosks, subsidies and the public directory. Writes are county admins' (see service.ts).
 */
export const pointsApi = defineApi('points', {
  createPoint: route({
    method: 'POST', path: '/points', auth: 'staff', status: 201, creates: true,
    summary: '新建服务点（县级系统管理员）', body: s.createPointBody, response: s.PointView,
  }),
  pointCoverage: route({
    method: 'GET', path: '/points/coverage', auth: 'staff',
    summary: '服务点覆盖：半径（默认 5 公里）内无正式运行服务点的行政村/社区，及未录入经纬度的服务点',
    query: s.coverageQuery, response: s.CoverageView,
  }),
  getPoint: route({ method: 'GET', path: '/points/{id}', auth: 'staff', summary: '服务点', params: s.pointIdParam, response: s.PointView }),
  listPoints: route({
    method: 'GET', path: '/points', auth: 'staff', summary: '区域内服务点，可按阶段筛选', query: s.pointsQuery, response: listOf(s.PointView),
  }),
  updatePoint: route({
    method: 'PUT', path: '/points/{id}', auth: 'staff', summary: '修改服务点名称、地址、位置、办公时间',
    params: s.pointIdParam, body: s.updatePointBody, response: s.PointView,
  }),
  putBaseStandard: route({
    method: 'PUT', path: '/points/{id}/base-standard', auth: 'staff', summary: '基础保障标准（P2）',
    params: s.pointIdParam, body: s.baseStandardBody, response: s.PointView,
  }),
  changeStage: route({
    method: 'POST', path: '/points/{id}/stage', auth: 'staff', summary: '服务点阶段变更（乱序 409 并指出缺少的步骤）',
    params: s.pointIdParam, body: s.stageBody, response: s.PointView,
  }),
  listStageHistory: route({
    method: 'GET', path: '/points/{id}/stages', auth: 'staff', summary: '服务点阶段变更记录',
    params: s.pointIdParam, query: s.pageOnly, response: listOf(s.StageChangeView),
  }),
  putAgreement: route({
    method: 'PUT', path: '/points/{id}/agreement', auth: 'staff', summary: '合作协议（P4）',
    params: s.pointIdParam, body: s.agreementBody, response: s.AgreementView,
  }),
  getAgreement: route({ method: 'GET', path: '/points/{id}/agreement', auth: 'staff', summary: '合作协议', params: s.pointIdParam, response: s.AgreementView }),
  createInspection: route({
    method: 'POST', path: '/points/{id}/inspections', auth: 'staff', status: 201, creates: true,
    summary: '验收检查（P5）：结果由检查表得出，列出不合格项', params: s.pointIdParam, body: s.inspectionBody, response: s.InspectionView,
  }),
  listInspections: route({
    method: 'GET', path: '/points/{id}/inspections', auth: 'staff', summary: '验收检查记录（新的在前）',
    params: s.pointIdParam, query: s.pageOnly, response: listOf(s.InspectionView),
  }),
  createDevice: route({
    method: 'POST', path: '/points/{id}/devices', auth: 'staff', status: 201, creates: true,
    summary: '自助设备到货登记（仅行政村、社区）', params: s.pointIdParam, body: s.createDeviceBody, response: s.DeviceView,
  }),
  listPointDevices: route({
    method: 'GET', path: '/points/{id}/devices', auth: 'staff', summary: '服务点的自助设备',
    params: s.pointIdParam, query: s.pageOnly, response: listOf(s.DeviceView),
  }),
  deviceProgress: route({
    method: 'GET', path: '/devices/progress', auth: 'staff', summary: '各县自助设备安装调试进度（6月底 50%，7月底 100%）',
    query: s.progressQuery,
  }),
  getDevice: route({ method: 'GET', path: '/devices/{id}', auth: 'staff', summary: '自助设备', params: s.deviceIdParam, response: s.DeviceView }),
  changeDeviceStage: route({
    method: 'POST', path: '/devices/{id}/stage', auth: 'staff', summary: '自助设备阶段：分发、登记、安装、调试、资产划转',
    params: s.deviceIdParam, body: s.deviceStageBody, response: s.DeviceView,
  }),
  allocateFunds: route({
    method: 'POST', path: '/funds/allocations', auth: 'staff', status: 201, creates: true,
    summary: '下达年度补助资金（每点每年 150000 分）；同一县同一年度只下达一次', body: s.allocationBody, response: s.AllocationView,
  }),
  recordExpenditure: route({
    method: 'POST', path: '/funds/expenditures', auth: 'staff', status: 201, creates: true,
    summary: '补助资金支出（网络、宣传），不得超过服务点余额', body: s.expenditureBody, response: s.ExpenditureView,
  }),
  fundsSummary: route({
    method: 'GET', path: '/funds/summary', auth: 'staff', summary: '资金执行情况（月度，按服务点和县）', query: s.summaryQuery,
  }),
  publicPoints: route({
    method: 'GET', path: '/public/points', auth: 'public', summary: '正式运行的服务点，near=纬度,经度 时由近到远',
    query: s.publicPointsQuery, response: listOf(s.PublicPointView),
  }),
},
  // Service points: no personal data.
  { table: 'readWrite' },
);

export type PointsApi = typeof pointsApi;
