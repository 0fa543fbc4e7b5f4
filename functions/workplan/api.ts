import { defineApi, route } from '../../shared/http/route';
import { listOf } from '../../shared/http/schemas';
import * as s from './schemas';
import { pointIdParam } from '../points/schemas';

/**
 * The plan's own work (第五部分, 第三部分(二), 第七部分(三)): training sessions and attendance,
 * publicity activities, and the seven tasks with what the county records by hand.
 */
export const workplanApi = defineApi('workplan', {
  createTraining: route({
    method: 'POST', path: '/trainings', auth: 'staff', status: 201, creates: true,
    summary: '登记培训（省、市、县或乡镇组织；管理员）', body: s.createTrainingBody, response: s.TrainingView,
  }),
  listTrainings: route({
    method: 'GET', path: '/trainings', auth: 'staff', summary: '区域内组织的培训及上级组织的培训，按日期',
    query: s.trainingsQuery, response: listOf(s.TrainingView),
  }),
  getTraining: route({
    method: 'GET', path: '/trainings/{id}', auth: 'staff', summary: '培训及参训情况（本人范围内的账号）',
    params: s.trainingIdParam, response: s.TrainingDetailView,
  }),
  recordAttendance: route({
    method: 'POST', path: '/trainings/{id}/attendance', auth: 'staff', creates: true,
    summary: '登记参训情况（参加/缺席，每次最多 40 人；重复提交不重复计数）', params: s.trainingIdParam, body: s.attendanceBody, response: s.TrainingDetailView,
  }),
  pointStaffTraining: route({
    method: 'GET', path: '/points/{id}/training', auth: 'staff', summary: '服务点工作人员培训情况：每个在岗操作员是否参加业务培训',
    params: pointIdParam, response: s.PointTrainingView,
  }),
  createPublicity: route({
    method: 'POST', path: '/publicity', auth: 'staff', status: 201, creates: true,
    summary: '登记宣传活动（服务点或乡镇），可关联宣传类补助资金支出', body: s.createPublicityBody, response: s.PublicityView,
  }),
  listPublicity: route({
    method: 'GET', path: '/publicity', auth: 'staff', summary: '区域内的宣传活动，按日期', query: s.publicityQuery, response: listOf(s.PublicityView),
  }),
  planTasks: route({
    method: 'GET', path: '/plan-tasks', auth: 'staff', summary: '七项工作任务的完成情况（按截止日期）及县级登记事项', query: s.planTasksQuery, response: s.PlanTasksView,
  }),
  recordTaskItem: route({
    method: 'PUT', path: '/plan-tasks/records/{item}', auth: 'staff', summary: '县级登记工作任务事项：实施方案批准、动员大会、报市（更正须带 version）',
    params: s.taskRecordParams, body: s.taskRecordBody, response: s.TaskRecordView,
  }),
},
  // Training, publicity and the plan's tasks: accounts by id and name, never a sealed number.
  { table: 'readWrite' },
);
