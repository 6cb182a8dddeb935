import { openLab, type LiveLab } from '../lab/lab-nodes.ts';
import { findNode } from '../lab/lab-nodes.ts';
import type { LabNode } from '../nodes/node.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The lab labGlobalSetup brought up or found up. */
    hybridLabName: string;
    /** The lab the built-in suites' global setup (`hybrid-lab test`) made sure is up. */
    labName: string;
  }
}

/** A live lab with a node getter by name (host and dns included). */
export interface TestLab extends LiveLab {
  node(name: string): LabNode;
}

/** In a test file: the lab the globalSetup (labGlobalSetup) made sure is up. */
export async function useLab(labName?: string): Promise<TestLab> {
  // vitest is imported here, in the test worker, never where the global setup runs.
  const { inject } = await import('vitest');
  const name = labName ?? inject('hybridLabName') ?? inject('labName');
  const lab = await openLab(name);
  return { ...lab, node: (nodeName: string) => findNode(lab, nodeName) };
}
