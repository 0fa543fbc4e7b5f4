import { monotonicFactory } from 'ulid';
import { clock } from './clock';

const next = monotonicFactory();

/** Time-sortable id (ULID) at the clock's current time. */
export function newId(): string {
  return next(clock.now().getTime());
}
