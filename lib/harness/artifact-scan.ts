import { lstat, readdir, readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { inlineCredentials, sensitiveLiterals, type SensitiveLiteral, type SkippedValue } from '../kube/redact.js';
import { ActionableError } from '../support/errors.js';
import { formatBytes } from '../support/format.js';
import { findLeaks, type Leak, type Needle } from '../support/leak-scan.js';

/**
 * The run's leak check: every secret the fixtures hold (lib/kube/redact.ts decides what is one)
 * searched for in every file a run wrote (reports, logs, timelines, recordings, kind's log
 * archives, the HTML report). Any hit fails the run; the hit names the file and the secret's
 * origin, never the value.
 */
export interface ScanResult {
  /** Distinct secret values searched for. */
  readonly needles: number;
  /** Values in Secrets or credential slots that are not searched (nor redacted from logs), and why. */
  readonly skipped: readonly SkippedValue[];
  readonly files: number;
  readonly bytes: number;
  readonly leaks: ReadonlyArray<Leak & { readonly file: string }>;
}

const YAML = new Set(['.yaml', '.yml']);

/** Every secret in the files under `fixturesDir`: YAML documents of any shape, and inline credentials in other text files. */
export async function secretsInFixtures(fixturesDir: string): Promise<{ needles: Needle[]; skipped: SkippedValue[] }> {
  const found: SensitiveLiteral[] = [];
  const skipped: SkippedValue[] = [];
  for (const file of await filesUnder(fixturesDir)) {
    const source = relative(join(fixturesDir, '..'), file);
    const text = await readFile(file, 'utf8');
    if (YAML.has(extname(file))) {
      const documents = parseAllDocuments(text).map((document, index) => {
        if (document.errors.length > 0)
          throw new ActionableError(
            `cannot scan for secrets: ${source} (document ${index + 1}) is not valid YAML (${document.errors[0]?.message.split('\n')[0]})`,
            'fix the fixture file',
          );
        return document.toJS({ maxAliasCount: 50 }) as unknown;
      });
      const secrets = sensitiveLiterals(documents, source);
      found.push(...secrets.literals);
      skipped.push(...secrets.skipped);
    } else if (!text.includes('\0')) {
      found.push(...inlineCredentials(text, source));
    }
  }
  const byValue = new Map<string, string[]>();
  for (const { value, where } of found) byValue.set(value, [...(byValue.get(value) ?? []), where]);
  return {
    needles: [...byValue].map(([value, wheres]) => ({ value, where: [...new Set(wheres)].join('; ') })),
    skipped,
  };
}

export async function scanArtifacts(outDir: string, fixturesDir: string): Promise<ScanResult> {
  const { needles, skipped } = await secretsInFixtures(fixturesDir);
  const leaks: Array<Leak & { file: string }> = [];
  let files = 0;
  let bytes = 0;
  for (const file of await filesUnder(outDir)) {
    const content = await readFile(file);
    files++;
    bytes += content.length;
    if (needles.length > 0)
      for (const leak of findLeaks(content, needles)) leaks.push({ ...leak, file: relative(process.cwd(), file) });
  }
  return { needles: needles.length, skipped, files, bytes, leaks };
}

/** Regular files under a directory, recursively; symbolic links are not followed. A missing directory has none. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile() && (await lstat(path)).isFile()) files.push(path);
  }
  return files;
}

/** One line per leak, at most `max`, for the console. */
export function describeLeaks(result: ScanResult, max = 20): string[] {
  const lines = result.leaks
    .slice(0, max)
    .map((leak) => `${leak.file} (byte ${leak.offset}, ${leak.form}): the value of ${leak.where}`);
  if (result.leaks.length > max) lines.push(`... and ${result.leaks.length - max} more`);
  return lines;
}

/** One line: how many secrets were searched for where, and how many hits. */
export function summarizeScan(result: ScanResult): string {
  const hits = result.leaks.length === 0 ? 'no hits' : `${result.leaks.length} HIT(S)`;
  const skipped =
    result.skipped.length > 0
      ? `; not searched: ${result.skipped.map((value) => `${value.where} (${value.why})`).join(', ')}`
      : '';
  return `secret scan: ${result.needles} secret value(s) from fixtures/ searched in ${result.files} file(s) (${formatBytes(result.bytes)}): ${hits}${skipped}`;
}
