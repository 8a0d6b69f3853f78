import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureWritableDir } from './output-dir.js';

const scratch = await mkdtemp(join(tmpdir(), 'output-dir-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('ensureWritableDir', () => {
  it('creates the directory and leaves no probe behind', async () => {
    await ensureWritableDir(join(scratch, 'out', 'nested'), '--out');
    expect(await readdir(join(scratch, 'out', 'nested'))).toEqual([]);
  });

  it('names the directory, the cause and the flag when it cannot write there', async () => {
    await writeFile(join(scratch, 'a-file'), '');
    await expect(ensureWritableDir(join(scratch, 'a-file', 'out'), '--out')).rejects.toThrow(
      /^the output directory .*a-file\/out is not writable \(ENOTDIR\); pass --out with a directory this user can write to$/,
    );
  });
});
