import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostDebianMirror, parseDeb822Sources, parseOneLineSources, pickDebianMirror } from './apt-mirror.ts';

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
`;

describe('host Debian mirror', () => {
  it('reads deb822 stanzas and picks the main archive with the release codename', () => {
    const sources = parseDeb822Sources(DEB822);
    expect(sources).toHaveLength(2);
    expect(pickDebianMirror(sources)).toEqual({ uri: 'http://deb.debian.org/debian', suite: 'bookworm' });
  });

  it('reads one-line entries, skipping comments, options, security and non-Debian archives', () => {
    const sources = parseOneLineSources(
      [
        '# deb http://old.example/debian buster main',
        'deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main',
        'deb http://security.debian.org/debian-security bookworm-security main',
        'deb [arch=amd64] http://mirror.example.org/debian/ trixie main contrib',
      ].join('\n'),
    );
    expect(pickDebianMirror(sources)).toEqual({ uri: 'http://mirror.example.org/debian', suite: 'trixie' });
  });

  it('ignores disabled stanzas and says how to fix a host without a Debian mirror', async () => {
    expect(pickDebianMirror(parseDeb822Sources(`Types: deb\nEnabled: no\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n`))).toBeUndefined();
    const dir = await mkdtemp(join(tmpdir(), 'hl-apt-'));
    try {
      await mkdir(join(dir, 'sources.list.d'));
      await writeFile(join(dir, 'sources.list.d', 'other.list'), 'deb https://deb.nodesource.com/node_20.x nodistro main\n');
      await expect(hostDebianMirror(dir)).rejects.toThrow(/no Debian mirror found .* Fix: /);
      await writeFile(join(dir, 'sources.list.d', 'debian.sources'), DEB822);
      await expect(hostDebianMirror(dir)).resolves.toEqual({ uri: 'http://deb.debian.org/debian', suite: 'bookworm' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
