import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // A budget for a machine busy with other work (CI shares its two cores), not a speed check:
    // a test that spawns processes took 38 s against a 30 s limit on a loaded clone.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
  },
});
