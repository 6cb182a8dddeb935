/**
 * `hybrid-lab/vitest`: run your own suites against your lab. A globalSetup that brings the lab
 * up or reuses it (labGlobalSetup), the live lab in tests (useLab), and matchers (toReach,
 * toResolveTo, toBeWithinBudget; registered by the `hybrid-lab/vitest/setup` setup file).
 */
export { labGlobalSetup, type LabGlobalSetupOptions } from './global-setup.ts';
export { useLab, type TestLab } from './use-lab.ts';
export { hybridLabMatchers, type LatencyBudget, type ReachOptions } from './matchers.ts';
