import { describe, expect, it } from 'vitest';
import { plainLine } from './vagrant-cli.ts';

describe('plainLine (vagrant output in the lab log)', () => {
  it('drops terminal escapes and keeps only the last progress update of a line', () => {
    const line = '\x1b[KProgress: 0%\r\x1b[KProgress: 1%\r\x1b[KProgress: 100%\x1b[K==> vm: Creating image (snapshot of base box volume).';
    expect(plainLine(line)).toBe('Progress: 100% ==> vm: Creating image (snapshot of base box volume).');
    expect(plainLine('==> vm: Starting domain.')).toBe('==> vm: Starting domain.');
  });
});
