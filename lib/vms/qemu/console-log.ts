import { readFile } from 'node:fs/promises';
import { sleep } from '../../common/time.ts';

/** Printed by lab/images/vm/init.sh on the serial console once network and services are up. */
export const BOOT_MARKER = 'HYBRID-LAB-BOOTED';

/** The last `count` non-empty lines of a VM's console log, for error messages. */
export async function consoleTail(logFile: string, count = 15): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.replaceAll('\r', '').split('\n').filter((line) => line.trim() !== '').slice(-count).join('\n');
}

/** Why waiting for the boot marker stopped without seeing it. */
export class BootFailure extends Error {}

/**
 * Polls the console log (QEMU writes it even when nobody is connected) until the boot marker
 * appears; returns the marker line. Fails early when `stillRunning` says QEMU is gone.
 */
export async function waitForBootMarker(logFile: string, timeoutMs: number, stillRunning: () => Promise<boolean>): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    const line = text.replaceAll('\r', '').split('\n').find((candidate) => candidate.includes(BOOT_MARKER));
    if (line) return line;
    if (!(await stillRunning())) throw new BootFailure('QEMU exited before the guest finished booting');
    if (Date.now() > deadline) throw new BootFailure(`the guest did not print ${BOOT_MARKER} within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}
