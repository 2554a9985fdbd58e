import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Real servers: creating a cluster takes a second or two, a failover more.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only make real-server tests time out.
    maxWorkers: 2,
    // chalk sees no TTY under vitest and would drop all colour, making colour assertions vacuous.
    env: { FORCE_COLOR: '1' },
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
