import { z } from 'zod';

/** Topology fields only the vagrant provider reads (contributed to the VM node schema by the registry). */
export const vagrantOptions = {
  /** The seeds' VM role: `base` (hybrid-base) or `docker` (hybrid-docker: Docker inside the guest). Default base. */
  role: z.enum(['base', 'docker'], { message: 'unknown VM role :: fix: use base or docker' }).optional(),
};

/** The vagrant options of a VM node (the schema has checked them). */
export function vagrantNodeOptions(spec: object): { role?: 'base' | 'docker' } {
  return z.object(vagrantOptions).parse(spec);
}
