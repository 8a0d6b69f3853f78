import { statfs } from 'node:fs/promises';
import { ActionableError, firstLine } from '../support/errors.js';
import { formatBytes } from '../support/format.js';

/**
 * A build that fails on a full disk fails in whatever command was writing (debootstrap, go, tar,
 * the step's own log), often with a message that does not say so, and the log cannot be written
 * either. So a failure is checked against the cache's file system: if it is (nearly) full, or the
 * error itself says ENOSPC, the cause is the disk, and that is what a person needs to hear.
 */
const NEARLY_FULL_BYTES = 64 * 1024 * 1024;

/** About what a cold cache grows to (README: "fills about 12 GiB"), with room to spare. */
const COLD_BUILD_BYTES = 15 * 1024 ** 3;

export function diskFullExplanation(
  error: unknown,
  cacheRoot: string,
  freeBytes: number | undefined,
): Error | undefined {
  const saysNoSpace = causes(error).some(
    (cause) =>
      (cause as { code?: unknown }).code === 'ENOSPC' ||
      /no space left on device|ENOSPC/i.test(String((cause as Error)?.message)),
  );
  if (!saysNoSpace && (freeBytes === undefined || freeBytes >= NEARLY_FULL_BYTES)) return undefined;
  return new ActionableError(
    `the disk holding the build cache ${cacheRoot} is full (${freeBytes === undefined ? 'ENOSPC' : `${formatBytes(freeBytes)} free`}): ${firstLine(error)}`,
    `free space there, or point STS_CONFORMANCE_CACHE at a file system with about ${formatBytes(COLD_BUILD_BYTES)} free; nothing half-built is kept, the next run resumes from the completed steps`,
  );
}

/** Free bytes for this user on the file system holding `path`, if it can be read. */
export async function freeBytes(path: string): Promise<number | undefined> {
  try {
    const stats = await statfs(path);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current && chain.length < 10; current = (current as { cause?: unknown }).cause)
    chain.push(current);
  return chain;
}
