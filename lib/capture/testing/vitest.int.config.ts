import { defineConfig } from 'vitest/config';

// Runs the capture integration tests on their own netns network (hldbg0), without the lab
// project's global setup (which brings the main lab up):
//   npx vitest run --config lib/capture/testing/vitest.int.config.ts
export default defineConfig({
  test: {
    include: ['lib/capture/**/*.int.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
