import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The namespaces a run created, one name a line in <out>/namespaces.txt: the run's end checks that
 * each is gone with the volumes of its claims, though by then the namespaces (and their labels)
 * may no longer be listable.
 */
const FILE = 'namespaces.txt';

export async function noteRunNamespace(outDir: string, name: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await appendFile(join(outDir, FILE), `${name}\n`);
}

export async function runNamespaces(outDir: string): Promise<string[]> {
  const text = await readFile(join(outDir, FILE), 'utf8').catch(() => '');
  return [...new Set(text.split('\n').filter(Boolean))];
}

export async function forgetRunNamespaces(outDir: string): Promise<void> {
  await rm(join(outDir, FILE), { force: true });
}
