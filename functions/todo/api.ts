import { defineApi, route } from '../../shared/http/route';
import { TodoView } from './schemas';

export const todoApi = defineApi('todo', {
  myTodo: route({
    method: 'GET',
    path: '/me/todo',
    auth: 'signedIn',
    summary:
      '我的待办：按角色给出件数（至多计 100）与最紧急的前 5 项——操作员：待补正、待办结、本人超期办件、本点差评回访、已答复待确认的问题；县级审核员：待审、超期待审、全县回访、我承办的问题；管理员：待审批、待开通账号、待配置角色的申请单',
    response: TodoView,
  }),
},
  // Counts and the first items of what waits: masked data only, never unsealed. Reads only; the
  // pipeline's Idempotency-Key writer (Tx) is bundled all the same, so the probe counts a write.
  { table: 'readWrite' },
);
