import { defineConfig } from 'vitest/config';

// Two groups: fast unit tests first (in parallel), then everything that drives a real lab,
// one file at a time (they share the host's bridges, iptables and Docker engine).
export default defineConfig({
  test: {
    // JSON and JUnit land in reports/ for CI (and .ci/run's summary line); the terminal gets the default view.
    reporters: ['default', 'json', 'junit'],
    outputFile: { json: 'reports/vitest-results.json', junit: 'reports/junit.xml' },
    projects: [
      {
        test: {
          name: 'unit',
          // Tests that run the CLI as a process run the compiled dist/ build: compile it first.
          globalSetup: ['lib/testing/build-dist.ts'],
          include: ['lib/**/*.test.ts'],
          exclude: ['lib/**/*.int.test.ts', 'lib/**/*.own-lab.test.ts', 'node_modules/**'],
          // Some unit tests start the real CLI or chromium: seconds each on a loaded 2-core host.
          testTimeout: 60_000,
          // Two workers even on 2 cores (vitest's default there is one): the unit files wait on
          // child processes often enough that the group took 146 s with one and 93 s with two.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'lab',
          include: ['lib/**/*.int.test.ts', 'suites/**/*.test.ts'],
          // warm-images starts the image builds of later files in the background (whole runs only).
          globalSetup: ['lib/testing/build-dist.ts', 'lib/testing/warm-images.ts', 'suites/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          // Slow tests that bring their own lab (bridge hybr12: the packed package in a fresh
          // project, the test command on a broken lab) or tools (Node 22 from npm): after the lab
          // group, one at a time, without the default lab's setup.
          name: 'own-lab',
          include: ['lib/**/*.own-lab.test.ts'],
          globalSetup: ['lib/testing/build-dist.ts'],
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          // The original design's scenarios (lab/examples/<scenario>/): each file brings its own lab
          // up through the public API, checks it as a user's suite would, and takes it down.
          name: 'scenarios',
          include: ['lab/examples/**/*.test.ts'],
          globalSetup: ['lib/testing/build-dist.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 900_000,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
