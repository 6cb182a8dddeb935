import { z } from 'zod';

/** Topology fields only the qemu provider reads (contributed to the VM node schema by the registry). */
export const qemuOptions = {
  /** A second NIC for management (the seeds' eth0), on QEMU's user network; off by default. */
  managementNic: z.boolean().optional(),
};

/** The qemu options of a VM node (the schema has checked them). */
export function qemuNodeOptions(spec: object): { managementNic?: boolean } {
  return z.object(qemuOptions).parse(spec);
}
