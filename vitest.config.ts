import { configDefaults, defineConfig } from 'vitest/config';
import { handleFromEnv } from './lib/cluster/provider.js';
import { imageMapEnvironment } from './lib/harness/image-map-report.js';
import { RunResultsReporter } from './lib/harness/results-reporter.js';
import { LongestFirstSequencer } from './lib/harness/sequencer.js';
import { HANDOVER_ENV, readSettings } from './lib/support/settings.js';

/** Where reports go; `npm run e2e -- --out DIR` sets it (STS_CONFORMANCE_OUT, see lib/support/settings.ts). */
const { out, concurrency } = readSettings(['out', 'concurrency']);
/** `npm run e2e` runs the disruptive scenarios it was asked for in a vitest process of their own, after the others. */
const disruptive = process.env[HANDOVER_ENV.disruptive] === '1';
const conformanceRun =
  process.env[HANDOVER_ENV.runId] !== undefined || process.argv.some((arg) => /^(--project=)?e2e$/.test(arg));

/**
 * Three projects. `unit`: pure logic, no cluster, seconds. `integration`: the guide images and
 * the database adapters on the host's Docker through testcontainers, outside Kubernetes
 * (the *.integration.test.ts files under lib/, next to the adapters they prove), tens of seconds.
 * `e2e`: the conformance scenarios on one real cluster per run (lib/harness/global-setup.ts),
 * `concurrency` files at a time (each file's tests in order, each test in its own namespaces),
 * long deadlines, and no retries: a retry that passes would hide a violation. The disruptive
 * scenarios (suites/disruptive) are left out of it unless STS_CONFORMANCE_DISRUPTIVE=1, which
 * runs only them, one file at a time.
 *
 * The JUnit, Allure and results (out/results.json, lib/harness/results-reporter.ts) reporters
 * are for the conformance run only (`npm run e2e`, or `vitest --project e2e`): a unit run must
 * not overwrite a conformance run's reports in `out/`.
 */
export default defineConfig({
  test: {
    reporters: conformanceRun
      ? [
          'default',
          ['junit', { suiteName: 'statefulset-conformance' }],
          [
            'allure-vitest/reporter',
            {
              resultsDir: `${out}/allure-results`,
              reportMatchers: false,
              // The image map of the run (npm run e2e hands the cluster over), on the report's overview.
              environmentInfo: imageMapEnvironment(handleFromEnv()?.imageMap ?? []),
            },
          ],
          new RunResultsReporter(out),
        ]
      : ['default'],
    outputFile: { junit: `${out}/${disruptive ? 'junit-disruptive.xml' : 'junit.xml'}` },
    teardownTimeout: 600_000,
    maxWorkers: disruptive ? 1 : concurrency,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/*.integration.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['lib/**/*.integration.test.ts'],
          globalSetup: ['lib/workloads/integration/global-setup.ts'],
          // testcontainers' reaper (Ryuk) is an image this machine cannot pull; the global setup cleans up instead.
          env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
          retry: 0,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: disruptive ? ['suites/disruptive/**/*.test.ts'] : ['suites/**/*.test.ts'],
          exclude: disruptive ? configDefaults.exclude : [...configDefaults.exclude, 'suites/disruptive/**'],
          globalSetup: ['lib/harness/global-setup.ts'],
          fileParallelism: !disruptive && concurrency > 1,
          sequence: { concurrent: false, sequencer: LongestFirstSequencer },
          retry: 0,
          testTimeout: 900_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
