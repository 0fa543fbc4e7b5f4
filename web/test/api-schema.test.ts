import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SCHEMA_FILE, generateApiSchema } from '../scripts/api-schema';

/** A route changed without `npm run web:api` breaks here, not on the clerk's screen. */
it('the checked-in typed client matches the route registry (run `npm run web:api` when this fails)', async () => {
  // Prepare
  const checkedIn = readFileSync(SCHEMA_FILE, 'utf8');
  // Act
  const fresh = await generateApiSchema();
  // Assess
  expect(checkedIn === fresh, 'web/src/api/schema.d.ts is stale: run `npm run web:api` and commit it').toBe(true);
});
