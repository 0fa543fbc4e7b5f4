import * as z from 'zod';
import { defineApi, route } from '../../shared/http/route';
import { listOf, ulidId } from '../../shared/http/schemas';
import {
  AccountAuditView,
  AccountListQuery,
  AccountRequestView,
  AccountView,
  AuditQuery,
  CreateAccountBody,
  DecisionBody,
  FileAccountRequestBody,
  RequestListQuery,
  SetRolesBody,
  StatusChangeBody,
  FreezeBody,
} from './schemas';

const idParam = z.strictObject({ id: ulidId });

const statusRoute = (path: string, summary: string) =>
  route({ method: 'POST', path, auth: 'staff', summary, params: idParam, body: StatusChangeBody, response: AccountView });

export const accountsApi = defineApi('accounts', {
  fileAccountRequest: route({
    method: 'POST',
    path: '/account-requests',
    auth: 'staff',
    summary: '填报用户申请（变更）单：服务点所在单位或县级代为填报；县级管理员账号由县或省填报',
    body: FileAccountRequestBody,
    response: AccountRequestView,
    status: 201,
    creates: true,
  }),
  decideAccountRequest: route({
    method: 'POST',
    path: '/account-requests/{id}/decision',
    auth: 'staff',
    summary: '审批申请单（县级；县级管理员账号由省级审批）',
    params: idParam,
    body: DecisionBody,
    response: AccountRequestView,
  }),
  getAccountRequest: route({
    method: 'GET',
    path: '/account-requests/{id}',
    auth: 'staff',
    summary: '申请单及其结果（填报人、本单位操作员、本辖区管理员和督导可见）',
    params: idParam,
    response: AccountRequestView,
  }),
  listAccountRequests: route({
    method: 'GET',
    path: '/account-requests',
    auth: 'staff',
    summary: '辖区内的申请单（管理员、督导；服务点操作员看本单位的）；?month= 为当月办结（已开通或驳回）的归档单，按月报市',
    query: RequestListQuery,
    response: listOf(AccountRequestView),
  }),
  createAccount: route({
    method: 'POST',
    path: '/accounts',
    auth: 'staff',
    summary: '系统管理员按已批准的申请单开通（变更、注销）账号',
    body: CreateAccountBody,
    response: AccountView,
    status: 201,
    creates: true,
  }),
  accountAudit: route({
    method: 'GET',
    path: '/accounts/audit',
    auth: 'staff',
    summary: '每月账号核查（县级、省级管理员）：闲置、锁定、冻结、本月注销、超范围权限、服务点未运行、超期未办申请',
    query: AuditQuery,
    response: AccountAuditView,
  }),
  listAccounts: route({
    method: 'GET',
    path: '/accounts',
    auth: 'staff',
    summary: '辖区内账号（管理员）',
    query: AccountListQuery,
    response: listOf(AccountView),
  }),
  getAccount: route({
    method: 'GET',
    path: '/accounts/{id}',
    auth: 'staff',
    summary: '账号（管理员，证件号和手机号脱敏）',
    params: idParam,
    response: AccountView,
  }),
  setAccountRoles: route({
    method: 'PUT',
    path: '/accounts/{id}/roles',
    auth: 'staff',
    summary: '业务管理员关联角色（最小权限；不得一人兼任两个管理员岗位，管理员不得有办件或审核角色）',
    params: idParam,
    body: SetRolesBody,
    response: AccountView,
  }),
  freezeAccount: route({
    method: 'POST',
    path: '/accounts/{id}/freeze',
    auth: 'staff',
    summary: '冻结账号：所有会话立即失效；{reason:"leak", since} 时该账号自 since 起的办件操作全部进入县级复核队列',
    params: idParam,
    body: FreezeBody,
    response: AccountView,
  }),
  unfreezeAccount: statusRoute('/accounts/{id}/unfreeze', '解冻账号'),
  unlockAccount: statusRoute('/accounts/{id}/unlock', '解锁因长期未登录被锁定的账号'),
  deregisterAccount: statusRoute('/accounts/{id}/deregister', '注销账号（不可恢复）'),
},
  // Staff accounts are people: sealed numbers, found by blind index. The jobs only read and lock.
  { table: 'readWrite', pii: true, blindIndex: true },
  { lockInactiveAccounts: { table: 'readWrite' }, buildMonthlyAccountAudits: { table: 'readWrite' } },
);
