import { terminalReporter, type ProgressReporter } from '../common/progress.ts';
import { colourEnabled } from './terminal/colour.ts';

/** The CLI's progress lines on stderr: numbered for `up`, coloured marks only on a colour terminal. */
export function cliProgress(options: { numbered?: boolean } = {}): ProgressReporter {
  return terminalReporter({ stream: process.stderr, numbered: options.numbered, colour: colourEnabled(process.stderr) });
}
