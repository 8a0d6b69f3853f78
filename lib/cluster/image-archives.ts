import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../support/errors.js';

import type { ImageArchive } from '../toolchain/prepare.js';

export type { ImageArchive };

/**
 * The archives of `--images DIR`: every *.tar in it, with the names its manifest.json gives
 * (`docker save NAME:TAG -o FILE`; an archive saved by image id has no names and is refused).
 */
export async function readImageArchives(dir: string, flag = '--images'): Promise<ImageArchive[]> {
  const path = resolve(dir);
  if (!existsSync(path) || !statSync(path).isDirectory())
    throw new UsageError(`${flag} ${dir} is not a directory`, `pass a directory of \`docker save\` archives (*.tar)`);
  const files = readdirSync(path)
    .filter((name) => name.endsWith('.tar'))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0)
    throw new UsageError(
      `${flag} ${dir} holds no *.tar archive`,
      'save the official images into it, e.g. `docker save mysql:8.0 -o DIR/mysql-8.0.tar`',
    );
  const archives: ImageArchive[] = [];
  for (const file of files) {
    const manifest = await execa('tar', ['-xOf', file, 'manifest.json'], {
      reject: false,
      maxBuffer: 16 * 1024 * 1024,
    });
    let images: Array<{ image: string; id?: string }> = [];
    try {
      images = (JSON.parse(manifest.stdout) as Array<{ Config?: string; RepoTags?: string[] | null }>).flatMap(
        (entry) => (entry.RepoTags ?? []).map((image) => ({ image, id: imageIdOf(entry.Config) })),
      );
    } catch {
      throw new UsageError(
        `${file} is not a \`docker save\` archive (no readable manifest.json)`,
        'write it with `docker save NAME:TAG -o FILE`',
      );
    }
    if (images.length === 0)
      throw new UsageError(`${file} holds images without names`, 'save them by name: `docker save NAME:TAG -o FILE`');
    archives.push({ file, images });
  }
  return archives;
}

/** Docker's image id from a manifest's Config entry: "<hex>.json" (docker save) or "blobs/sha256/<hex>" (OCI layout). */
export function imageIdOf(config: string | undefined): string | undefined {
  const hex = /([0-9a-f]{64})(?:\.json)?$/.exec(config ?? '')?.[1];
  return hex ? `sha256:${hex}` : undefined;
}
