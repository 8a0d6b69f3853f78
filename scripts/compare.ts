/**
 * npm run compare -- RUN_A RUN_B [--out DIR] [--labels A,B] [--noise-factor F] [--noise-absolute SECONDS] [--load-factor F]
 *
 * RUN_A and RUN_B are results.json files or the --out directories of `npm run e2e` runs (or of
 * `npm run results:merge`). Prints what changed from A to B as Markdown and writes it to
 * DIR/comparison.md, the comparison as data to DIR/comparison.json, and its pages for the HTML
 * report to DIR/allure-results (`npm run report -- --out DIR`). DIR defaults to B's directory.
 *
 * Exit codes: 0 nothing regressed; 1 a verdict regressed (a test fails in B that did not fail in
 * A, or passed in A and did not run in B); 3 no verdict regressed, but a test that passed on both
 * sides got slower beyond noise (lib/results/compare.ts, NoiseRule: a factor and an absolute time,
 * and only between runs whose machines were about as busy); 2 bad input (usage, unreadable results).
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { compareRuns, comparisonExitCode, DEFAULT_NOISE, type NoiseRule } from '../lib/results/compare.js';
import { COMPARISON_PAGE_PREFIX, comparisonPages } from '../lib/results/comparison-pages.js';
import { renderComparisonMarkdown } from '../lib/results/render.js';
import { readRunResults } from '../lib/results/schema.js';
import { UsageError } from '../lib/support/errors.js';
import { readSettings, settingFlags } from '../lib/support/settings.js';
import { parseFlags, runMain } from './cli.js';

const USAGE =
  'usage: npm run compare -- RUN_A RUN_B [--out DIR] [--labels A,B] [--noise-factor F] [--noise-absolute SECONDS] [--load-factor F]';

runMain(async () => {
  const { flags, positionals } = parseFlags(
    process.argv.slice(2),
    {
      ...settingFlags(['out']),
      labels: { type: 'string' },
      'noise-factor': { type: 'string' },
      'noise-absolute': { type: 'string' },
      'load-factor': { type: 'string' },
    },
    USAGE,
  );
  if (positionals.length !== 2) throw new UsageError(`expected two runs to compare, got ${positionals.length}`, USAGE);
  const [pathA, pathB] = positionals as [string, string];
  const [a, b] = await Promise.all([readRunResults(pathA), readRunResults(pathB)]);
  const noise = noiseOf(flags);
  const labels = labelsOf(flags.labels, a.cluster.serverVersion, b.cluster.serverVersion);
  const comparison = compareRuns(a, b, { labels, noise });
  const markdown = renderComparisonMarkdown(comparison);
  console.log(markdown);

  // Where B is, unless told: the comparison belongs with the newer run and its report.
  const given = flags.out !== undefined || process.env.STS_CONFORMANCE_OUT;
  const outDir = resolve(
    given
      ? readSettings(['out'], { flags, usage: USAGE }).out
      : existsSync(pathB) && statSync(pathB).isDirectory()
        ? pathB
        : dirname(pathB),
  );
  await mkdir(join(outDir, 'allure-results'), { recursive: true });
  await writeFile(join(outDir, 'comparison.md'), markdown);
  await writeFile(join(outDir, 'comparison.json'), `${JSON.stringify(comparison, null, 2)}\n`);
  await replaceComparisonPages(join(outDir, 'allure-results'), comparisonPages(comparison, markdown));
  const exitCode = comparisonExitCode(comparison);
  console.error(
    `comparison: ${relative(process.cwd(), join(outDir, 'comparison.md'))} and .json; report pages in ${relative(process.cwd(), join(outDir, 'allure-results'))} (npm run report -- --out ${relative(process.cwd(), outDir) || '.'}); exit code ${exitCode}`,
  );
  return exitCode;
});

function noiseOf(flags: Record<string, unknown>): NoiseRule {
  const number = (flag: string, fallback: number, check: (value: number) => boolean, remedy: string) => {
    const raw = flags[flag];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || !check(value))
      throw new UsageError(`--${flag} ${String(raw)} is not ${remedy}`, USAGE);
    return value;
  };
  return {
    factor: number('noise-factor', DEFAULT_NOISE.factor, (value) => value >= 1, 'a factor of 1 or more, such as 1.5'),
    absoluteMs:
      1000 * number('noise-absolute', DEFAULT_NOISE.absoluteMs / 1000, (value) => value >= 0, 'a number of seconds'),
    loadFactor: number('load-factor', DEFAULT_NOISE.loadFactor, (value) => value >= 1, 'a factor of 1 or more'),
  };
}

/** The two sides' names in the tables: given, else their versions if they differ, else A and B. */
function labelsOf(raw: unknown, versionA: string, versionB: string): [string, string] {
  if (typeof raw === 'string') {
    const parts = raw.split(',').map((part) => part.trim());
    if (parts.length !== 2 || parts.some((part) => !part))
      throw new UsageError(`--labels ${raw} is not two names`, 'pass --labels "last night,tonight"');
    return parts as [string, string];
  }
  return versionA !== versionB ? [versionA, versionB] : ['A', 'B'];
}

/** The comparison's pages replace those of an earlier comparison in the same results. */
async function replaceComparisonPages(dir: string, pages: readonly Record<string, unknown>[]): Promise<void> {
  for (const entry of await readdir(dir)) {
    if (!entry.endsWith('-result.json')) continue;
    const text = await readFile(join(dir, entry), 'utf8').catch(() => '');
    if (text.includes(`"fullName":"${COMPARISON_PAGE_PREFIX}`)) await rm(join(dir, entry), { force: true });
  }
  for (const page of pages) await writeFile(join(dir, `${page.uuid as string}-result.json`), JSON.stringify(page));
}
