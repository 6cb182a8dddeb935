import { describe, expect, it } from 'vitest';
import { CommandError } from '../../common/errors.ts';
import { missingPackagesError, parseMissingDebs } from './apt-errors.ts';
import { ensureVmDisk } from './build.ts';
import { vmDiskRecipeHash } from './recipe.ts';

const mirror = { uri: 'http://deb.debian.org/debian', suite: 'bookworm' };
const tool = Buffer.from('hl-echo binary');

describe('Debian VM disk recipe', () => {
  it('hashes the package set, not its order or repeats; mirror, suite and the probe tool change it', () => {
    const base = vmDiskRecipeHash({ recipe: 'debian', packages: ['nginx-light', 'python3'] }, mirror, tool);
    expect(vmDiskRecipeHash({ recipe: 'debian', packages: ['python3', 'nginx-light', 'python3'] }, mirror, tool)).toBe(base);
    expect(vmDiskRecipeHash({ recipe: 'debian', packages: ['python3'] }, mirror, tool)).not.toBe(base);
    expect(vmDiskRecipeHash({ recipe: 'debian', packages: ['nginx-light', 'python3'] }, { ...mirror, suite: 'trixie' }, tool)).not.toBe(base);
    expect(vmDiskRecipeHash({ recipe: 'debian', packages: ['nginx-light', 'python3'] }, mirror, Buffer.from('another hl-echo'))).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
  });

  it("names the packages debootstrap or apt could not find, from their own error lines", () => {
    expect(parseMissingDebs("I: Retrieving Packages\nE: Couldn't find these debs: nosuchpkg other-bad\n")).toEqual(['nosuchpkg', 'other-bad']);
    expect(parseMissingDebs('Reading package lists...\nE: Unable to locate package hl-nope\n')).toEqual(['hl-nope']);
    expect(parseMissingDebs('E: Failed getting release file')).toEqual([]);
    const error = new CommandError('debootstrap', ['--include=x'], 1, "E: Couldn't find these debs: nosuchpkg\n");
    expect(missingPackagesError(error, mirror)?.message).toMatch(/Debian package "nosuchpkg" not found in bookworm on http:\/\/deb\.debian\.org\/debian\. Fix: check the name with `apt-cache policy nosuchpkg`/);
    expect(missingPackagesError(new CommandError('debootstrap', [], 1, 'E: Failed getting release file'), mirror)).toBeUndefined();
  });

  it('refuses a name that is not a Debian package name before running anything', () => {
    expect(() => ensureVmDisk({ recipe: 'debian', packages: ['--foo'] })).toThrow(/"--foo" is not a Debian package name\. Fix:/);
    expect(() => ensureVmDisk({ recipe: 'debian', packages: ['a,b'] })).toThrow(/not a Debian package name/);
  });
});
