import { describe, expect, it } from 'vitest';
import { diskFullExplanation } from './disk.js';

const GiB = 1024 ** 3;

describe('diskFullExplanation', () => {
  it('says the disk is full when the error says ENOSPC, anywhere in its causes', () => {
    const raw = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const step = new Error('step node-rootfs failed after 3.1s: ENOSPC: no space left on device, write; read x.log', {
      cause: raw,
    });
    expect(diskFullExplanation(step, '/tmp/tiny-cache', undefined)?.message).toBe(
      'the disk holding the build cache /tmp/tiny-cache is full (ENOSPC): step node-rootfs failed after 3.1s: ENOSPC: no space left on device, write; read x.log; free space there, or point STS_CONFORMANCE_CACHE at a file system with about 15.0 GiB free; nothing half-built is kept, the next run resumes from the completed steps',
    );
  });

  it('blames the disk for a command that failed with its own words when almost nothing is free', () => {
    const step = new Error('step node-rootfs failed after 9.0s: `debootstrap ...` exited with code 1; read x.log');
    expect(diskFullExplanation(step, '/c', 300 * 1024)?.message).toMatch(
      /^the disk holding the build cache \/c is full \(300.0 KiB free\): step node-rootfs/,
    );
  });

  it('stays out of failures that have nothing to do with the disk', () => {
    expect(diskFullExplanation(new Error('go: module not found'), '/c', 40 * GiB)).toBeUndefined();
  });
});
