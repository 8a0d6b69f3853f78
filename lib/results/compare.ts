import type { FigureResult, HostLoad, RunResults, TestResult, VerdictResult } from './schema.js';

/**
 * What changed from run A to run B (results.json of each): tests and verdicts that flipped,
 * scenarios that became (or stopped being) not applicable, timings that moved beyond noise,
 * figures that changed, and the cluster's versions, gates and images. Pure: the command
 * (scripts/compare.ts) reads, prints and writes.
 *
 * A regression is what B does worse than A, as a fact of B: a test that fails in B and did not
 * fail in A (it passed, was not applicable, or did not exist), or a test that passed in A and B
 * did not run at all. A timing regression is a slowdown beyond noise of a test that passed in
 * both, on machines that were about as busy. Everything else is a change worth reading, not a
 * regression.
 */

/**
 * When a difference in time is more than noise: the longer time is at least `factor` times the
 * shorter AND they differ by at least `absoluteMs`. Both, because the suite's times are waits on
 * a real cluster: a 300 ms step that takes 600 ms doubled without meaning anything, and a
 * 4-minute scenario 20 s longer moved 8%. A factor rather than a percentage of A, so that
 * faster and slower are judged alike.
 *
 * What noise is was measured (README, "Comparing runs"): two runs of the same version on the
 * same cluster of a shared 2-core machine, at load averages about 4x apart, differed by a median
 * factor of 2.1 per test (at most 4.9) and 2.3 per step (at most 22). Timings of runs on machines
 * that busy say nothing; so the comparison also looks at how busy the machine was (`loadFactor`).
 */
export interface NoiseRule {
  readonly factor: number;
  readonly absoluteMs: number;
  /**
   * Timings are compared only when the two runs' load averages per CPU are within this factor
   * of each other; otherwise the shifts are listed and said to be not comparable, and none is a
   * regression. Runs without load figures are taken as comparable.
   */
  readonly loadFactor: number;
}

export const DEFAULT_NOISE: NoiseRule = { factor: 1.5, absoluteMs: 10_000, loadFactor: 2 };

export type ChangeKind = 'regressed' | 'improved' | 'changed';

export interface TestChange {
  readonly id: string;
  readonly scenario: string;
  readonly test: string;
  readonly kind: ChangeKind;
  readonly before: string;
  readonly after: string;
}

export interface TimingShift {
  readonly id: string;
  readonly scenario: string;
  readonly test: string;
  /** "the whole test", "step: <title>", "figure: <name>" */
  readonly what: string;
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly kind: 'slower' | 'faster';
}

export interface FigureChange {
  readonly id: string;
  readonly scenario: string;
  readonly test: string;
  readonly name: string;
  readonly before?: number;
  readonly after?: number;
  readonly unit?: string;
}

/** A value that changed (before, after), or a set whose members changed (only in A, only in B). */
export interface ClusterChange {
  readonly what: string;
  readonly kind: 'value' | 'set';
  readonly before: string;
  readonly after: string;
}

export interface Comparison {
  readonly a: RunSide;
  readonly b: RunSide;
  readonly noise: NoiseRule;
  /** Outcomes and verdicts that differ (not-applicable changes are in `applicability`). */
  readonly verdicts: readonly TestChange[];
  /** Tests that became, or stopped being, not applicable (skipped with a reason). */
  readonly applicability: readonly TestChange[];
  readonly timings: readonly TimingShift[];
  /** Whether the machines were about as busy (see NoiseRule.loadFactor), with each side's load per CPU. */
  readonly timingsComparable: { readonly comparable: boolean; readonly loadPerCpu?: readonly [number, number] };
  readonly figures: readonly FigureChange[];
  readonly cluster: readonly ClusterChange[];
  readonly regressed: { readonly verdicts: boolean; readonly timings: boolean };
  readonly counts: { readonly a: OutcomeCounts; readonly b: OutcomeCounts };
}

export interface RunSide {
  readonly label: string;
  readonly serverVersion: string;
  readonly runIds: readonly string[];
  readonly finishedAt: string;
}

export interface OutcomeCounts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Exit codes of `npm run compare` (2 is a usage error, as for every command). */
export const COMPARE_EXIT = { nothingRegressed: 0, verdictsRegressed: 1, timingsRegressed: 3 } as const;

export function comparisonExitCode(comparison: Comparison): number {
  if (comparison.regressed.verdicts) return COMPARE_EXIT.verdictsRegressed;
  if (comparison.regressed.timings) return COMPARE_EXIT.timingsRegressed;
  return COMPARE_EXIT.nothingRegressed;
}

export function compareRuns(
  a: RunResults,
  b: RunResults,
  options: { labels?: readonly [string, string]; noise?: NoiseRule } = {},
): Comparison {
  const noise = options.noise ?? DEFAULT_NOISE;
  const [labelA, labelB] = options.labels ?? ['A', 'B'];
  const before = new Map(a.tests.map((test) => [test.id, test]));
  const after = new Map(b.tests.map((test) => [test.id, test]));
  const ids = [...new Set([...before.keys(), ...after.keys()])];

  const verdicts: TestChange[] = [];
  const applicability: TestChange[] = [];
  const timings: TimingShift[] = [];
  const figures: FigureChange[] = [];
  for (const id of ids) {
    const old = before.get(id);
    const now = after.get(id);
    const subject = subjectOf((now ?? old) as TestResult);
    const change = testChange(old, now);
    if (change) (change.applicability ? applicability : verdicts).push({ ...subject, ...change.change });
    if (old && now) {
      if (old.outcome === 'passed' && now.outcome === 'passed') timings.push(...timingShifts(old, now, noise));
      figures.push(...figureChanges(old, now));
    }
  }
  const timingsComparable = loadComparability(a.host, b.host, noise);
  return {
    a: sideOf(a, labelA),
    b: sideOf(b, labelB),
    noise,
    verdicts,
    applicability,
    timings,
    timingsComparable,
    figures,
    cluster: clusterChanges(a, b),
    regressed: {
      verdicts: [...verdicts, ...applicability].some((change) => change.kind === 'regressed'),
      timings: timingsComparable.comparable && timings.some((shift) => shift.kind === 'slower'),
    },
    counts: { a: countOutcomes(a), b: countOutcomes(b) },
  };
}

/** The mean 1-minute load average per CPU of a run; undefined without figures. */
export function loadPerCpu(host: HostLoad | undefined): number | undefined {
  if (!host || host.cpus <= 0 || host.loadAverage.length === 0) return undefined;
  return host.loadAverage.reduce((sum, load) => sum + load, 0) / host.loadAverage.length / host.cpus;
}

function loadComparability(a: HostLoad | undefined, b: HostLoad | undefined, noise: NoiseRule) {
  const [loadA, loadB] = [loadPerCpu(a), loadPerCpu(b)];
  if (loadA === undefined || loadB === undefined) return { comparable: true };
  // Below one runnable task per CPU a machine is not contended: that much load does not slow a wait.
  const [busyA, busyB] = [Math.max(loadA, 1), Math.max(loadB, 1)];
  return {
    comparable: Math.max(busyA, busyB) / Math.min(busyA, busyB) <= noise.loadFactor,
    loadPerCpu: [round(loadA), round(loadB)] as const,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

function sideOf(results: RunResults, label: string): RunSide {
  return {
    label,
    serverVersion: results.cluster.serverVersion,
    runIds: results.runIds,
    finishedAt: results.finishedAt,
  };
}

function countOutcomes(results: RunResults): OutcomeCounts {
  const count = (outcome: TestResult['outcome']) => results.tests.filter((test) => test.outcome === outcome).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

const subjectOf = (test: TestResult) => ({ id: test.id, scenario: test.scenario, test: test.name });

const isNotApplicable = (test: TestResult | undefined) =>
  test?.outcome === 'skipped' && /not applicable/i.test(test.skipReason ?? '');

/** "failed: ordered creation violated (created-out-of-order)", "not applicable here: ...". */
export function describeOutcome(test: TestResult | undefined): string {
  if (!test) return 'not run';
  if (test.outcome === 'skipped') return test.skipReason ?? 'skipped';
  if (test.outcome === 'passed') return 'passed';
  const unmet = test.verdicts.filter((verdict) => !verdict.met);
  if (unmet.length > 0) return `failed: ${unmet.map(describeVerdict).join('; ')}`;
  return `failed: ${(test.error ?? 'no message').split('\n')[0]}`;
}

/** "ordered creation violated (created-out-of-order), expected to hold" */
export function describeVerdict(verdict: VerdictResult): string {
  const reported = verdict.reported.length > 0 ? ` (${verdict.reported.join(', ')})` : '';
  const expected = verdict.expected === 'holds' ? 'expected to hold' : `expected ${[...verdict.expected].join(', ')}`;
  const when = verdict.when === 'asserted' ? '' : `, judged ${verdict.when}`;
  return `${verdict.invariant} ${verdict.outcome}${reported}, ${expected}${when}`;
}

function testChange(
  old: TestResult | undefined,
  now: TestResult | undefined,
): { change: Pick<TestChange, 'kind' | 'before' | 'after'>; applicability: boolean } | undefined {
  const before = describeOutcome(old);
  const after = describeOutcome(now);
  const applicability = isNotApplicable(old) !== isNotApplicable(now);
  if (now?.outcome === 'failed' && old?.outcome !== 'failed')
    return { change: { kind: 'regressed', before, after }, applicability: false };
  if (old?.outcome === 'passed' && !now) return { change: { kind: 'regressed', before, after }, applicability: false };
  if (old?.outcome === 'failed' && now?.outcome === 'passed')
    return { change: { kind: 'improved', before, after }, applicability };
  if (before !== after) return { change: { kind: 'changed', before, after }, applicability };
  // Same outcome: a negative control that now reports other kinds besides the ones it needs, a
  // verdict the test no longer reaches or newly asserts.
  const shifts = verdictShifts(old?.verdicts ?? [], now?.verdicts ?? []);
  if (shifts.length > 0)
    return {
      change: {
        kind: 'changed',
        before: `${before}; ${shifts.map((s) => s.before).join('; ')}`,
        after: `${after}; ${shifts.map((s) => s.after).join('; ')}`,
      },
      applicability: false,
    };
  return undefined;
}

/** Verdicts matched by invariant and occurrence; those whose outcome or reported kinds differ. */
function verdictShifts(
  old: readonly VerdictResult[],
  now: readonly VerdictResult[],
): Array<{ before: string; after: string }> {
  const keyed = (verdicts: readonly VerdictResult[]) => {
    const seen = new Map<string, number>();
    return new Map(
      verdicts
        .filter((verdict) => verdict.when === 'asserted')
        .map((verdict) => {
          const occurrence = seen.get(verdict.invariant) ?? 0;
          seen.set(verdict.invariant, occurrence + 1);
          return [`${verdict.invariant}#${occurrence}`, verdict] as const;
        }),
    );
  };
  const before = keyed(old);
  const after = keyed(now);
  const shifts: Array<{ before: string; after: string }> = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(key);
    const is = after.get(key);
    const wasText = was ? describeVerdict(was) : `${key.replace(/#\d+$/, '')} not asserted`;
    const isText = is ? describeVerdict(is) : `${key.replace(/#\d+$/, '')} not asserted`;
    if (wasText !== isText) shifts.push({ before: wasText, after: isText });
  }
  return shifts;
}

const TIME_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, seconds: 1000 };

export function beyondNoise(
  beforeMs: number,
  afterMs: number,
  noise: Pick<NoiseRule, 'factor' | 'absoluteMs'>,
): boolean {
  const [shorter, longer] = [Math.min(beforeMs, afterMs), Math.max(beforeMs, afterMs)];
  return longer - shorter >= noise.absoluteMs && longer >= noise.factor * Math.max(shorter, 1);
}

function timingShifts(old: TestResult, now: TestResult, noise: NoiseRule): TimingShift[] {
  const subject = subjectOf(now);
  const shifts: TimingShift[] = [];
  const consider = (what: string, beforeMs: number, afterMs: number) => {
    if (beyondNoise(beforeMs, afterMs, noise))
      shifts.push({ ...subject, what, beforeMs, afterMs, kind: afterMs > beforeMs ? 'slower' : 'faster' });
  };
  consider('the whole test', old.durationMs, now.durationMs);
  const stepsOf = (test: TestResult) => {
    const seen = new Map<string, number>();
    return new Map(
      test.steps.map((step) => {
        const occurrence = seen.get(step.title) ?? 0;
        seen.set(step.title, occurrence + 1);
        return [occurrence === 0 ? step.title : `${step.title} (#${occurrence + 1})`, step.ms] as const;
      }),
    );
  };
  const stepsBefore = stepsOf(old);
  for (const [title, ms] of stepsOf(now)) {
    const was = stepsBefore.get(title);
    if (was !== undefined) consider(`step: ${title}`, was, ms);
  }
  const timed = (figure: FigureResult) => figure.unit !== undefined && TIME_UNITS[figure.unit] !== undefined;
  const figuresBefore = new Map(old.figures.filter(timed).map((figure) => [figure.name, figure]));
  for (const figure of now.figures.filter(timed)) {
    const was = figuresBefore.get(figure.name);
    if (!was) continue;
    consider(
      `figure: ${figure.name}`,
      was.value * (TIME_UNITS[was.unit as string] as number),
      figure.value * (TIME_UNITS[figure.unit as string] as number),
    );
  }
  return shifts;
}

/** Figures that are not times (counts, ratios): any difference is listed; which way is worse is the scenario's to say. */
function figureChanges(old: TestResult, now: TestResult): FigureChange[] {
  const untimed = (figures: readonly FigureResult[]) =>
    new Map(
      figures
        .filter((figure) => figure.unit === undefined || TIME_UNITS[figure.unit] === undefined)
        .map((figure) => [figure.name, figure]),
    );
  const before = untimed(old.figures);
  const after = untimed(now.figures);
  const changes: FigureChange[] = [];
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(name);
    const is = after.get(name);
    if (was?.value === is?.value) continue;
    changes.push({
      ...subjectOf(now),
      name,
      ...(was ? { before: was.value } : {}),
      ...(is ? { after: is.value } : {}),
      ...((is ?? was)?.unit ? { unit: (is ?? was)?.unit } : {}),
    });
  }
  return changes;
}

function clusterChanges(a: RunResults, b: RunResults): ClusterChange[] {
  const changes: ClusterChange[] = [];
  const scalar = (what: string, before: string | undefined, after: string | undefined) => {
    if ((before ?? '') !== (after ?? ''))
      changes.push({ what, kind: 'value', before: before || '(unknown)', after: after || '(unknown)' });
  };
  const set = (what: string, before: readonly string[], after: readonly string[]) => {
    const removed = before.filter((item) => !after.includes(item));
    const added = after.filter((item) => !before.includes(item));
    if (removed.length + added.length > 0)
      changes.push({ what, kind: 'set', before: removed.join(', ') || '—', after: added.join(', ') || '—' });
  };
  const distinct = (values: readonly string[]) => [...new Set(values.filter(Boolean))].sort();
  scalar('Kubernetes server version', a.cluster.serverVersion, b.cluster.serverVersion);
  scalar('kind', a.cluster.kindVersion, b.cluster.kindVersion);
  set(
    'node images',
    distinct(a.cluster.nodes.map((n) => n.image ?? '')),
    distinct(b.cluster.nodes.map((n) => n.image ?? '')),
  );
  set(
    'kubelet versions',
    distinct(a.cluster.nodes.map((n) => n.kubeletVersion)),
    distinct(b.cluster.nodes.map((n) => n.kubeletVersion)),
  );
  set(
    'container runtimes',
    distinct(a.cluster.nodes.map((n) => n.containerRuntime)),
    distinct(b.cluster.nodes.map((n) => n.containerRuntime)),
  );
  scalar('nodes', String(a.cluster.nodes.length), String(b.cluster.nodes.length));
  for (const gate of [...new Set([...Object.keys(a.cluster.gates), ...Object.keys(b.cluster.gates)])].sort()) {
    const state = (gates: Readonly<Record<string, boolean>>) =>
      gates[gate] === undefined ? 'not listed' : gates[gate] ? 'on' : 'off';
    scalar(`feature gate ${gate}`, state(a.cluster.gates), state(b.cluster.gates));
  }
  set('control-plane and system images', a.cluster.systemImages, b.cluster.systemImages);
  const mapped = (map: Readonly<Record<string, string>>) => Object.entries(map).map(([from, to]) => `${from} -> ${to}`);
  set('image map', mapped(a.cluster.imageMap).sort(), mapped(b.cluster.imageMap).sort());
  return changes;
}
