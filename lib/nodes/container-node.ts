import type { Readable } from 'node:stream';
import type { ContainerRuntime } from '../runtimes/runtime.ts';
import type { ExecOptions, ExecResult, LabNode } from './node.ts';

/** A lab node that is a container, in whichever runtime runs it. */
export class ContainerNode implements LabNode {
  readonly kind = 'container' as const;
  constructor(
    readonly name: string,
    readonly ip: string,
    readonly containerName: string,
    readonly runtime: ContainerRuntime,
  ) {}

  exec(argv: readonly string[], options?: ExecOptions & { stdin?: Readable }): Promise<ExecResult> {
    return this.runtime.exec(this.containerName, argv, options);
  }
}
