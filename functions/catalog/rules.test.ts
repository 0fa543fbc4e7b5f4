import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../shared/seed/data';
import { applyChanges, duplicateCodes, structureDeviations } from './rules';

describe('catalogue structure (K1)', () => {
  it('accepts the provisional 40-item list and names every deviation of another', () => {
    const items = loadCatalog(1);
    expect(structureDeviations(items)).toEqual([]);
    const moved = items.map((i) => (i.code === 'E01' ? { ...i, category: 'learn_skill' } : i));
    expect(structureDeviations(moved)).toEqual(['employment/find_job 有 14 项，应为 15 项', 'employment/learn_skill 有 5 项，应为 4 项']);
    expect(structureDeviations(items.slice(1))[0]).toBe('事项总数 39，应为 40');
  });

  it('applies add, change and retire, and names unknown or repeated codes', () => {
    const items = loadCatalog(1);
    const { items: next, problems } = applyChanges(items, {
      retire: ['E01'],
      add: [{ ...items[0]!, code: 'E20', nameZh: '新求职登记' }],
      change: [{ code: 'S01', timeLimitWorkingDays: 3 }],
    });
    expect(problems).toEqual([]);
    expect(next.map((i) => i.code)).not.toContain('E01');
    expect(next.find((i) => i.code === 'S01')?.timeLimitWorkingDays).toBe(3);
    expect(structureDeviations(next)).toEqual([]);
    const bad = applyChanges(items, { retire: ['Z99'], change: [{ code: 'S01' }, { code: 'S01' }], add: [{ ...items[1]! }] });
    expect(bad.problems.map((p) => p.field)).toEqual(['body.retire.0', 'body.change.1.code', 'body.add.0.code']);
    expect(duplicateCodes([{ code: 'A01' }, { code: 'A01' }])[0]?.field).toBe('body.items.1.code');
  });
});
