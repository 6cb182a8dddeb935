/**
 * Colour only where a person reads it: on a terminal, unless NO_COLOR is set; FORCE_COLOR turns
 * it on for pipes too (FORCE_COLOR=0 turns it off). See https://no-color.org.
 */
export function colourEnabled(stream: NodeJS.WritableStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return (stream as NodeJS.WriteStream).isTTY === true && env.TERM !== 'dumb';
}

const CODES = { green: [32, 39], red: [31, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22] } as const;

export type Hue = keyof typeof CODES;

/** A painter bound to one stream's colour decision (or a forced one): `paint('green', 'running')`. */
export function painter(stream: NodeJS.WritableStream = process.stdout, on = colourEnabled(stream)): (hue: Hue, text: string) => string {
  return (hue, text) => (on && text ? `\x1b[${CODES[hue][0]}m${text}\x1b[${CODES[hue][1]}m` : text);
}

/** The hue a node or check state means: green healthy, red broken, yellow in between. */
export function stateHue(state: string): Hue | undefined {
  if (/^(running|up|ok|passed|✔)/.test(state)) return 'green';
  if (/^(missing|stopped|exited|dead|failed|down|invalid|✘)/.test(state)) return 'red';
  if (/^(creating|restarting|paused|starting|–)/.test(state)) return 'yellow';
  return undefined;
}

/** Length as the terminal shows it (ANSI colour codes take no columns). */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}
