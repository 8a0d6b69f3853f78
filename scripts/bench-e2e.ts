/**
 * npm run bench:e2e -- [--runs 3] [e2e flags...]
 *
 * Runs the whole conformance run `runs` times in a row, each on a fresh cluster, and reports the
 * median wall time of the run and of each scenario, the share spent waiting for the cluster,
 * and how many runs failed. Writes out/bench/e2e.json; each run's reports stay in out/bench/run-N/.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { readTimings } from '../lib/harness/timings.js';
import { UsageError } from '../lib/support/errors.js';
import { formatDuration } from '../lib/support/format.js';
import { flagOf } from '../lib/support/settings.js';
import { median, writeJson } from './bench-support.js';
import { runMain } from './cli.js';

runMain(async () => {
  const args = process.argv.slice(2);
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 3;
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError('--runs takes a whole number', 'usage: npm run bench:e2e -- [--runs N] [e2e flags]');
  const passThrough = runsIndex >= 0 ? [...args.slice(0, runsIndex), ...args.slice(runsIndex + 2)] : args;

  const results: Array<{
    run: number;
    exitCode: number;
    seconds: number;
    scenarios: Record<string, { totalMs: number; waitingMs: number }>;
  }> = [];
  for (let run = 1; run <= runs; run++) {
    const out = resolve('out', 'bench', `run-${run}`);
    const started = Date.now();
    const exitCode = await new Promise<number>((done) => {
      const child = spawn(
        process.execPath,
        [resolve('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/e2e.ts', ...passThrough, flagOf('out'), out],
        { stdio: 'inherit' },
      );
      child.on('exit', (code) => done(code ?? 1));
    });
    const seconds = (Date.now() - started) / 1000;
    const scenarios = Object.fromEntries(
      (await readTimings(out)).map((timing) => [
        `${timing.file} > ${timing.test}`,
        { totalMs: timing.totalMs, waitingMs: timing.waitingMs },
      ]),
    );
    results.push({ run, exitCode, seconds, scenarios });
    console.log(`bench run ${run}/${runs}: exit ${exitCode} in ${formatDuration(seconds)}`);
  }

  const names = [...new Set(results.flatMap((result) => Object.keys(result.scenarios)))];
  const perScenario = Object.fromEntries(
    names.map((name) => {
      const timings = results.flatMap((result) => result.scenarios[name] ?? []);
      return [
        name,
        {
          medianSeconds: median(timings.map((timing) => timing.totalMs)) / 1000,
          medianWaitingSeconds: median(timings.map((timing) => timing.waitingMs)) / 1000,
        },
      ];
    }),
  );
  const summary = {
    runs: results.map(({ run, exitCode, seconds }) => ({ run, exitCode, seconds })),
    failedRuns: results.filter((result) => result.exitCode !== 0).length,
    medianRunSeconds: median(results.map((result) => result.seconds)),
    perScenario,
  };
  await writeJson(join('out', 'bench', 'e2e.json'), summary);
  console.log(`\nmedian run: ${formatDuration(summary.medianRunSeconds)}; failed runs: ${summary.failedRuns}/${runs}`);
  for (const [name, timing] of Object.entries(perScenario)) {
    console.log(
      `  ${formatDuration(timing.medianSeconds).padStart(7)} (waiting ${formatDuration(timing.medianWaitingSeconds)})  ${name}`,
    );
  }
  return summary.failedRuns > 0 ? 1 : 0;
});
