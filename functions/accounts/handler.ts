import { domainHandler } from '../../shared/http/pipeline';
import { accountsApi } from './api';
import * as accounts from './service';

export const handler = domainHandler(accountsApi, {
  fileAccountRequest: ({ ctx, body }) => accounts.fileAccountRequest(ctx, body),
  decideAccountRequest: ({ ctx, params, body }) => accounts.decideAccountRequest(ctx, params.id, body),
  getAccountRequest: ({ ctx, params }) => accounts.getAccountRequest(ctx, params.id),
  listAccountRequests: ({ ctx, query }) => accounts.listAccountRequests(ctx, query),
  createAccount: ({ ctx, body }) => accounts.createAccountFromRequest(ctx, body.requestId),
  accountAudit: ({ ctx, query }) => accounts.accountAudit(ctx, query),
  listAccounts: ({ ctx, query }) => accounts.listAccounts(ctx, query),
  getAccount: ({ ctx, params }) => accounts.getAccountById(ctx, params.id),
  setAccountRoles: ({ ctx, params, body }) => accounts.setAccountRoles(ctx, params.id, body),
  freezeAccount: ({ ctx, params, body }) => accounts.changeStatus(ctx, params.id, 'freeze', body ?? {}),
  unfreezeAccount: ({ ctx, params, body }) => accounts.changeStatus(ctx, params.id, 'unfreeze', body ?? {}),
  unlockAccount: ({ ctx, params, body }) => accounts.changeStatus(ctx, params.id, 'unlock', body ?? {}),
  deregisterAccount: ({ ctx, params, body }) => accounts.changeStatus(ctx, params.id, 'deregister', body ?? {}),
});
