import { readFile } from 'node:fs/promises';
import type { RunRecord } from '../measurement.ts';
import { resolveHistoryPath } from './history-path.ts';
import { parseRunLine } from './record-schema.ts';

/** A line that could not be used, with where it is and why. */
export interface HistoryLineProblem {
  lineNumber: number;
  problem: string;
  /** The unterminated last line a killed or crashed writer can leave; expected, not alarming. */
  tornTail: boolean;
}

export interface History {
  path: string;
  exists: boolean;
  /** Valid runs in file order (the order they were appended). */
  runs: RunRecord[];
  problems: HistoryLineProblem[];
}

/** Reads every valid run from the history file; bad lines are skipped and listed, never fatal. */
export async function readHistory(path?: string): Promise<History> {
  const file = resolveHistoryPath(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path: file, exists: false, runs: [], problems: [] };
    throw error;
  }
  return { path: file, exists: true, ...parseHistoryText(text) };
}

/** Splits history text into runs and problems; exported for tests of torn and corrupt lines. */
export function parseHistoryText(text: string): Pick<History, 'runs' | 'problems'> {
  const lines = text.split('\n');
  const unterminatedLast = !text.endsWith('\n');
  const runs: RunRecord[] = [];
  const problems: HistoryLineProblem[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseRunLine(line);
    if ('record' in parsed) runs.push(parsed.record);
    else {
      const tornTail = unterminatedLast && index === lines.length - 1;
      problems.push({ lineNumber: index + 1, problem: tornTail ? `torn last line (${parsed.problem})` : parsed.problem, tornTail });
    }
  });
  return { runs, problems };
}
