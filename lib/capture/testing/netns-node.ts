import { run } from '../../common/run.ts';
import type { ExecOptions, ExecResult, LabNode } from '../../nodes/node.ts';

/** A network namespace as a LabNode, so probes written for lab nodes run in the test network. */
export class NetnsNode implements LabNode {
  readonly kind = 'host' as const;
  constructor(
    readonly name: string,
    readonly ip: string,
    private readonly namespace: string,
  ) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const result = await run('ip', ['netns', 'exec', this.namespace, ...argv], { allowFailure: true, timeoutMs: options.timeoutMs ?? 15_000 });
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }
}
