import * as z from 'zod';
import { defineApi, route } from '../../shared/http/route';
import { listOf } from '../../shared/http/schemas';
import {
  AcceptCaseBody,
  CaseListQuery,
  CaseView,
  CompleteCaseBody,
  PageOnlyQuery,
  RateCaseBody,
  ReviewCaseBody,
  SubmitCaseBody,
  SupplementCaseBody,
} from './schemas';

const caseId = z.strictObject({ id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: '无效的办件编号' }) });

export const casesApi = defineApi('cases', {
  acceptCase: route({
    method: 'POST',
    path: '/cases',
    auth: 'signedIn',
    summary:
      '受理办件：服务点业务操作员；或群众本人在已登记的自助终端上（电子社保卡扫码登录 + X-Terminal-Id，仅 self_service，申请人即本人，由服务点负责；需审核的即时报送县级，无需审核的当场办结）',
    body: AcceptCaseBody,
    response: CaseView,
    status: 201,
    creates: true,
  }),
  listCases: route({
    method: 'GET',
    path: '/cases',
    auth: 'staff',
    summary: '办件列表：操作员本服务点，审核员本县（待审队列按到期日排序），督导本辖区；overdue=true 为在办已超期',
    query: CaseListQuery,
    response: listOf(CaseView),
  }),
  getCase: route({
    method: 'GET',
    path: '/cases/{id}',
    auth: 'signedIn',
    summary: '办件详情及全部环节记录（群众仅可查看本人办件）',
    params: caseId,
    response: CaseView,
  }),
  submitCase: route({
    method: 'POST',
    path: '/cases/{id}/submit',
    auth: 'staff',
    summary: '报送县级审核（受理人）',
    params: caseId,
    body: SubmitCaseBody,
    response: CaseView,
  }),
  reviewCase: route({
    method: 'POST',
    path: '/cases/{id}/review',
    auth: 'staff',
    summary: '县级审核：通过、驳回（须说明理由）或退回补正（须列明所缺材料；暂停计时）',
    params: caseId,
    body: ReviewCaseBody,
    response: CaseView,
  }),
  supplementCase: route({
    method: 'POST',
    path: '/cases/{id}/supplement',
    auth: 'staff',
    summary: '补正后重新报送（受理人）；暂停的工作日顺延到期日',
    params: caseId,
    body: SupplementCaseBody,
    response: CaseView,
  }),
  completeCase: route({
    method: 'POST',
    path: '/cases/{id}/complete',
    auth: 'staff',
    summary: '办结：结果送达方式 on_the_spot | phone | post（受理人）',
    params: caseId,
    body: CompleteCaseBody,
    response: CaseView,
  }),
  rateCase: route({
    method: 'POST',
    path: '/cases/{id}/rating',
    auth: 'citizen',
    summary: '好差评：申请人本人对已办结办件评价一次（1–5）；1–2 分生成整改回访',
    params: caseId,
    body: RateCaseBody,
    response: CaseView,
    status: 201,
  }),
  myCases: route({
    method: 'GET',
    path: '/public/my-cases',
    auth: 'citizen',
    summary: '本人办件（电子社保卡扫码登录的群众）',
    query: PageOnlyQuery,
    response: listOf(CaseView),
  }),
});
