import { RESULTS_SCHEMA, type ClusterFacts, type RunResults, type TestResult, type VerdictResult } from './schema.js';

/**
 * Results of runs that never happened, for the unit tests of merging and comparing: a cluster of
 * one version and tests described only by what each test needs.
 */
export function syntheticCluster(version = 'v1.34.10', overrides: Partial<ClusterFacts> = {}): ClusterFacts {
  return {
    name: 'sts-e2e',
    provider: 'kind',
    serverVersion: version,
    gates: { MaxUnavailableStatefulSet: false },
    gatesSource: "the API server's kubernetes_feature_enabled metric",
    nodes: [
      {
        name: 'sts-e2e-control-plane',
        roles: ['control-plane'],
        kubeletVersion: version,
        containerRuntime: 'containerd://1.6.20',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernel: '6.1.0',
        image: `sts-conformance/kind-node:${version}`,
      },
    ],
    kindVersion: 'v0.31.0',
    imageMap: { 'docker.io/library/busybox': 'sts-conformance.local/busybox:1.35.0' },
    systemImages: [`registry.k8s.io/kube-apiserver:${version}`, 'registry.k8s.io/etcd:3.6.5-0'],
    ...overrides,
  };
}

export const holding = (invariant: string): VerdictResult => ({
  invariant,
  outcome: 'holds',
  expected: 'holds',
  reported: [],
  met: true,
  checked: 'synthetic',
  when: 'asserted',
});

export const violating = (
  invariant: string,
  reported: string[],
  expected: 'holds' | string[] = 'holds',
): VerdictResult => ({
  invariant,
  outcome: 'violated',
  expected,
  reported,
  met: expected !== 'holds' && expected.every((kind) => reported.includes(kind)),
  checked: 'synthetic',
  when: 'asserted',
});

export function syntheticTest(scenario: string, name: string, overrides: Partial<TestResult> = {}): TestResult {
  const file = `suites/core/${scenario}.test.ts`;
  return {
    id: `${file} > ${name}`,
    file,
    scenario,
    name,
    outcome: 'passed',
    durationMs: 30_000,
    verdicts: [holding('status agrees with pods')],
    steps: [{ title: 'web has 3 Ready replicas', depth: 0, ms: 20_000, failed: false }],
    notes: [],
    figures: [],
    ...overrides,
  };
}

export function syntheticRun(tests: TestResult[], overrides: Partial<RunResults> = {}): RunResults {
  return {
    schema: RESULTS_SCHEMA,
    runIds: ['run-1'],
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:05:00.000Z',
    shards: [],
    cluster: syntheticCluster(),
    tests,
    ...overrides,
  };
}
