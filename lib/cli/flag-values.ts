import { InvalidArgumentError } from 'commander';

/**
 * Parsers for flag values: a bad value is a usage error (exit 2) naming the flag and what it
 * expects, never NaN passed on silently.
 */
export function wholeNumber(flag: string, unit: string, minimum = 1): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < minimum) {
      throw new InvalidArgumentError(`${flag} expects a whole number of ${unit} >= ${minimum} (got "${text}")`);
    }
    return value;
  };
}

/** A positive number (fractions allowed), e.g. seconds. */
export function positiveNumber(flag: string, unit: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`${flag} expects a positive number of ${unit} (got "${text}")`);
    return value;
  };
}

/** One of a fixed set of words, comma separated: `--with vm,debug`. */
export function wordList<T extends string>(flag: string, choices: readonly T[]): (text: string) => T[] {
  return (text) => {
    const words = text.split(',').map((word) => word.trim()).filter(Boolean);
    const unknown = words.filter((word) => !(choices as readonly string[]).includes(word));
    if (unknown.length > 0) throw new InvalidArgumentError(`${flag}: unknown ${unknown.map((w) => `"${w}"`).join(', ')}; valid choices are ${choices.join(', ')}`);
    return words as T[];
  };
}
