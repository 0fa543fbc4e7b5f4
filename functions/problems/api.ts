import * as z from 'zod';
import { defineApi, route } from '../../shared/http/route';
import { listOf, ulidId } from '../../shared/http/schemas';
import {
  AnswerBody,
  DesignateBody,
  DesignationParams,
  DesignationView,
  FileProblemBody,
  ListProblemsQuery,
  NoticeView,
  PageOnlyQuery,
  ProblemView,
  RegionPageQuery,
  ResponsibilityView,
} from './schemas';

const problemId = z.strictObject({ id: ulidId });

export const problemsApi = defineApi('problems', {
  fileProblem: route({
    method: 'POST',
    path: '/problems',
    auth: 'staff',
    summary: '提出问题（系统、功能、业务指导），登记台账并启动升级流程',
    body: FileProblemBody,
    response: ProblemView,
    status: 201,
    creates: true,
  }),
  listProblems: route({
    method: 'GET',
    path: '/problems',
    auth: 'staff',
    summary: '问题台账：按层级、承办人、状态、超期、区划、类别',
    query: ListProblemsQuery,
    response: listOf(ProblemView),
  }),
  listProblemNotices: route({
    method: 'GET',
    path: '/problems/notifications',
    auth: 'staff',
    summary: '交办、上报、催办通知（本人及本级承办单位）',
    query: PageOnlyQuery,
    response: listOf(NoticeView),
  }),
  listResponsibilities: route({
    method: 'GET',
    path: '/problems/responsibilities',
    auth: 'staff',
    summary: '责任清单：未解决的问题由谁承办、自何时起、期限',
    query: RegionPageQuery,
    response: listOf(ResponsibilityView),
  }),
  listDesignations: route({
    method: 'GET',
    path: '/problems/designations',
    auth: 'staff',
    summary: '县级各业务类别指定的业务骨干',
    query: RegionPageQuery,
    response: listOf(DesignationView),
  }),
  designateBackbone: route({
    method: 'PUT',
    path: '/problems/designations/{businessCategory}',
    auth: 'staff',
    summary: '县业务管理员指定某业务类别的业务骨干（县级审核账号）',
    params: DesignationParams,
    body: DesignateBody,
    response: DesignationView,
  }),
  getProblem: route({
    method: 'GET',
    path: '/problems/{id}',
    auth: 'staff',
    summary: '问题详情：承办人、期限、全部经过',
    params: problemId,
    response: ProblemView,
  }),
  answerProblem: route({
    method: 'POST',
    path: '/problems/{id}/answer',
    auth: 'staff',
    summary: '当前承办人答复（可承诺期限；县、市可标记超出权限立即上报）',
    params: problemId,
    body: AnswerBody,
    response: ProblemView,
  }),
  resolveProblem: route({
    method: 'POST',
    path: '/problems/{id}/resolve',
    auth: 'staff',
    summary: '提出人确认已解决',
    params: problemId,
    response: ProblemView,
  }),
  reopenProblem: route({
    method: 'POST',
    path: '/problems/{id}/reopen',
    auth: 'staff',
    summary: '提出人重新打开',
    params: problemId,
    response: ProblemView,
  }),
},
  // Problems carry no sealed personal data; escalation starts the state machine (granted in the stack).
  { table: 'readWrite' },
  { escalationTask: { table: 'readWrite' }, escalationEnded: { table: 'readWrite' } },
);
