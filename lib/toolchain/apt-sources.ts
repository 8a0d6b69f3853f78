import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Debian mirror this machine's apt already uses, so the toolchain debootstraps from the same
 * place `apt-get` does and no mirror is written into the repository. Reads one-line `deb URI
 * SUITE ...` entries (sources.list, *.list) and deb822 stanzas (*.sources: Types, URIs, Suites).
 */
export function mirrorFromAptSources(
  files: ReadonlyArray<{ name: string; text: string }>,
  suite: string,
): string | undefined {
  for (const { name, text } of files) {
    if (name.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (key: string) =>
          new RegExp(`^${key}:\\s*(.+)$`, 'mi').exec(stanza.replace(/^#.*$/gm, ''))?.[1]?.trim().split(/\s+/) ?? [];
        if (field('Types').includes('deb') && field('Suites').includes(suite) && field('Enabled')[0] !== 'no') {
          const uri = field('URIs')[0];
          if (uri) return uri.replace(/\/+$/, '');
        }
      }
    } else {
      for (const line of text.split('\n')) {
        const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (match && match[2] === suite) return (match[1] as string).replace(/\/+$/, '');
      }
    }
  }
  return undefined;
}

/** The apt source files of this machine that apt reads (disabled ones are left out). */
export function aptSourceFiles(root = '/etc/apt'): Array<{ name: string; text: string }> {
  const files: Array<{ name: string; text: string }> = [];
  const read = (path: string) => {
    try {
      files.push({ name: path, text: readFileSync(path, 'utf8') });
    } catch {
      // absent: nothing to read
    }
  };
  read(join(root, 'sources.list'));
  let entries: string[] = [];
  try {
    entries = readdirSync(join(root, 'sources.list.d')).sort();
  } catch {
    entries = [];
  }
  for (const entry of entries) {
    if (entry.endsWith('.list') || entry.endsWith('.sources')) read(join(root, 'sources.list.d', entry));
  }
  return files;
}
