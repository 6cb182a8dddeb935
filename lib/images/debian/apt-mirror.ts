import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SetupError } from '../../common/errors.ts';

/** A Debian archive the host's apt already uses: the only mirror we may reach. */
export interface DebianMirror {
  uri: string;
  /** Release codename, e.g. bookworm. */
  suite: string;
}

interface AptSource {
  uris: string[];
  suites: string[];
  components: string[];
}

/** Parses one-line `deb URI SUITE COMPONENTS` entries (sources.list format). */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (match) sources.push({ uris: [match[1]], suites: [match[2]], components: match[3].split(/\s+/).filter(Boolean) });
  }
  return sources;
}

/** Parses deb822 stanzas (`.sources` files): Types/URIs/Suites/Components. */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match) fields.set(match[1].toLowerCase(), match[2].trim());
    }
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    if ((fields.get('enabled') ?? 'yes') === 'no') continue;
    const list = (key: string) => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    sources.push({ uris: list('uris'), suites: list('suites'), components: list('components') });
  }
  return sources;
}

/** The first main Debian archive entry: a plain codename suite (not -updates/-security) with `main`. */
export function pickDebianMirror(sources: readonly AptSource[]): DebianMirror | undefined {
  for (const source of sources) {
    const suite = source.suites.find((name) => /^[a-z]+$/.test(name));
    const uri = source.uris.find((candidate) => /^https?:\/\//.test(candidate) && !candidate.includes('security'));
    if (suite && uri && source.components.includes('main') && /\/debian\/?$/.test(uri)) {
      return { uri: uri.replace(/\/$/, ''), suite };
    }
  }
  return undefined;
}

/** Reads /etc/apt/sources.list(.d) and returns the host's Debian mirror and release. */
export async function hostDebianMirror(aptDir = '/etc/apt'): Promise<DebianMirror> {
  const sources = parseOneLineSources(await readFile(join(aptDir, 'sources.list'), 'utf8').catch(() => ''));
  const partsDir = join(aptDir, 'sources.list.d');
  for (const file of (await readdir(partsDir).catch(() => [] as string[])).sort()) {
    const text = await readFile(join(partsDir, file), 'utf8').catch(() => '');
    if (file.endsWith('.list')) sources.push(...parseOneLineSources(text));
    if (file.endsWith('.sources')) sources.push(...parseDeb822Sources(text));
  }
  const mirror = pickDebianMirror(sources);
  if (!mirror) {
    throw new SetupError(`no Debian mirror found in ${aptDir}/sources.list(.d) (need a "deb http://.../debian CODENAME main" entry). Fix: configure apt with a reachable Debian mirror`);
  }
  return mirror;
}
