/** What a command run inside a node returned, like `docker exec`. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Give up after this many milliseconds (exit code 124, like coreutils timeout). */
  timeoutMs?: number;
}

export type NodeKind = 'host' | 'container' | 'vm';

/**
 * One interface for every place a probe can run from: the host, a container or a VM.
 * Suites and probes only see this; how the command gets there is the node's business.
 */
export interface LabNode {
  readonly name: string;
  readonly kind: NodeKind;
  /** The node's address on the lab bridge. */
  readonly ip: string;
  /** Runs argv inside the node and returns exit code and output; never throws for a non-zero exit. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}
