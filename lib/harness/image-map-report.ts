import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imageMapMarkdown } from '../cluster/image-map.js';
import type { ImageMapEntry } from '../kube/cluster-handle.js';
import { shortPattern } from '../support/image-reference.js';

/** The run's image map beside its other reports: out/image-map.md for people, out/image-map.json for tools. */
export async function writeImageMap(outDir: string, map: readonly ImageMapEntry[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'image-map.md'), imageMapMarkdown(map));
  await writeFile(join(outDir, 'image-map.json'), `${JSON.stringify(map, null, 2)}\n`);
}

/** The image map as Allure environment entries (the report's overview): one per pattern. */
export function imageMapEnvironment(map: readonly ImageMapEntry[]): Record<string, string> {
  return Object.fromEntries(
    map.map((entry) => [
      `image ${shortPattern(entry.official)}`,
      entry.mode === 'official'
        ? 'official image, pulled as named'
        : `${entry.image} (${entry.mode}: ${entry.product} ${entry.version})${entry.cannotShow.length > 0 ? `; not run here: ${entry.cannotShow.join('; ')}` : ''}`,
    ]),
  );
}
