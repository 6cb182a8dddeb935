import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_DIR } from '../../topology/load.ts';

/** Vagrantfile templates live with the other lab recipes, editable without touching code. */
export const TEMPLATE_DIR = join(LAB_DIR, 'templates');

/** Characters a value may carry into Ruby source: no quotes, backslashes or #{} interpolation. */
const SAFE_VALUE = /^[A-Za-z0-9_.:/@=,+ -]*$/;

/**
 * Replaces `{{name}}` placeholders. Every placeholder must have a value and every value must be
 * plain (names, addresses, paths), so a topology can never inject Ruby into a Vagrantfile.
 */
export function renderTemplate(
  text: string,
  values: Record<string, string | number>,
  templateName = 'template',
  /** Pre-rendered Ruby (other templates): inserted as is. */
  rendered: Record<string, string> = {},
): string {
  return text.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g, (_match, key: string) => {
    if (key in rendered) return rendered[key];
    if (!(key in values)) throw new Error(`${templateName}: no value for placeholder {{${key}}}`);
    const value = String(values[key]);
    if (!SAFE_VALUE.test(value)) throw new Error(`${templateName}: value for {{${key}}} has characters not allowed in a Vagrantfile: ${JSON.stringify(value)}`);
    return value;
  });
}

/** Reads lab/templates/<name>. */
export async function readTemplate(name: string): Promise<string> {
  return readFile(join(TEMPLATE_DIR, name), 'utf8');
}
