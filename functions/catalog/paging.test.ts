import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTable } from '../../test/helpers/table';
import { startTestApi, type TestApi } from '../../test/helpers/api';

/** GET /public/catalog/items pages like every list (api.md "Lists"). */
let api: TestApi;
beforeAll(async () => {
  await prepareTable();
  api = await startTestApi();
});
afterAll(async () => api?.close());

describe('the public catalogue list', () => {
  it('pages with ?limit=&cursor= without losing or repeating an item; a bad cursor is 400 naming cursor', async () => {
    // Act
    const codes: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api.call('GET', `/public/catalog/items?limit=15${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      codes.push(...res.body.items.map((i: { code: string }) => i.code));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    const all = await api.call('GET', '/public/catalog/items');
    const bad = await api.call('GET', `/public/catalog/items?cursor=${Buffer.from('v999o0').toString('base64url')}`);
    // Assess
    expect(pages).toBe(3);
    expect(codes).toHaveLength(40);
    expect(new Set(codes).size).toBe(40);
    expect(all.body.items).toHaveLength(40);
    expect(all.body.nextCursor).toBeNull();
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('cursor');
  });
});
