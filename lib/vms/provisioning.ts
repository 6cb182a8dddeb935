import { z } from 'zod';

/** Separates the problem from the fix inside a zod message (as lib/topology/schema.ts does). */
const FIX = ' :: fix: ';

export const debianPackage = z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, `not a Debian package name${FIX}use the name apt knows, e.g. postgresql`);

/**
 * What the lab does in a VM's guest once, at its first boot, after its own setup: the same fields
 * and meanings for every provider that can (qemu disk VMs map them to cloud-init's packages,
 * write_files and runcmd; Vagrant VMs to shell provisioners), in this order.
 */
export const provisioningSchema = z.strictObject({
  /** Installed from the guest's apt sources; a disk recipe can bake them in instead (no network needed at boot). */
  packages: z.array(debianPackage).default([]),
  writeFiles: z.array(z.strictObject({
    path: z.string().regex(/^\//, `not an absolute path${FIX}write the guest path, e.g. /etc/app.conf`),
    content: z.string(),
    permissions: z.string().regex(/^0[0-7]{3}$/, `not an octal mode${FIX}write e.g. '0644'`).default('0644'),
  })).default([]),
  /** Commands run as root, once: a string (run by sh -c) or an argv list (run as is). */
  runcmd: z.array(z.union([z.string(), z.array(z.string()).min(1, `empty command${FIX}write the program and its arguments, e.g. [touch, /tmp/ready], or one string for sh -c`)])).default([]),
});

export type Provisioning = z.output<typeof provisioningSchema>;

/** The topology field, spread into each provider's options that maps it (the schema accepts it on those providers' VMs). */
export const provisioningOptions = {
  provision: provisioningSchema.optional(),
};

/** Whether there is anything to do. */
export function hasProvisioning(provision: Provisioning | undefined): provision is Provisioning {
  return provision !== undefined && provision.packages.length + provision.writeFiles.length + provision.runcmd.length > 0;
}
