import { escapeHtml as e } from './svg-charts.ts';

/** An HTML table; cells are escaped; numeric columns are right-aligned. */
export function htmlTable(head: string[], rows: string[][], numeric: number[] = [], rowClass?: (row: number) => string): string {
  if (rows.length === 0) return '<p class="muted">None.</p>';
  const body = rows
    .map((row, r) => `<tr${rowClass?.(r) ? ` class="${rowClass(r)}"` : ''}>${row.map((cell, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${e(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}
