import { domainHandler } from '../../shared/http/pipeline';
import { todoApi } from './api';
import { myTodo } from './service';

export const handler = domainHandler(todoApi, {
  myTodo: ({ ctx }) => myTodo(ctx),
});
