import { TopologyError } from '../common/errors.ts';

/** The TopologyError that `parse` throws for this input (and fails the test when none is thrown). */
export function topologyErrorOf(parse: () => unknown): TopologyError {
  try {
    parse();
  } catch (error) {
    if (error instanceof TopologyError) return error;
    throw error;
  }
  throw new Error('expected a TopologyError');
}
