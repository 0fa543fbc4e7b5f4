import type { IndexName } from '../table';

/**
 * A tiny ElectroDB-style declaration: an entity names its type, how its primary key derives
 * from its attributes, and which generic index carries which access pattern. Keys are built
 * only here — handlers and stores never concatenate key strings.
 */
export type Key = { pk: string; sk: string };
export type IndexKeys = Partial<Record<`${IndexName}pk` | `${IndexName}sk`, string>>;

export interface EntityDef<A, K> {
  type: string;
  key: (k: K) => Key;
  indexes?: (a: A) => IndexKeys;
}

export interface Entity<A, K> extends EntityDef<A, K> {
  /** The full item: attributes, entity type, primary key and every index key. */
  item: (a: A & K) => A & K & Key & IndexKeys & { entity: string };
}

export function defineEntity<A, K = A>(def: EntityDef<A, K>): Entity<A, K> {
  return {
    ...def,
    item: (a) => ({ ...a, entity: def.type, ...def.key(a), ...(def.indexes ? def.indexes(a) : {}) }),
  };
}

/** Zero-pads numbers in sort keys so that they sort as strings. */
export const pad = (n: number, width = 12): string => String(Math.max(0, Math.trunc(n))).padStart(width, '0');
