/**
 * npm run bench:e2e -- [--runs 3] [e2e flags...]
 *
 * Runs the whole conformance run `runs` times in a row (each on a fresh cluster unless the e2e
 * flags name one to reuse) and reports:
 *
 * - the median wall time of the run and of each scenario, and how many runs failed;
 * - per scenario, where its time went (lib/harness/overhead.ts): the behaviour's own waits (pods
 *   starting, becoming Ready, terminating, claims provisioned, hold windows), other waits (the
 *   controller, DNS) and the suite's own work, with the suite's share against SUITE_SHARE_TARGET;
 * - the recorder's event latency from the API server's write to its arrival
 *   (lib/observe/latency.ts): bracketed per record by the object's own timestamps and a probe's
 *   resourceVersion clock that each run starts beside the scenarios (STS_LATENCY_PROBE), median
 *   and p95, against LATENCY_MEDIAN_TARGET_MS.
 *
 * The targets are checked here, never in a timed test. Writes out/bench/e2e.json; each run's
 * reports stay in out/bench/run-N/.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { overheadOf, type Overhead } from '../lib/harness/overhead.js';
import { readTimings, type ScenarioTiming } from '../lib/harness/timings.js';
import { slug } from '../lib/kube/namespace.js';
import {
  latencyBounds,
  medianTarget,
  probeLatencies,
  summarizeLatency,
  type LatencyBounds,
  type LatencySummary,
  type ProbeWrite,
} from '../lib/observe/latency.js';
import type { Recording } from '../lib/observe/records.js';
import { UsageError } from '../lib/support/errors.js';
import { formatDuration } from '../lib/support/format.js';
import { flagOf, HANDOVER_ENV } from '../lib/support/settings.js';
import { median, writeJson } from './bench-support.js';
import { runMain } from './cli.js';

/** The issue's target: the median time from the API server's write to the recorder seeing it. */
const LATENCY_MEDIAN_TARGET_MS = 200;
/** The suite's own work as a share of a scenario's wall time, at most (the rest is the cluster's). */
const SUITE_SHARE_TARGET = 0.2;

interface RunResult {
  run: number;
  exitCode: number;
  seconds: number;
  scenarios: Record<string, Overhead | { totalMs: number }>;
  latency: LatencyBounds[];
  probe: LatencyBounds[];
}

runMain(async () => {
  const args = process.argv.slice(2);
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 3;
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError('--runs takes a whole number', 'usage: npm run bench:e2e -- [--runs N] [e2e flags]');
  const passThrough = runsIndex >= 0 ? [...args.slice(0, runsIndex), ...args.slice(runsIndex + 2)] : args;

  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const out = resolve('out', 'bench', `run-${run}`);
    const started = Date.now();
    const exitCode = await new Promise<number>((done) => {
      const child = spawn(
        process.execPath,
        [resolve('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/e2e.ts', ...passThrough, flagOf('out'), out],
        { stdio: 'inherit', env: { ...process.env, [HANDOVER_ENV.latencyProbe]: '1' } },
      );
      child.on('exit', (code) => done(code ?? 1));
    });
    const seconds = (Date.now() - started) / 1000;
    const measured = await measureRun(out);
    results.push({ run, exitCode, seconds, ...measured });
    console.log(`bench run ${run}/${runs}: exit ${exitCode} in ${formatDuration(seconds)}`);
  }

  const names = [...new Set(results.flatMap((result) => Object.keys(result.scenarios)))];
  const perScenario = Object.fromEntries(names.map((name) => [name, medianOverhead(results, name)]));
  const latency = summarizeLatency(results.flatMap((result) => result.latency));
  const probe = summarizeLatency(results.flatMap((result) => result.probe));
  const summary = {
    runs: results.map(({ run, exitCode, seconds }) => ({ run, exitCode, seconds })),
    failedRuns: results.filter((result) => result.exitCode !== 0).length,
    medianRunSeconds: median(results.map((result) => result.seconds)),
    perScenario,
    latency: {
      targetMedianMs: LATENCY_MEDIAN_TARGET_MS,
      scenarioRecords: latency,
      probeWrites: probe,
      target: latency ? medianTarget(latency, LATENCY_MEDIAN_TARGET_MS) : 'not measured',
    },
    suiteShareTarget: SUITE_SHARE_TARGET,
  };
  await writeJson(join('out', 'bench', 'e2e.json'), summary);

  console.log(`\nmedian run: ${formatDuration(summary.medianRunSeconds)}; failed runs: ${summary.failedRuns}/${runs}`);
  console.log(
    '\nper scenario (median over runs): wall | behaviour: pod start, Ready, claims, termination, holds (union) | other waits | suite own (barrier, evidence) | suite share',
  );
  for (const [name, overhead] of Object.entries(perScenario)) console.log(`  ${describeOverhead(overhead)}  ${name}`);
  console.log(`\nrecorder event latency, write -> recorder (target: median < ${LATENCY_MEDIAN_TARGET_MS} ms):`);
  console.log(`  scenario records: ${describeLatency(latency)}`);
  console.log(`  probe writes:     ${describeLatency(probe)}`);
  console.log(
    `  median target: ${summary.latency.target}${summary.latency.target === 'undecided' ? ' (the brackets straddle it)' : ''}`,
  );
  return summary.failedRuns > 0 ? 1 : 0;
});

/** One run's scenarios (from timings.jsonl and their recordings) and the latency brackets of its records. */
async function measureRun(out: string): Promise<Omit<RunResult, 'run' | 'exitCode' | 'seconds'>> {
  const clock = JSON.parse(await readFile(join(out, 'latency-probe.json'), 'utf8').catch(() => '[]')) as ProbeWrite[];
  const scenarios: RunResult['scenarios'] = {};
  const latency: LatencyBounds[] = [];
  for (const timing of await readTimings(out)) {
    const recordings = await recordingsOf(out, timing);
    scenarios[`${timing.file} > ${timing.test}`] = overheadOf(timing, recordings) ?? { totalMs: timing.totalMs };
    for (const recording of recordings) latency.push(...latencyBounds(recording.records, clock));
  }
  return { scenarios, latency, probe: probeLatencies(clock) };
}

async function recordingsOf(out: string, timing: ScenarioTiming): Promise<Recording[]> {
  const dir = join(out, 'timelines', slug(timing.test, 80));
  const files = (await readdir(dir).catch(() => [])).filter((file) => file.endsWith('.recording.json'));
  return Promise.all(files.map(async (file) => JSON.parse(await readFile(join(dir, file), 'utf8')) as Recording));
}

function medianOverhead(results: readonly RunResult[], name: string): Overhead | { totalMs: number } {
  const all = results.map((result) => result.scenarios[name]).filter(Boolean) as Array<Overhead | { totalMs: number }>;
  const full = all.filter((overhead): overhead is Overhead => 'suiteMs' in overhead);
  if (full.length === 0) return { totalMs: median(all.map((overhead) => overhead.totalMs)) };
  const keys = Object.keys(full[0] as Overhead) as Array<keyof Overhead>;
  return Object.fromEntries(
    keys.map((key) => [key, median(full.map((overhead) => overhead[key]))]),
  ) as unknown as Overhead;
}

function describeOverhead(overhead: Overhead | { totalMs: number }): string {
  const s = (ms: number) => formatDuration(ms / 1000);
  if (!('suiteMs' in overhead)) return `${s(overhead.totalMs).padStart(6)} (no breakdown)`;
  const share = overhead.suiteMs / overhead.totalMs;
  return [
    s(overhead.totalMs).padStart(6),
    `${s(overhead.podStartMs)}, ${s(overhead.readinessMs)}, ${s(overhead.provisioningMs)}, ${s(overhead.terminationMs)}, ${s(overhead.holdMs)} (${s(overhead.inherentMs)})`,
    s(overhead.otherWaitMs),
    `${s(overhead.suiteMs)} (${s(overhead.barrierMs)}, ${s(overhead.evidenceMs)})`,
    `${Math.round(share * 100)}%${share <= SUITE_SHARE_TARGET ? '' : ` > ${SUITE_SHARE_TARGET * 100}%`}`,
  ].join(' | ');
}

function describeLatency(summary: LatencySummary | undefined): string {
  if (!summary) return 'not measured';
  return `${summary.count} records; median ${summary.medianMs.lower}-${summary.medianMs.upper} ms, p95 ${summary.p95Ms.lower}-${summary.p95Ms.upper} ms (lower-upper bound; median bracket ${summary.medianBracketMs} ms)`;
}
