import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionableError } from './errors.js';

/**
 * Makes sure a run can write its reports before it makes anything: creates the directory and
 * writes and removes a probe file in it. A read-only or full file system, or a path that is a
 * file, is one actionable line instead of a failure after the cluster was created.
 */
export async function ensureWritableDir(dir: string, flag: string): Promise<void> {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'probe');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ActionableError(
      `the output directory ${dir} is not writable (${code})`,
      `pass ${flag} with a directory this user can write to`,
    );
  }
}
