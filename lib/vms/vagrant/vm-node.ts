import type { ExecOptions, ExecResult, LabNode } from '../../nodes/node.ts';
import { sshExec } from './ssh-exec.ts';

/**
 * A Vagrant VM as a lab node. `ip` is the hybrid NIC's address (what probes and suites must
 * target and bind to); `managementIp` is only the control channel for exec.
 */
export class VagrantVmNode implements LabNode {
  readonly kind = 'vm' as const;
  constructor(
    readonly name: string,
    readonly ip: string,
    readonly managementIp: string,
  ) {}

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return sshExec(this.managementIp, argv, options);
  }
}
