import { defineConfig } from 'vitest/config';

// One vitest run for the whole repo, so the integration services start once per run (harness/).
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['*/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          // Unit tests first, then the integration tests with their own worker limit.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['*/src/**/*.int.test.ts'],
          exclude: ['ui/src/e2e/**', '**/node_modules/**'],
          globalSetup: ['harness/src/vitest-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: integration files share one Kafka, one PostgreSQL and one S3 server.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          // Chromium against the embedded system: the dashboard is built once, before any of these files start.
          include: ['ui/src/e2e/**/*.int.test.ts'],
          globalSetup: ['ui/src/e2e/build-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          // After the integration files: a browser and an embedded system per file would crowd two cores.
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
