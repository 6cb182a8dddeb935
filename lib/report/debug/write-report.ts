import { chmod, copyFile, mkdir, rename } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import type { DebugReport } from '../../debug/debug-report.ts';
import { renderDebugHtml } from './render-html.ts';
import { renderDebugJson } from './render-json.ts';

export interface WrittenDebugReport {
  directory: string;
  htmlPath: string;
  jsonPath: string;
  pcapPath: string;
}

/** reports/debug-2026-11-22T06-50-01Z: sortable and safe in file names. */
export function debugReportDirName(date = new Date()): string {
  return `debug-${date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}`;
}

/**
 * Puts the capture into the report directory: moved when we took it, copied when the user gave
 * it (a hard link would alias the user's file). Callers may run this beside the analysis.
 */
export async function placePcap(sourcePath: string, directory: string, move: boolean): Promise<string> {
  const dir = resolve(directory);
  await mkdir(dir, { recursive: true });
  const source = resolve(sourcePath);
  const pcapPath = join(dir, /\.(pcap|pcapng|cap)$/.test(basename(source)) ? basename(source) : 'capture.pcap');
  if (source === pcapPath) return pcapPath;
  if (move) await rename(source, pcapPath).catch(() => copyFile(source, pcapPath));
  else await copyFile(source, pcapPath);
  await chmod(pcapPath, 0o600); // the capture holds every packet of the lab: root only
  return pcapPath;
}

/**
 * Writes report.html and report.json into `directory`, with the pcap beside them: a capture we
 * took is moved there; a file given with --pcap is copied (a hard link would alias the user's file:
 * editing one would edit the other).
 */
export async function writeDebugReport(report: DebugReport, directory: string, options: { movePcap?: boolean; pcapPlaced?: string } = {}): Promise<WrittenDebugReport> {
  const dir = resolve(directory);
  const pcapPath = options.pcapPlaced ?? (await placePcap(report.source.pcapPath, dir, options.movePcap ?? false));
  const placed: DebugReport = { ...report, source: { ...report.source, pcapPath }, analysis: { ...report.analysis, file: { ...report.analysis.file, path: pcapPath } } };
  const htmlPath = join(dir, 'report.html');
  const jsonPath = join(dir, 'report.json');
  await writeFileAtomic(htmlPath, renderDebugHtml(placed));
  await writeFileAtomic(jsonPath, renderDebugJson(placed));
  return { directory: dir, htmlPath, jsonPath, pcapPath };
}
