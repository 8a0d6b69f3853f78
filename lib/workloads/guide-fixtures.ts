import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The guides' manifests as fixtures (fixtures/guides/<guide>/<example>.yaml): a header of
 * comments naming the guide, its section and why the fixture starts and stops where it does,
 * ending in `# verbatim: A-B[, C-D ...]`; then the guide's lines A..B (and C..D, each further
 * range after a `---` line), byte for byte. What the suite changes is never edited in: it is a
 * named transform applied when the fixture is loaded.
 */
export const GUIDE_FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/guides/', import.meta.url));

export interface GuideFixtureHeader {
  readonly guide: string;
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  /** The lines after the header. */
  readonly body: string;
}

export function parseGuideFixture(text: string, source: string): GuideFixtureHeader {
  const lines = text.split('\n');
  const guide = /^# Guide: (\S+)/.exec(lines[0] ?? '')?.[1];
  if (!guide) throw new Error(`${source}: the first line must be "# Guide: <file> ..."`);
  const marker = lines.findIndex((line) => line.startsWith('# verbatim: '));
  if (marker < 0) throw new Error(`${source}: no "# verbatim: A-B" line ends the header`);
  const ranges = (lines[marker] as string)
    .slice('# verbatim: '.length)
    .split(',')
    .map((range) => {
      const match = /^\s*(\d+)-(\d+)\s*$/.exec(range);
      if (!match) throw new Error(`${source}: "${range.trim()}" is not a line range A-B`);
      return [Number(match[1]), Number(match[2])] as const;
    });
  return { guide, ranges, body: lines.slice(marker + 1).join('\n') };
}

/** What differs between a fixture's body and the guide's lines it says it copies (empty: verbatim). */
export function verbatimProblems(text: string, source: string, readGuide: (file: string) => string): string[] {
  const { guide, ranges, body } = parseGuideFixture(text, source);
  const guideLines = readGuide(guide).split('\n');
  const expected = ranges.map(([from, to]) => guideLines.slice(from - 1, to).join('\n')).join('\n---\n');
  if (body.replace(/\n+$/, '') === expected.replace(/\n+$/, '')) return [];
  const got = body.split('\n');
  const want = expected.split('\n');
  const index = want.findIndex((line, at) => got[at] !== line);
  const at = index < 0 ? want.length : index;
  return [
    `${source}: body line ${at + 1} differs from ${guide} (${ranges.map(([a, b]) => `${a}-${b}`).join(', ')}): expected ${JSON.stringify(want[at])}, found ${JSON.stringify(got[at])}`,
  ];
}

/** Every guide fixture, as [relative path, text]. */
export function guideFixtureFiles(dir = GUIDE_FIXTURES_DIR): Array<[string, string]> {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(dir, entry.name))
        .filter((name) => name.endsWith('.yaml'))
        .sort()
        .map((name): [string, string] => [`${entry.name}/${name}`, readFileSync(join(dir, entry.name, name), 'utf8')]),
    );
}
