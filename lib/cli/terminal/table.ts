import { colourEnabled } from './colour.ts';

export interface PlainTableOptions {
  /** Columns to fit into; undefined: never wrap (pipes, files: one row per line for awk). */
  width?: number;
  /** Per column: paints a cell (e.g. the state column by meaning). */
  paint?: Array<((cell: string) => string) | undefined>;
}

/** Wraps text at spaces into lines of at most `width` characters (a word longer than that is cut). */
function wrap(text: string, width: number): string[] {
  const pieces = text.split(/\s+/).filter(Boolean).flatMap((word) => word.match(new RegExp(`.{1,${width}}`, 'g')) ?? []);
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    if (line && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  }
  lines.push(line);
  return lines;
}

/** Shrinks the widest columns until the row fits `width` (each keeps at least 8 characters). */
function fitWidths(natural: number[], width: number, gap: number): number[] {
  const widths = [...natural];
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 8) break;
    widths[widest] -= 1;
  }
  return widths;
}

/**
 * A borderless table like `docker ps` / `kubectl get`: upper-case header, columns separated by
 * spaces. With a width (a terminal), long cells wrap onto continuation lines to fit it.
 */
export function renderPlainTable(head: readonly string[], rows: readonly (readonly string[])[], options: PlainTableOptions = {}): string {
  const gap = 3;
  const natural = head.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const widths = options.width ? fitWidths(natural, options.width, gap) : natural;
  const last = head.length - 1;
  const renderRow = (cells: readonly string[], paint: (column: number, text: string) => string): string[] => {
    const wrapped = cells.map((cell, column) => (options.width ? wrap(cell ?? '', widths[column]) : [cell ?? '']));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    const out: string[] = [];
    for (let line = 0; line < height; line++) {
      const parts = wrapped.map((lines, column) => {
        const text = lines[line] ?? '';
        const padded = column === last ? text : text.padEnd(widths[column]);
        return text ? paint(column, text) + padded.slice(text.length) : padded;
      });
      out.push(parts.join(' '.repeat(gap)).trimEnd());
    }
    return out;
  };
  const lines = [
    ...renderRow(head.map((title) => title.toUpperCase()), (_, text) => text),
    ...rows.flatMap((row) => renderRow(row, (column, text) => options.paint?.[column]?.(text) ?? text)),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Table options for stdout: wrap to the terminal's width on a TTY (or to $COLUMNS when set), one
 * line per row otherwise; colour the given columns only when colour is on.
 */
export function stdoutTableOptions(paint: PlainTableOptions['paint'] = [], stream: NodeJS.WriteStream = process.stdout): PlainTableOptions {
  const columns = Number(process.env.COLUMNS);
  const width = stream.isTTY ? stream.columns || columns || 80 : columns > 0 ? columns : undefined;
  return { width, paint: colourEnabled(stream) ? paint : undefined };
}

