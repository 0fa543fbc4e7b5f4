import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit`: files that need neither Java nor DynamoDB Local (pure rules, crypto,
 * CDK constructs synthesized alone) — `npm run test:unit`, seconds. `integration`: everything
 * else, against one DynamoDB Local per run (test/global-setup.ts) — `npm run test:integration`.
 * `npm test` runs both. A new test that touches no table belongs in UNIT.
 */
const UNIT = [
  'functions/accounts/placement.test.ts',
  'functions/catalog/rules.test.ts',
  'functions/points/rules.test.ts',
  'functions/reports/schedules.cdk.test.ts',
  'shared/clock.test.ts',
  'shared/http/openapi.test.ts',
  'shared/security/crypto.test.ts',
  'shared/security/keys.aws.test.ts',
  'shared/security/pii.test.ts',
  'test/security/secrets.test.ts',
  'infra/local/next-run.test.ts',
];
const ALL = ['functions/**/*.test.ts', 'shared/**/*.test.ts', 'infra/**/*.test.ts', 'test/**/*.test.ts', 'web/test/**/*.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, setupFiles: ['test/setup-unit.ts'] },
      },
      {
        extends: true,
        test: { name: 'integration', include: ALL, exclude: UNIT, globalSetup: ['test/global-setup.ts'], setupFiles: ['test/setup-env.ts'] },
      },
    ],
  },
});
