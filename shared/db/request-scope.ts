import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the store and Tx need to know about the request they run in, without every service
 * passing it on: who is calling (cursors are bound to the caller) and, for a creating POST
 * with an Idempotency-Key, the slot where its transaction waits for the reply to be stored
 * with it (shared/http/idempotency.ts).
 */
export interface RequestScope {
  /** Stable name of the caller: account id, citizen index or 'anonymous'. */
  caller: string;
  idempotent?: IdempotentSlot;
}

/** A commit held back until the reply is known, so the idempotency record joins it. */
export interface HeldCommit {
  send(record?: { item: Record<string, unknown> & { pk: string; sk: string }; nowSeconds: number }): Promise<void>;
}

export interface IdempotentSlot {
  held?: HeldCommit;
  /** Work that must wait until the held commit is really written (starting a flow). */
  after: (() => Promise<unknown>)[];
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInScope<T>(scope: RequestScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}
