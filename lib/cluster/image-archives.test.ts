import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../support/errors.js';
import { imageIdOf, readImageArchives } from './image-archives.js';

const HEX = 'a9cb0e39370c78847872ea5f7445a845de6502823726f39c2d9d43a50d15ca95';

/** A directory with one archive whose manifest.json is this (the rest of a docker save archive does not matter here). */
async function archiveDir(manifest: unknown): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sts-archives-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await execa('tar', ['-cf', join(dir, 'images.tar'), '-C', dir, 'manifest.json']);
  return dir;
}

describe('readImageArchives', () => {
  it("reads the names and image ids of a docker save archive's manifest", async () => {
    const dir = await archiveDir([{ Config: `${HEX}.json`, RepoTags: ['mysql:8.0', 'mysql:8'] }]);
    expect(await readImageArchives(dir)).toEqual([
      {
        file: join(dir, 'images.tar'),
        images: [
          { image: 'mysql:8.0', id: `sha256:${HEX}` },
          { image: 'mysql:8', id: `sha256:${HEX}` },
        ],
      },
    ]);
  });

  it('refuses archives saved by id, and directories without archives, with one line each', async () => {
    await expect(readImageArchives(await archiveDir([{ Config: `${HEX}.json`, RepoTags: null }]))).rejects.toThrow(
      /holds images without names; save them by name/,
    );
    await expect(readImageArchives(mkdtempSync(join(tmpdir(), 'sts-empty-')))).rejects.toBeInstanceOf(UsageError);
    await expect(readImageArchives('/nonexistent/images')).rejects.toThrow(
      /--images \/nonexistent\/images is not a directory/,
    );
  });
});

describe('imageIdOf', () => {
  it('reads both manifest layouts', () => {
    expect(imageIdOf(`${HEX}.json`)).toBe(`sha256:${HEX}`);
    expect(imageIdOf(`blobs/sha256/${HEX}`)).toBe(`sha256:${HEX}`);
    expect(imageIdOf(undefined)).toBeUndefined();
  });
});
