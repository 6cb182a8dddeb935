/**
 * Memory bounds for analyses that would otherwise grow with the capture: a capped event list,
 * a reservoir sample, a pruned map. Each says how much it left out, so the report can say so.
 */

/** Keeps the first `limit` events and counts all of them. */
export class EventList<T> {
  readonly items: T[] = [];
  total = 0;

  constructor(private readonly limit: number) {}

  push(item: T): void {
    this.total++;
    if (this.items.length < this.limit) this.items.push(item);
  }
}

/** A deterministic PRNG (LCG): the same capture gives the same sample and the same report. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/**
 * Uniform sample of at most `size` values (Algorithm R) plus exact count, min, max and sum, so a
 * distribution of any length is drawn from bounded memory and its extremes stay exact.
 */
export class Reservoir {
  readonly sample: number[] = [];
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;
  private readonly random: () => number;

  constructor(private readonly size: number, seed = 1) {
    this.random = lcg(seed);
  }

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.sample.length < this.size) {
      this.sample.push(value);
      return;
    }
    const slot = Math.floor(this.random() * this.count);
    if (slot < this.size) this.sample[slot] = value;
  }

  /** True when every value is in the sample (percentiles are then exact). */
  get exact(): boolean {
    return this.count === this.sample.length;
  }
}

/**
 * Bounds a map of per-key tallies: when it reaches twice `keep` entries, the lightest half is
 * dropped and their weight added to `pruned` (lossy counting: the heaviest keys survive).
 */
export function pruneLightest<K, V>(map: Map<K, V>, keep: number, weight: (value: V) => number, onPruned: (value: V) => void): void {
  if (map.size < keep * 2) return;
  const entries = [...map.entries()].sort((a, b) => weight(b[1]) - weight(a[1]));
  for (let i = keep; i < entries.length; i++) {
    map.delete(entries[i][0]);
    onPruned(entries[i][1]);
  }
}

/** Deletes the oldest entries (insertion order) once `limit` is passed; each goes to `onEvicted`. */
export function evictOldest<K, V>(map: Map<K, V>, limit: number, onEvicted: (value: V) => void): void {
  while (map.size > limit) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    onEvicted(map.get(oldest.value)!);
    map.delete(oldest.value);
  }
}
