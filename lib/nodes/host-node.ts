import { run } from '../common/run.ts';
import type { ExecOptions, ExecResult, LabNode } from './node.ts';

/** The machine running the lab, reached on the bridge's gateway address. */
export class HostNode implements LabNode {
  readonly kind = 'host' as const;
  /**
   * @param toolPaths programs that live elsewhere on the host than in the nodes' images
   *   (e.g. `hl-echo` in the build cache), so probes can use the same argv on every node.
   */
  constructor(
    readonly name: string,
    readonly ip: string,
    private readonly toolPaths: Record<string, string> = {},
  ) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [command, ...args] = argv;
    if (!command) throw new Error('exec: empty command');
    try {
      return await run(this.toolPaths[command] ?? command, args, { allowFailure: true, timeoutMs: options.timeoutMs });
    } catch (error) {
      return { exitCode: 127, stdout: '', stderr: error instanceof Error ? error.message : String(error) };
    }
  }
}
