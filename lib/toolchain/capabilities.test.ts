import { describe, expect, it } from 'vitest';
import { missingCapabilities } from './capabilities.js';

const status = (capBnd: string) =>
  `Name:\tnode\nCapInh:\t0000000000000000\nCapBnd:\t${capBnd}\nCapAmb:\t0000000000000000\n`;

describe('missingCapabilities', () => {
  it('finds nothing missing on a normal host with the full bounding set', () => {
    expect(missingCapabilities(status('000001ffffffffff'), '40\n')).toEqual([]);
  });

  it('names CAP_SYS_RESOURCE on a host whose bounding set lacks bit 24 (recorded on the build machines)', () => {
    expect(missingCapabilities(status('000001fffeffffff'), '40\n')).toEqual(['CAP_SYS_RESOURCE']);
  });

  it('only considers capabilities the running kernel knows', () => {
    // A kernel whose last capability is 37 (CAP_AUDIT_READ) cannot be missing CAP_BPF.
    expect(missingCapabilities(status('0000003fffffffff'), '37')).toEqual([]);
  });

  it('names every missing capability', () => {
    expect(missingCapabilities(status('000001fffedfffff'), '40')).toEqual(['CAP_SYS_ADMIN', 'CAP_SYS_RESOURCE']);
  });

  it('rejects input without a bounding set', () => {
    expect(() => missingCapabilities('Name:\tnode\n', '40')).toThrow(/CapBnd/);
  });
});
