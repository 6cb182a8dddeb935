import { TopologyError } from '../common/errors.ts';

/** HYBRID_LAB_PULL: `missing` (default) pulls images that are not here; `never` refuses them at once. */
export function pullPolicy(): 'missing' | 'never' {
  return process.env.HYBRID_LAB_PULL === 'never' ? 'never' : 'missing';
}

/** Engine errors that mean no registry could be reached at all (not: the registry said no). */
const UNREACHABLE = /dial tcp|no such host|lookup .* on|connection refused|i\/o timeout|network is unreachable|TLS handshake timeout|Client\.Timeout|server misbehaving|temporary failure in name resolution/i;

/** Why a pull failed, in a user's words. */
export function pullFailureReason(engineMessage: string): string {
  if (UNREACHABLE.test(engineMessage)) return `no registry is reachable from this machine (the engine said: ${engineMessage.trim()})`;
  return `the registry refused it (the engine said: ${engineMessage.trim()})`;
}

/** The one error for an image that is not here and could not be pulled: it names the field, the image and the alternatives. */
export function pullRefusal(reference: string, field: string, source: string, why: string): TopologyError {
  const reason = why.startsWith('pulling is off') ? why : pullFailureReason(why);
  return new TopologyError(
    field,
    reference,
    `image is not on this machine and cannot be pulled: ${reason}`,
    'build it here instead with build: (a Dockerfile FROM hybrid-lab/debian:bookworm, made by `hybrid-lab image build debian`), use an image that is present (`docker images`), or load one from a file with `docker load -i IMAGE.tar`',
    source,
  );
}
