import { describe, expect, it } from 'vitest';
import { beyondNoise, compareRuns, comparisonExitCode, COMPARE_EXIT, DEFAULT_NOISE } from './compare.js';
import { renderComparisonMarkdown, renderRunSummary } from './render.js';
import { holding, syntheticCluster, syntheticRun, syntheticTest, violating } from './synthetic.js';

const control = (reported: string[]) =>
  syntheticTest('ordered-creation', 'negative control: Parallel', {
    verdicts: [violating('ordered creation', reported, ['created-before-predecessors-ready'])],
  });

describe('comparing two runs', () => {
  it('finds nothing between a run and itself', () => {
    const run = syntheticRun([
      syntheticTest('partition', 'moves 3 and 2'),
      control(['created-before-predecessors-ready']),
    ]);
    const comparison = compareRuns(run, run);
    expect(comparison).toMatchObject({ verdicts: [], applicability: [], timings: [], figures: [], cluster: [] });
    expect(comparisonExitCode(comparison)).toBe(COMPARE_EXIT.nothingRegressed);
  });

  it('calls a test that fails now a regression, naming the verdict; one that passes now an improvement', () => {
    const a = syntheticRun([
      syntheticTest('rolling-update', 'replaces 2, 1, 0'),
      syntheticTest('partition', 'p', { outcome: 'failed', error: 'step "x" failed: gave up' }),
    ]);
    const b = syntheticRun([
      syntheticTest('rolling-update', 'replaces 2, 1, 0', {
        outcome: 'failed',
        verdicts: [violating('rolling update order', ['updated-out-of-order'])],
      }),
      syntheticTest('partition', 'p'),
    ]);
    const comparison = compareRuns(a, b);
    expect(comparison.verdicts).toEqual([
      expect.objectContaining({
        scenario: 'rolling-update',
        kind: 'regressed',
        before: 'passed',
        after: 'failed: rolling update order violated (updated-out-of-order), expected to hold',
      }),
      expect.objectContaining({ scenario: 'partition', kind: 'improved', before: 'failed: step "x" failed: gave up' }),
    ]);
    expect(comparisonExitCode(comparison)).toBe(COMPARE_EXIT.verdictsRegressed);
  });

  it('counts a negative control that no longer catches its kind, and a passed test that did not run, as regressions', () => {
    const a = syntheticRun([control(['created-before-predecessors-ready']), syntheticTest('stable-dns', 'resolves')]);
    const b = syntheticRun([
      {
        ...control([]),
        outcome: 'failed',
        verdicts: [{ ...holding('ordered creation'), expected: ['created-before-predecessors-ready'], met: false }],
      },
    ]);
    const comparison = compareRuns(a, b);
    expect(comparison.verdicts.map((change) => [change.scenario, change.kind, change.after])).toEqual([
      ['ordered-creation', 'regressed', 'failed: ordered creation holds, expected created-before-predecessors-ready'],
      ['stable-dns', 'regressed', 'not run'],
    ]);
  });

  it('lists a control that reports other kinds besides its own as a change, not a regression', () => {
    const a = syntheticRun([control(['created-before-predecessors-ready'])]);
    const b = syntheticRun([control(['created-before-predecessors-ready', 'created-out-of-order'])]);
    const comparison = compareRuns(a, b);
    expect(comparison.verdicts).toHaveLength(1);
    expect(comparison.verdicts[0]).toMatchObject({ kind: 'changed' });
    expect(comparison.verdicts[0]?.after).toContain('created-before-predecessors-ready, created-out-of-order');
    expect(comparisonExitCode(comparison)).toBe(COMPARE_EXIT.nothingRegressed);
  });

  it('lists scenarios that became not applicable apart, with the reason, and not as regressions', () => {
    const reason = 'not applicable here: maxUnavailable needs the feature gate MaxUnavailableStatefulSet, which is off';
    const a = syntheticRun([syntheticTest('max-unavailable', 'takes down 2 at once')], {
      cluster: syntheticCluster('v1.35.6'),
    });
    const b = syntheticRun([
      syntheticTest('max-unavailable', 'takes down 2 at once', { outcome: 'skipped', skipReason: reason }),
    ]);
    const comparison = compareRuns(a, b, { labels: ['v1.35.6', 'v1.34.10'] });
    expect(comparison.verdicts).toEqual([]);
    expect(comparison.applicability).toEqual([
      expect.objectContaining({ kind: 'changed', before: 'passed', after: reason }),
    ]);
    expect(comparisonExitCode(comparison)).toBe(COMPARE_EXIT.nothingRegressed);
    // A scenario that becomes applicable and fails is a failure of B.
    const back = compareRuns(
      b,
      syntheticRun([syntheticTest('max-unavailable', 'takes down 2 at once', { outcome: 'failed' })]),
    );
    expect(back.verdicts[0]).toMatchObject({ kind: 'regressed', before: reason });
  });

  it('reports timings only beyond noise: both the factor and the absolute threshold, either way', () => {
    expect(DEFAULT_NOISE).toEqual({ factor: 1.5, absoluteMs: 10_000, loadFactor: 2 });
    expect(beyondNoise(300, 900, DEFAULT_NOISE)).toBe(false); // tripled, but 0.6 s
    expect(beyondNoise(240_000, 260_000, DEFAULT_NOISE)).toBe(false); // 20 s, but 8%
    expect(beyondNoise(15_000, 26_000, DEFAULT_NOISE)).toBe(true);
    expect(beyondNoise(26_000, 15_000, DEFAULT_NOISE)).toBe(true);
    const slow = syntheticTest('stable-dns', 'resolves', {
      durationMs: 60_000,
      steps: [{ title: 'web has 3 Ready replicas', depth: 0, ms: 15_000, failed: false }],
      figures: [{ name: 'DNS convergence after web was Ready', value: 2_000, unit: 'ms' }],
    });
    const slower = {
      ...slow,
      durationMs: 65_000,
      steps: [{ title: 'web has 3 Ready replicas', depth: 0, ms: 40_000, failed: false }],
      figures: [{ name: 'DNS convergence after web was Ready', value: 31, unit: 's' }],
    };
    const comparison = compareRuns(syntheticRun([slow]), syntheticRun([slower]));
    expect(comparison.timings.map((shift) => [shift.what, shift.beforeMs, shift.afterMs, shift.kind])).toEqual([
      ['step: web has 3 Ready replicas', 15_000, 40_000, 'slower'],
      ['figure: DNS convergence after web was Ready', 2_000, 31_000, 'slower'],
    ]);
    expect(comparisonExitCode(comparison)).toBe(COMPARE_EXIT.timingsRegressed);
    expect(compareRuns(syntheticRun([slower]), syntheticRun([slow])).regressed.timings).toBe(false);
  });

  it('lists timings of runs on machines busy to a different degree as not comparable, and not as regressions', () => {
    const slow = syntheticTest('partition', 'p', { durationMs: 20_000 });
    const slower = { ...slow, durationMs: 60_000 };
    const idle = syntheticRun([slow], { host: { cpus: 2, loadAverage: [0.5, 1.5] } });
    const busy = syntheticRun([slower], { host: { cpus: 2, loadAverage: [8, 10] } });
    const comparison = compareRuns(idle, busy);
    expect(comparison.timings).toHaveLength(1);
    expect(comparison.timingsComparable).toEqual({ comparable: false, loadPerCpu: [0.5, 4.5] });
    expect(comparisonExitCode(comparison)).toBe(COMPARE_EXIT.nothingRegressed);
    expect(renderComparisonMarkdown(comparison)).toContain('**Not comparable**');
    // Under one task per CPU both machines count as idle.
    const alsoIdle = syntheticRun([slower], { host: { cpus: 2, loadAverage: [1.8, 1.9] } });
    expect(comparisonExitCode(compareRuns(idle, alsoIdle))).toBe(COMPARE_EXIT.timingsRegressed);
  });

  it('does not time a test that failed on either side', () => {
    const a = syntheticRun([syntheticTest('partition', 'p', { durationMs: 10_000 })]);
    const b = syntheticRun([syntheticTest('partition', 'p', { durationMs: 200_000, outcome: 'failed' })]);
    expect(compareRuns(a, b).timings).toEqual([]);
  });

  it('lists figures that are not times whenever they differ', () => {
    const a = syntheticRun([syntheticTest('stable-dns', 'r', { figures: [{ name: 'wrong DNS answers', value: 0 }] })]);
    const b = syntheticRun([syntheticTest('stable-dns', 'r', { figures: [{ name: 'wrong DNS answers', value: 3 }] })]);
    expect(compareRuns(a, b).figures).toEqual([
      expect.objectContaining({ name: 'wrong DNS answers', before: 0, after: 3 }),
    ]);
  });

  it('lists the cluster changes: versions, gates, images', () => {
    const a = syntheticRun([], {
      cluster: syntheticCluster('v1.33.13', { gates: { MaxUnavailableStatefulSet: false } }),
    });
    const b = syntheticRun([], {
      cluster: syntheticCluster('v1.34.10', { gates: { MaxUnavailableStatefulSet: true, NewGate: true } }),
    });
    const changes = compareRuns(a, b).cluster;
    expect(changes).toEqual(
      expect.arrayContaining([
        { what: 'Kubernetes server version', kind: 'value', before: 'v1.33.13', after: 'v1.34.10' },
        {
          what: 'node images',
          kind: 'set',
          before: 'sts-conformance/kind-node:v1.33.13',
          after: 'sts-conformance/kind-node:v1.34.10',
        },
        { what: 'feature gate MaxUnavailableStatefulSet', kind: 'value', before: 'off', after: 'on' },
        { what: 'feature gate NewGate', kind: 'value', before: 'not listed', after: 'on' },
        {
          what: 'control-plane and system images',
          kind: 'set',
          before: 'registry.k8s.io/kube-apiserver:v1.33.13',
          after: 'registry.k8s.io/kube-apiserver:v1.34.10',
        },
      ]),
    );
  });
});

describe('Markdown', () => {
  it('says what regressed, with the exit code and the noise rule', () => {
    const a = syntheticRun([syntheticTest('partition', 'p')]);
    const b = syntheticRun([
      syntheticTest('partition', 'p', {
        outcome: 'failed',
        verdicts: [violating('partition', ['below-partition-updated'])],
      }),
    ]);
    const markdown = renderComparisonMarkdown(compareRuns(a, b, { labels: ['last night', 'tonight'] }));
    expect(markdown).toContain('## Changes from last night to tonight');
    expect(markdown).toContain('(exit code 1)');
    expect(markdown).toContain(
      '| ❌ regressed | partition | p | passed | failed: partition violated (below-partition-updated), expected to hold |',
    );
    expect(markdown).toContain('the longer is at least 1.5x the shorter and 10 s longer');
  });

  it("names each failure's scenario and verdict in a run's summary, and a missing shard", () => {
    const run = syntheticRun(
      [
        syntheticTest('partition', 'p', {
          outcome: 'failed',
          verdicts: [violating('partition', ['below-partition-updated'])],
        }),
        syntheticTest('stable-dns', 'r', {
          outcome: 'failed',
          verdicts: [],
          error: 'step "look up" failed: timeout\nmore',
        }),
        syntheticTest('max-unavailable', 'm', { outcome: 'skipped', skipReason: 'not applicable here: gate off' }),
      ],
      { shards: [{ index: 1, count: 2 }] },
    );
    const summary = renderRunSummary(run);
    expect(summary).toContain('### ❌ Kubernetes v1.34.10: 0 passed, 2 failed, 1 skipped');
    expect(summary).toContain(
      '| partition | p | verdict: partition violated (below-partition-updated), expected to hold |',
    );
    expect(summary).toContain('| stable-dns | r | failed: step "look up" failed: timeout |');
    expect(summary).toContain('**Missing shards: 2/2**');
    expect(summary).toContain('- max-unavailable: m: not applicable here: gate off');
  });
});
