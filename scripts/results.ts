/**
 * npm run results:merge   -- --out DIR RUN_DIR...   the shards of one run as one run in DIR
 * npm run results:summary -- RUN_DIR...             each run's summary as Markdown (CI job summaries)
 *
 * merge: RUN_DIR are the --out directories of `npm run e2e -- --shard I/N` runs (one Kubernetes
 * version). DIR gets what a whole run leaves: results.json, junit.xml, allure-results (each
 * result marked with its Kubernetes version, so reports of several versions keep them apart),
 * timings, figures and the guides' ledger (published once, from every shard's decisions), and
 * the timelines. Exit code 0 when merged, 2 for bad input.
 *
 * summary: prints, per run, the counts and every failure by scenario, test and the verdict that
 * failed. Exit code 1 if a run has a failed test or a missing shard, else 0.
 */
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { loadLedger } from '../lib/claims/ledger.js';
import { publishLedger } from '../lib/claims/publish.js';
import { DECISIONS_FILE, FIGURES_FILE, readDecisions } from '../lib/harness/decisions.js';
import { TIMINGS_FILE } from '../lib/harness/timings.js';
import { COMPARISON_PAGE_PREFIX } from '../lib/results/comparison-pages.js';
import {
  isLedgerPage,
  mergeJunitReports,
  mergeRunResults,
  missingShards,
  stampAllureResult,
} from '../lib/results/merge.js';
import { renderRunSummary } from '../lib/results/render.js';
import { readRunResults, RESULTS_FILE } from '../lib/results/schema.js';
import { UsageError } from '../lib/support/errors.js';
import { readSettings, settingFlags } from '../lib/support/settings.js';
import { parseFlags, runMain } from './cli.js';

const USAGE = 'usage: npm run results:merge -- --out DIR RUN_DIR...; npm run results:summary -- RUN_DIR...';

/** Append-only files of a run that merge by concatenation. */
const LINE_FILES = [TIMINGS_FILE, FIGURES_FILE, DECISIONS_FILE];
/** Directories of a run whose entries are per test, so the parts' entries do not collide. */
const PER_TEST_DIRS = ['timelines', 'transcripts', 'kind-logs'];

async function merge(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, settingFlags(['out']), USAGE);
  if (positionals.length === 0) throw new UsageError('no run directories to merge', USAGE);
  if (flags.out === undefined) throw new UsageError('no --out DIR to merge into', USAGE);
  const outDir = resolve(readSettings(['out'], { flags, usage: USAGE }).out);
  const parts = positionals.map((part) => resolve(part));
  if (parts.includes(outDir)) throw new UsageError(`--out ${outDir} is one of the parts`, 'merge into a new directory');
  const results = mergeRunResults(await Promise.all(parts.map((part) => readRunResults(part))));
  const version = results.cluster.serverVersion;

  await rm(outDir, { recursive: true, force: true });
  const allure = join(outDir, 'allure-results');
  await mkdir(allure, { recursive: true });
  await writeFile(join(outDir, RESULTS_FILE), `${JSON.stringify(results, null, 2)}\n`);
  const junit = await Promise.all(parts.map((part) => readFile(join(part, 'junit.xml'), 'utf8').catch(() => '')));
  await writeFile(join(outDir, 'junit.xml'), mergeJunitReports(junit));
  let copied = 0;
  for (const part of parts) {
    copied += await copyAllureResults(join(part, 'allure-results'), allure, version);
    for (const file of LINE_FILES) {
      const text = await readFile(join(part, file), 'utf8').catch(() => '');
      if (text) await appendFile(join(outDir, file), text.endsWith('\n') ? text : `${text}\n`);
    }
    for (const dir of PER_TEST_DIRS)
      if (existsSync(join(part, dir))) await cp(join(part, dir), join(outDir, dir), { recursive: true });
  }
  const { rows } = await publishLedger(outDir, loadLedger(), await readDecisions(outDir));
  await stampLedgerPages(allure, version);
  const missing = missingShards(results);
  console.log(
    `merged ${parts.length} part(s) of Kubernetes ${version} into ${relative(process.cwd(), outDir)}: ${results.tests.length} tests, ${copied} Allure results, ${rows.length} ledger statements${missing.length > 0 ? `; MISSING shards ${missing.map((shard) => `${shard.index}/${shard.count}`).join(', ')}` : ''}`,
  );
  return 0;
}

/**
 * Copies a part's Allure results and attachments, each result marked with the version; the
 * ledger's and an earlier comparison's pages stay behind (the merge publishes the ledger once).
 */
async function copyAllureResults(from: string, to: string, version: string): Promise<number> {
  if (!existsSync(from)) return 0;
  let results = 0;
  for (const entry of await readdir(from)) {
    const source = join(from, entry);
    if (!entry.endsWith('-result.json')) {
      await cp(source, join(to, entry));
      continue;
    }
    const result = JSON.parse(await readFile(source, 'utf8')) as Record<string, unknown>;
    if (isLedgerPage(result) || String(result.fullName ?? '').startsWith(COMPARISON_PAGE_PREFIX)) continue;
    await writeFile(join(to, entry), JSON.stringify(stampAllureResult(result, version)));
    results++;
  }
  return results;
}

/** The ledger's pages, published once for the merged run, carry its version like every other result. */
async function stampLedgerPages(dir: string, version: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    if (!entry.endsWith('-result.json')) continue;
    const result = JSON.parse(await readFile(join(dir, entry), 'utf8')) as Record<string, unknown>;
    if (isLedgerPage(result)) await writeFile(join(dir, entry), JSON.stringify(stampAllureResult(result, version)));
  }
}

async function summary(args: string[]): Promise<number> {
  const { positionals } = parseFlags(args, {}, USAGE);
  if (positionals.length === 0) throw new UsageError('no run directories to summarize', USAGE);
  let failing = false;
  for (const path of positionals) {
    const results = await readRunResults(path);
    console.log(renderRunSummary(results));
    failing ||= results.tests.some((test) => test.outcome === 'failed') || missingShards(results).length > 0;
  }
  return failing ? 1 : 0;
}

runMain(async () => {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'merge':
      return merge(rest);
    case 'summary':
      return summary(rest);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}`, USAGE);
  }
});
