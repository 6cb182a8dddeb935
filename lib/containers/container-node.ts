import type { ExecOptions, ExecResult, LabNode } from '../nodes/node.ts';
import { execInContainer } from './exec.ts';

/** A lab node that is a Docker container. */
export class ContainerNode implements LabNode {
  readonly kind = 'container' as const;
  constructor(
    readonly name: string,
    readonly ip: string,
    readonly containerName: string,
  ) {}

  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return execInContainer(this.containerName, argv, options);
  }
}
