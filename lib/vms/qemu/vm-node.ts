import type { ExecOptions, ExecResult, LabNode } from '../../nodes/node.ts';
import { serialExec } from './serial-exec.ts';

/**
 * A qemu VM as a LabNode. exec goes over the serial console, so it works even when the VM's
 * network is down; stdout and stderr come back separately.
 */
export class QemuVmNode implements LabNode {
  readonly kind = 'vm' as const;
  constructor(
    readonly name: string,
    readonly ip: string,
    private readonly serialSocket: string,
  ) {}

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return serialExec(this.serialSocket, argv, options.timeoutMs);
  }
}
