import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import { readRunResults, RESULTS_FILE, RESULTS_SCHEMA, type RunResults, type TestResult } from '../results/schema.js';
import type { TestFacts } from './test-facts.js';

/**
 * Writes out/results.json when a conformance run (or one shard of it) ends: every test the run
 * started, with its final outcome as vitest decided it (fixture teardown, such as the automatic
 * status check, included), the facts the harness kept in the test's meta (test-facts.ts), and the
 * cluster facts the global setup read (run-facts.ts). A run whose global setup failed ran no
 * test and writes nothing.
 */
export class RunResultsReporter implements Reporter {
  private vitest?: Vitest;
  private startedAt = new Date();
  private loadAtStart = loadavg()[0] as number;

  constructor(private readonly outDir: string) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    this.startedAt = new Date();
    this.loadAtStart = loadavg()[0] as number;
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    const project = this.vitest?.projects.find((candidate) => candidate.name === 'e2e');
    const provided = project?.getProvidedContext();
    if (!this.vitest || !provided?.clusterFacts) return;
    const root = this.vitest.config.root;
    const tests = testModules
      .flatMap((module) => [...module.children.allTests()])
      .map((testCase) => describeTestCase(testCase, root))
      .filter((test): test is TestResult => test !== undefined);
    const shard = this.vitest.config.shard;
    const results: RunResults = {
      schema: RESULTS_SCHEMA,
      runIds: [provided.runId],
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      shards: shard ? [{ index: shard.index, count: shard.count }] : [],
      cluster: provided.clusterFacts,
      host: { cpus: availableParallelism(), loadAverage: [this.loadAtStart, loadavg()[0] as number] },
      tests,
    };
    const outDir = provided.outDir ?? this.outDir;
    await mkdir(outDir, { recursive: true });
    // `npm run e2e` runs the disruptive scenarios in a vitest process of their own after the
    // others: their results join the ones this run already wrote instead of replacing them.
    const earlier = await readRunResults(outDir).catch(() => undefined);
    const joined = earlier?.runIds.includes(provided.runId) ? joinParts(earlier, results) : results;
    await writeFile(join(outDir, RESULTS_FILE), `${JSON.stringify(joined, null, 2)}\n`);
  }
}

function describeTestCase(testCase: TestCase, root: string): TestResult | undefined {
  const result = testCase.result();
  return testResultOf({
    file: relative(root, testCase.module.moduleId),
    name: testCase.fullName,
    state: result.state,
    note: result.state === 'skipped' ? result.note : undefined,
    errors: (result.errors ?? []).map((error) => error.message ?? String(error)),
    durationMs: testCase.diagnostic()?.duration,
    facts: testCase.meta().conformance,
  });
}

export interface ReportedTest {
  readonly file: string;
  readonly name: string;
  readonly state: 'pending' | 'passed' | 'failed' | 'skipped';
  readonly note?: string;
  readonly errors: readonly string[];
  readonly durationMs?: number;
  readonly facts?: TestFacts;
}

/** Lines of a failure message kept in the results: the step, and the verdicts it leads with. */
const ERROR_LINES = 12;

/**
 * One test as the results record it. A test the run never started (filtered out by name, or
 * after an interruption) has no facts and is left out: the results say what was run.
 */
export function testResultOf(test: ReportedTest): TestResult | undefined {
  if (!test.facts && test.state !== 'failed') return undefined;
  const facts = test.facts ?? { verdicts: [], steps: [], notes: [], figures: [] };
  // A test that started and never finished (an interrupted run, a worker that died) did not pass.
  const outcome = test.state === 'passed' ? 'passed' : test.state === 'skipped' ? 'skipped' : 'failed';
  const errors =
    test.state === 'pending' ? ['did not finish: the run was interrupted or its worker ended'] : test.errors;
  const error = errors.join('\n').split('\n').slice(0, ERROR_LINES).join('\n').trim();
  const durationMs =
    test.durationMs ?? facts.steps.filter((step) => step.depth === 0).reduce((sum, s) => sum + s.ms, 0);
  return {
    id: `${test.file} > ${test.name}`,
    file: test.file,
    scenario: basename(test.file).replace(/\.test\.ts$/, ''),
    name: test.name,
    outcome,
    ...(outcome === 'skipped' ? { skipReason: test.note ?? 'skipped' } : {}),
    ...(error ? { error } : {}),
    durationMs: Math.round(durationMs),
    ...(facts.waitingMs !== undefined ? { waitingMs: facts.waitingMs } : {}),
    verdicts: facts.verdicts,
    steps: facts.steps,
    notes: facts.notes,
    figures: facts.figures,
  };
}

/** The parts of one run written by its successive vitest processes, as one run. */
export function joinParts(earlier: RunResults, later: RunResults): RunResults {
  return {
    ...earlier,
    finishedAt: later.finishedAt,
    ...(earlier.host && later.host
      ? {
          host: {
            cpus: earlier.host.cpus,
            loadAverage: [earlier.host.loadAverage[0] ?? 0, later.host.loadAverage[1] ?? 0],
          },
        }
      : {}),
    tests: [...earlier.tests, ...later.tests.filter((test) => !earlier.tests.some((other) => other.id === test.id))],
  };
}
