import { run } from '../common/run.ts';
import type { ExecOptions, ExecResult, LabNode } from './node.ts';

/** The machine running the lab, reached on the bridge's gateway address. */
export class HostNode implements LabNode {
  readonly kind = 'host' as const;
  constructor(
    readonly name: string,
    readonly ip: string,
  ) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [command, ...args] = argv;
    if (!command) throw new Error('exec: empty command');
    try {
      return await run(command, args, { allowFailure: true, timeoutMs: options.timeoutMs });
    } catch (error) {
      return { exitCode: 127, stdout: '', stderr: error instanceof Error ? error.message : String(error) };
    }
  }
}
