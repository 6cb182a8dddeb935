import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.ts';
import { hostsLine, type DnsRecord } from './records.ts';

/**
 * The lab's records as one file per name in a folder dnsmasq watches (`hostsdir=`): adding or
 * removing a node is a file write or delete, live, with no restart.
 */
export class LiveRecords {
  constructor(
    readonly hostsDir: string,
    readonly domain: string,
  ) {}

  async put(record: DnsRecord): Promise<void> {
    await writeFileAtomic(join(this.hostsDir, record.name), hostsLine(record, this.domain));
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.hostsDir, name), { force: true });
  }

  /** Makes the folder hold exactly these records. */
  async sync(records: readonly DnsRecord[]): Promise<void> {
    await mkdir(this.hostsDir, { recursive: true });
    const wanted = new Set(records.map((record) => record.name));
    for (const file of await readdir(this.hostsDir)) if (!file.startsWith('.') && !wanted.has(file)) await this.remove(file);
    for (const record of records) await this.put(record);
  }
}
