import { getItem } from './store';
import { Conflict } from '../http/errors';
import type { Tx } from './tx';
import type { Key } from './entities';

/**
 * Gap-free yearly serial numbers (problem ledger 蒲县-2026-0001, case number 蒲县-2026-000123):
 * a counter item read consistently, then moved from the value read to the next one in the
 * same transaction as the record that carries the number. Two writers that read the same
 * value cannot both commit: the loser's condition fails and it tries again with a fresh read.
 */
export interface SerialCounter {
  key: Key;
  /** The counter item's entity type and fixed attributes (set on every claim, so the first creates it whole). */
  entity: string;
  attrs: Record<string, string>;
  /** The 409 code a lost race surfaces as (retried by `withSerial`). */
  raceCode: string;
}

/** The last number handed out (0 before the first). */
export async function serialValue(counter: Pick<SerialCounter, 'key'>): Promise<number> {
  const c = await getItem<{ n: number }>(counter.key, true);
  return c?.n ?? 0;
}

/** Adds to `tx` the move of the counter from `n` (the value read) to `n + 1`. */
export function claimSerial(tx: Tx, counter: SerialCounter, n: number): Tx {
  const names: Record<string, string> = { '#n': 'n', '#e': 'entity' };
  const values: Record<string, unknown> = { ':next': n + 1, ':e': counter.entity };
  const sets = ['#n = :next', '#e = :e'];
  Object.entries(counter.attrs).forEach(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:f${i}`] = v;
    sets.push(`#f${i} = :f${i}`);
  });
  if (n > 0) values[':n'] = n;
  return tx.update(counter.key, `SET ${sets.join(', ')}`, {
    condition: n === 0 ? 'attribute_not_exists(pk)' : '#n = :n',
    names,
    values,
    conflict: { code: counter.raceCode, message: '编号并发冲突' },
  });
}

/** A commit that lost the race for its number (or collided in the transaction): try again. */
export function isSerialRace(err: unknown, counter: Pick<SerialCounter, 'raceCode'>): boolean {
  return err instanceof Conflict && (err.code === counter.raceCode || err.code === 'TRANSACTION_CONFLICT');
}

/**
 * Runs `attempt` (which reads the counter, builds its transaction with `claimSerial` and commits)
 * until it commits or fails for another reason; a few tries, since a county hands out a handful
 * of numbers a minute at most.
 */
export async function withSerial<R>(counter: Pick<SerialCounter, 'raceCode'>, attempt: (try_: number) => Promise<R>, tries = 8): Promise<R> {
  for (let i = 0; ; i++) {
    try {
      return await attempt(i);
    } catch (err) {
      if (i + 1 < tries && isSerialRace(err, counter)) continue;
      throw err;
    }
  }
}
