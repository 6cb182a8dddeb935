import { describe, expect, it } from 'vitest';
import { run } from '../../../common/run.ts';
import { GUEST_FILES, renderGuestNetConf } from './guest-files.ts';
import { HANDOFF_INIT } from './initramfs.ts';

describe('box guest files', () => {
  it('are all valid shell where they are scripts (sh -n)', async () => {
    const scripts = [...GUEST_FILES.filter((file) => file.content.startsWith('#!/bin/sh')).map((file) => [file.path, file.content]), ['initramfs /init', HANDOFF_INIT]];
    expect(scripts.length).toBeGreaterThanOrEqual(5);
    for (const [path, content] of scripts) {
      const result = await run('sh', ['-n'], { input: content, allowFailure: true });
      expect(result.exitCode, `${path}: ${result.stderr}`).toBe(0);
    }
  });

  it('never take a default route or DNS from the management DHCP lease', () => {
    const udhcpc = GUEST_FILES.find((file) => file.path.endsWith('udhcpc.sh'))!.content;
    expect(udhcpc).not.toMatch(/route|resolv/);
  });

  it('render net.conf as shell assignments hl-net can source', async () => {
    const conf = renderGuestNetConf({ mac: '52:54:00:aa:bb:cc', addressCidr: '10.0.2.200/24', gateway: '10.0.2.1', dns: '10.0.2.2', search: 'vagrant.local' });
    const result = await run('sh', ['-c', `${conf}\necho "$HL_MAC $HL_ADDRESS $HL_GATEWAY $HL_DNS $HL_SEARCH"`]);
    expect(result.stdout).toBe('52:54:00:aa:bb:cc 10.0.2.200/24 10.0.2.1 10.0.2.2 vagrant.local\n');
  });
});
