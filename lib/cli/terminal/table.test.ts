import { describe, expect, it } from 'vitest';
import { renderPlainTable } from './table.ts';

describe('renderPlainTable', () => {
  const head = ['check', 'ok', 'detail'];
  const rows = [
    ['dockerd', '✔', 'present (docker.io: Docker engine for containers)'],
    ['kvm', '–', 'no /dev/kvm: VMs run emulated, about ten times slower than with KVM'],
  ];

  it('without a width: one line per row, columns aligned, upper-case header, no borders', () => {
    expect(renderPlainTable(head, rows)).toBe(
      'CHECK     OK   DETAIL\n' +
        'dockerd   ✔    present (docker.io: Docker engine for containers)\n' +
        'kvm       –    no /dev/kvm: VMs run emulated, about ten times slower than with KVM\n',
    );
  });

  it('with a width: the widest column wraps at spaces so every line fits', () => {
    const text = renderPlainTable(head, rows, { width: 40 });
    for (const line of text.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(40);
    expect(text).toContain('kvm       –    no /dev/kvm: VMs run\n               emulated, about ten times\n               slower than with KVM\n');
  });

  it('paints only the given column, never the header', () => {
    const text = renderPlainTable(head, rows, { paint: [undefined, (cell) => `<${cell}>`] });
    expect(text.split('\n')[0]).toBe('CHECK     OK   DETAIL');
    expect(text).toContain('dockerd   <✔>    present');
  });
});
