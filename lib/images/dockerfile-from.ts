/** One FROM of a Dockerfile with its ARGs substituted: the image a build stage starts from. */
export interface FromLine {
  line: number;
  text: string;
  /** The image after substitution, or the name of an earlier stage. */
  image: string;
  /** True when `image` names an earlier stage or `scratch` (nothing to fetch). */
  internal: boolean;
}

/** Joins continuation lines and drops comments, keeping each instruction's first line number. */
function instructions(dockerfile: string): Array<{ line: number; text: string }> {
  const result: Array<{ line: number; text: string }> = [];
  let pending: { line: number; text: string } | undefined;
  for (const [index, raw] of dockerfile.split('\n').entries()) {
    if (!pending && /^\s*#/.test(raw)) continue;
    const continued = /\\\s*$/.test(raw);
    const piece = raw.replace(/\\\s*$/, '');
    pending = pending ? { ...pending, text: `${pending.text} ${piece.trim()}` } : { line: index + 1, text: piece.trim() };
    if (!continued) {
      if (pending.text) result.push(pending);
      pending = undefined;
    }
  }
  if (pending?.text) result.push(pending);
  return result;
}

function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string, fallback: string | undefined, bare: string) => values[braced ?? bare] ?? fallback ?? '');
}

/**
 * The images a Dockerfile's stages start FROM, as the builder will resolve them: ARGs declared
 * before the first FROM (with their defaults) overridden by the build arguments given.
 */
export function dockerfileFromLines(dockerfile: string, buildArgs: Record<string, string>): FromLine[] {
  const values: Record<string, string> = {};
  const stages = new Set<string>(['scratch']);
  const froms: FromLine[] = [];
  for (const { line, text } of instructions(dockerfile)) {
    const [keyword, ...rest] = text.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && froms.length === 0) {
      const [name, fallback] = rest.join(' ').split('=', 2);
      values[name] = buildArgs[name] ?? fallback?.replace(/^["']|["']$/g, '') ?? '';
    }
    if (upper !== 'FROM') continue;
    const words = rest.filter((word) => !word.startsWith('--'));
    const image = substitute(words[0] ?? '', values);
    froms.push({ line, text, image, internal: stages.has(image.toLowerCase()) });
    const as = words.findIndex((word) => word.toUpperCase() === 'AS');
    if (as >= 0 && words[as + 1]) stages.add(words[as + 1].toLowerCase());
  }
  return froms;
}
