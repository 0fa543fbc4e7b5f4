import type { CatalogItemAttrs } from '../../shared/db/entities';

/**
 * K1: the province's structure — 40 items: employment 19 (find_job 15, learn_skill 4) and
 * social security 21 (insurance 18, card 3). The province may change it, but only on purpose
 * (an override reason), never by accident.
 */
export const CATALOG_STRUCTURE: Record<string, Record<string, number>> = {
  employment: { find_job: 15, learn_skill: 4 },
  social_security: { insurance: 18, card: 3 },
};
export const CATALOG_TOTAL = 40;

/** How a list differs from the structure (empty when it keeps it). */
export function structureDeviations(items: Pick<CatalogItemAttrs, 'group' | 'category'>[]): string[] {
  const out: string[] = [];
  if (items.length !== CATALOG_TOTAL) out.push(`事项总数 ${items.length}，应为 ${CATALOG_TOTAL}`);
  const counts = new Map<string, number>();
  for (const i of items) counts.set(`${i.group}/${i.category}`, (counts.get(`${i.group}/${i.category}`) ?? 0) + 1);
  const expected = new Map<string, number>();
  for (const [group, cats] of Object.entries(CATALOG_STRUCTURE)) for (const [cat, n] of Object.entries(cats)) expected.set(`${group}/${cat}`, n);
  for (const [key, n] of expected) {
    const got = counts.get(key) ?? 0;
    if (got !== n) out.push(`${key} 有 ${got} 项，应为 ${n} 项`);
  }
  for (const [key, got] of counts) if (!expected.has(key)) out.push(`${key} 不在规定的类别中（${got} 项）`);
  return out;
}

export interface CatalogChanges<I> {
  add?: I[];
  change?: (Partial<I> & { code: string })[];
  retire?: string[];
}

/**
 * The next version's items from the current ones and the changes; every problem (unknown code,
 * duplicate, an item both changed and retired) is named by its body field.
 */
export function applyChanges<I extends { code: string }>(current: I[], ch: CatalogChanges<I>): { items: I[]; problems: { field: string; message: string }[] } {
  const problems: { field: string; message: string }[] = [];
  const byCode = new Map(current.map((i) => [i.code, i]));
  const touched = new Set<string>();
  const touch = (code: string, field: string) => {
    if (touched.has(code)) problems.push({ field, message: `事项 ${code} 在本次变更中出现多次` });
    touched.add(code);
  };
  (ch.retire ?? []).forEach((code, n) => {
    touch(code, `body.retire.${n}`);
    if (!byCode.delete(code)) problems.push({ field: `body.retire.${n}`, message: `当前目录中没有事项 ${code}` });
  });
  (ch.change ?? []).forEach((c, n) => {
    touch(c.code, `body.change.${n}.code`);
    const was = byCode.get(c.code);
    if (!was) problems.push({ field: `body.change.${n}.code`, message: `当前目录中没有事项 ${c.code}` });
    else byCode.set(c.code, { ...was, ...c });
  });
  (ch.add ?? []).forEach((a, n) => {
    touch(a.code, `body.add.${n}.code`);
    if (byCode.has(a.code) || current.some((i) => i.code === a.code)) problems.push({ field: `body.add.${n}.code`, message: `事项 ${a.code} 已存在（修改请用 change）` });
    else byCode.set(a.code, a);
  });
  return { items: [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code)), problems };
}

/** Duplicate codes in a full list. */
export function duplicateCodes(items: { code: string }[]): { field: string; message: string }[] {
  const seen = new Map<string, number>();
  const out: { field: string; message: string }[] = [];
  items.forEach((i, n) => {
    if (seen.has(i.code)) out.push({ field: `body.items.${n}.code`, message: `事项代码 ${i.code} 重复（第 ${seen.get(i.code)! + 1} 项）` });
    else seen.set(i.code, n);
  });
  return out;
}
