import { z } from 'zod';

/**
 * `policies:` — allow/deny rules between nodes and networks, on ports or on all traffic. They are
 * evaluated in order, first match wins, before the lab's defaults (allow within a network, deny
 * between networks unless both are routed). Names and targets are checked in policies.ts once the
 * nodes and networks are known.
 */

/** Separates the problem from the fix inside a zod message (same marker as schema.ts). */
const FIX = ' :: fix: ';

const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const selector = z.union([
  z.strictObject({ node: z.string().regex(label, `not a node name${FIX}name a node of this lab`) }),
  z.strictObject({ network: z.string().regex(label, `not a network name${FIX}name a network of this lab`) }),
], { message: `a policy end is { node: NAME } or { network: NAME }${FIX}e.g. from: { node: web }` });

const selectors = z.union([selector.transform((one) => [one]), z.array(selector).min(1)]);

/** `5432`, `"5432/tcp"`, `"53/udp"` or `{ port, protocol }`. */
const portMatch = z.union([
  z.number().int().min(1).max(65535).transform((port) => ({ port, protocol: 'tcp' as const })),
  z.string().regex(/^\d{1,5}(\/(tcp|udp))?$/, `not a port${FIX}write 5432, "5432/tcp" or "53/udp"`).transform((text) => {
    const [port, protocol = 'tcp'] = text.split('/');
    return { port: Number(port), protocol: protocol as 'tcp' | 'udp' };
  }).refine((entry) => entry.port >= 1 && entry.port <= 65535, `port out of range${FIX}use 1-65535`),
  z.strictObject({ port: z.number().int().min(1).max(65535), protocol: z.enum(['tcp', 'udp']).default('tcp') }),
], { message: `not a port${FIX}write 5432, "5432/tcp", "53/udp" or { port: 53, protocol: udp }` });

export const policySchema = z.strictObject({
  /** Named in the rule's comment, in `status` and in every reachability failure. */
  name: z.string().regex(label, `not a policy name${FIX}use lowercase letters, digits and inner hyphens`),
  action: z.enum(['allow', 'deny'], { message: `unknown action${FIX}use allow or deny` }),
  from: selectors,
  to: selectors,
  /** Only these destination ports (TCP/UDP); all traffic, ICMP included, when omitted. */
  ports: z.array(portMatch).min(1).optional(),
});

export type PolicySpec = z.output<typeof policySchema>;
export type PolicySelector = PolicySpec['from'][number];
