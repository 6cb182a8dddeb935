import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportsDir } from '../../lib/common/paths.ts';
import type { Measurement } from '../../lib/report/measurement.ts';

/** reports/measurements, or under $HYBRID_LAB_REPORTS. */
export function measurementsDir(): string {
  return join(reportsDir(), 'measurements');
}

/** Collects one suite file's typed measurements and writes them to reports/measurements/<suite>.json. */
export class MeasurementLog {
  readonly measurements: Measurement[] = [];
  constructor(readonly suite: string) {}

  add(measurement: Measurement): Measurement {
    this.measurements.push(measurement);
    return measurement;
  }

  async write(): Promise<void> {
    await mkdir(measurementsDir(), { recursive: true });
    await writeFile(join(measurementsDir(), `${this.suite}.json`), `${JSON.stringify(this.measurements, null, 2)}\n`);
  }
}

/** Every measurement the suites wrote in this run. */
export async function readAllMeasurements(): Promise<Measurement[]> {
  let files: string[];
  try {
    files = (await readdir(measurementsDir())).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  const all: Measurement[] = [];
  for (const file of files) all.push(...(JSON.parse(await readFile(join(measurementsDir(), file), 'utf8')) as Measurement[]));
  return all;
}
