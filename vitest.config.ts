import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // A budget for a machine busy with other work (CI shares its two cores), not a speed check:
    // a test that spawns processes took 38 s against a 30 s limit on a loaded clone.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Vitest's default on a 2-core machine is one worker (cores - 1): every file in turn, while
    // most of them wait on a child process, opa or the disk. Two files at a time use both cores.
    // Files share no paths (each writes under its own temporary directory), so order is free.
    maxWorkers: Number(process.env.BLOCKGATE_TEST_WORKERS ?? 2),
    globalSetup: ['test/support/global-setup.ts'],
  },
});
