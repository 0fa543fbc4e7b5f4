/**
 * Lambda exports of the problems domain outside the API (the stack's jobFunction reads this
 * file): the escalation state machine's task handler.
 */
export { handler as escalationTask, escalationEnded } from './tasks';
