import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../support/errors.js';

/**
 * What a conformance run leaves as data, for machines: out/results.json. One record per test
 * (scenario file, test, outcome, the verdicts it asserted with the kinds expected and reported,
 * its steps' and its own wall time, the notes and figures it reported) and the facts of the
 * cluster it ran on (versions, feature gates, images). Shards of one run merge into one; two runs
 * compare (lib/results/compare.ts). Written by lib/harness/results-reporter.ts.
 */
export const RESULTS_FILE = 'results.json';
export const RESULTS_SCHEMA = 'sts-conformance/results@1';

export interface RunResults {
  readonly schema: typeof RESULTS_SCHEMA;
  /** The run ids of the namespaces' labels; one per shard after a merge. */
  readonly runIds: readonly string[];
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Which part of the scenario list this is: [{index: 1, count: 2}]; several after a merge, empty for a whole run. */
  readonly shards: readonly ShardInfo[];
  readonly cluster: ClusterFacts;
  /** The machine that ran the tests (and, for kind, the cluster): how busy it was says how far timings can be trusted. */
  readonly host?: HostLoad;
  readonly tests: readonly TestResult[];
}

export interface HostLoad {
  readonly cpus: number;
  /** The 1-minute load average when the run started and when it ended (the parts' when merged). */
  readonly loadAverage: readonly number[];
}

export interface ShardInfo {
  readonly index: number;
  readonly count: number;
}

export interface NodeFacts {
  readonly name: string;
  readonly roles: readonly string[];
  readonly kubeletVersion: string;
  readonly containerRuntime: string;
  readonly osImage: string;
  readonly kernel: string;
  /** The container image of a kind node (read from Docker), when the node is a local container. */
  readonly image?: string;
}

export interface ClusterFacts {
  /** kind cluster name or kubeconfig context. */
  readonly name: string;
  readonly provider: 'kind' | 'existing';
  readonly serverVersion: string;
  /** Feature gates as the API server lists them (kubernetes_feature_enabled), or as assumed. */
  readonly gates: Readonly<Record<string, boolean>>;
  readonly gatesSource: string;
  readonly nodes: readonly NodeFacts[];
  /** `kind version` of the kind binary that manages the cluster, for kind clusters. */
  readonly kindVersion?: string;
  /** Public image -> image on the nodes, for offline clusters (fixtures name public images). */
  readonly imageMap: Readonly<Record<string, string>>;
  /** Every container image of kube-system's pods: the control plane, DNS, CNI, proxy. */
  readonly systemImages: readonly string[];
}

export type TestOutcome = 'passed' | 'failed' | 'skipped';

export interface VerdictResult {
  readonly invariant: string;
  /** The verdict's own outcome. */
  readonly outcome: 'holds' | 'violated' | 'inconclusive';
  /** 'holds' for an invariant that must hold; the kinds a negative control must produce. */
  readonly expected: 'holds' | readonly string[];
  /** Violation kinds the verdict reported. */
  readonly reported: readonly string[];
  /** Whether the expectation was met (the assertion passed). */
  readonly met: boolean;
  readonly checked: string;
  /** 'asserted': expectHolds / expectViolated; 'when a step failed': a declared invariant judged on the way out. */
  readonly when: 'asserted' | 'when a step failed';
}

export interface StepTiming {
  readonly title: string;
  /** Nesting depth: 0 for a step of the test body. */
  readonly depth: number;
  readonly ms: number;
  readonly failed: boolean;
}

export interface NoteResult {
  readonly title: string;
  readonly facts: Readonly<Record<string, string>>;
}

export interface FigureResult {
  readonly name: string;
  readonly value: number;
  readonly unit?: string;
}

export interface TestResult {
  /** `<file> > <full test name>`: the same test in two runs has the same id. */
  readonly id: string;
  /** Relative to the repository: suites/core/partition.test.ts. */
  readonly file: string;
  /** The scenario's name (the file's, as `npm run e2e -- NAME` takes it). */
  readonly scenario: string;
  /** Describe blocks and test title, joined by " > ". */
  readonly name: string;
  readonly outcome: TestOutcome;
  /** Why the test was skipped: "not applicable here: ..." when the cluster cannot decide it. */
  readonly skipReason?: string;
  /** The failure's first lines. */
  readonly error?: string;
  readonly durationMs: number;
  /** Of durationMs: waiting for the cluster (named waits, observation windows). */
  readonly waitingMs?: number;
  readonly verdicts: readonly VerdictResult[];
  readonly steps: readonly StepTiming[];
  readonly notes: readonly NoteResult[];
  readonly figures: readonly FigureResult[];
}

/** Reads results from a results.json file, or from the directory a run wrote it into; bad input is a UsageError. */
export async function readRunResults(path: string): Promise<RunResults> {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, RESULTS_FILE) : path;
  if (!existsSync(file))
    throw new UsageError(
      `no ${RESULTS_FILE} at ${file}`,
      'pass a results.json or the --out directory of an `npm run e2e` run (every run writes one)',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not JSON (${(error as Error).message})`, 'pass a results.json a run wrote');
  }
  const schema = (parsed as { schema?: unknown }).schema;
  if (schema !== RESULTS_SCHEMA)
    throw new UsageError(
      `${file} has schema ${JSON.stringify(schema)}, not ${RESULTS_SCHEMA}`,
      'compare results written by this version of the suite (rerun the older side, or use its checkout)',
    );
  return parsed as RunResults;
}

/** "v1.34.10 (kind sts-dev, 1 node)" */
export function describeRun(results: RunResults): string {
  const nodes = results.cluster.nodes.length;
  return `${results.cluster.serverVersion} (${results.cluster.provider} ${results.cluster.name}, ${nodes} node${nodes === 1 ? '' : 's'})`;
}

/**
 * A note's facts that are measurements: a value that is a plain number is a figure; a unit in
 * parentheses at the end of the fact's name ("DNS convergence after ... (ms)") is its unit.
 */
export function figuresOfFacts(facts: Readonly<Record<string, string>>): FigureResult[] {
  const figures: FigureResult[] = [];
  for (const [fact, raw] of Object.entries(facts)) {
    if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) continue;
    const unit = /\s*\(([^()]+)\)$/.exec(fact);
    figures.push(
      unit
        ? { name: fact.slice(0, unit.index), value: Number(raw), unit: unit[1] as string }
        : { name: fact, value: Number(raw) },
    );
  }
  return figures;
}
