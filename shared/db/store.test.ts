import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { queryPages } from './store';
import { regionChildrenIndex } from './entities';

/** One page across several partitions: the cursor carries on exactly where the last page stopped. */
describe('queryPages', () => {
  beforeAll(async () => prepareTable());
  afterAll(() => undefined);

  it('pages across queries without losing or repeating an item, and refuses a foreign cursor', async () => {
    // Prepare: the children of 蒲县 (9) and of 蒲城镇 (16), read as one list
    const queries = [regionChildrenIndex('141033000000'), regionChildrenIndex('141033100000')];
    const seen: string[] = [];
    let cursor: string | undefined;
    // Act
    do {
      const page = await queryPages<{ code: string }>(queries, 4, cursor);
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((r) => r.code));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // Assess
    expect(seen).toHaveLength(9 + 16);
    expect(new Set(seen).size).toBe(seen.length);
    await expect(queryPages(queries, 4, Buffer.from('{"i":7}').toString('base64url'))).rejects.toMatchObject({ status: 400 });
  });
});

describe('region buckets', () => {
  beforeAll(async () => prepareTable());

  it('fans a province out to itself, its city and the county; a village stays in its county', async () => {
    const { bucketsUnder, countiesUnder, requireRegion } = await import('../regions');
    expect(await bucketsUnder(await requireRegion('140000000000'))).toEqual(['140000000000', '141000000000', '141033000000']);
    expect(await countiesUnder(await requireRegion('140000000000'))).toEqual(['141033000000']);
    expect(await bucketsUnder(await requireRegion('141033202200'))).toEqual(['141033000000']);
  });
});
