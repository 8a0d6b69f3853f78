import { describe, expect, it } from 'vitest';
import { isLedgerPage, mergeJunitReports, mergeRunResults, missingShards, stampAllureResult } from './merge.js';
import { syntheticCluster, syntheticRun, syntheticTest } from './synthetic.js';

const shard = (index: number, count: number, tests: ReturnType<typeof syntheticTest>[]) =>
  syntheticRun(tests, {
    runIds: [`run-${index}`],
    shards: [{ index, count }],
    startedAt: `2026-01-01T00:0${index}:00.000Z`,
    finishedAt: `2026-01-01T00:1${index}:00.000Z`,
  });

describe('merging the shards of a run', () => {
  it('takes every test of every shard, the run ids, and the span of the shards', () => {
    const merged = mergeRunResults([
      shard(2, 2, [syntheticTest('partition', 'b')]),
      shard(1, 2, [syntheticTest('ordered-creation', 'a')]),
    ]);
    expect(merged.tests.map((test) => test.scenario)).toEqual(['partition', 'ordered-creation']);
    expect(merged.shards).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    expect(merged.runIds).toEqual(['run-2', 'run-1']);
    expect([merged.startedAt, merged.finishedAt]).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:12:00.000Z']);
    expect(missingShards(merged)).toEqual([]);
  });

  it("keeps every part's load averages and the fewest CPUs", () => {
    const merged = mergeRunResults([
      { ...shard(1, 2, []), host: { cpus: 4, loadAverage: [1, 2] } },
      { ...shard(2, 2, []), host: { cpus: 2, loadAverage: [3, 4] } },
    ]);
    expect(merged.host).toEqual({ cpus: 2, loadAverage: [1, 2, 3, 4] });
    expect(mergeRunResults([shard(1, 2, []), shard(2, 2, [])]).host).toBeUndefined();
  });

  it('says which shard is missing', () => {
    const merged = mergeRunResults([shard(1, 3, []), shard(3, 3, [])]);
    expect(missingShards(merged)).toEqual([{ index: 2, count: 3 }]);
  });

  it('refuses parts of different versions, a test in two parts, and parts cut differently', () => {
    const other = syntheticRun([], { cluster: syntheticCluster('v1.33.13'), shards: [{ index: 2, count: 2 }] });
    expect(() => mergeRunResults([shard(1, 2, []), other])).toThrow(
      'the parts ran on different Kubernetes versions (v1.34.10, v1.33.13); merge the shards of one version at a time',
    );
    const test = syntheticTest('partition', 'a');
    expect(() => mergeRunResults([shard(1, 2, [test]), shard(2, 2, [test])])).toThrow(/is in part 1 and in part 2/);
    expect(() => mergeRunResults([shard(1, 2, []), shard(2, 3, [])])).toThrow(/the parts were cut differently/);
    expect(() => mergeRunResults([])).toThrow(/nothing to merge/);
  });
});

describe('merging JUnit reports', () => {
  const report = (file: string, tests: number, failures: number, time: number) =>
    [
      '<?xml version="1.0" encoding="UTF-8" ?>',
      `<testsuites name="statefulset-conformance" tests="${tests}" failures="${failures}" errors="0" time="${time}">`,
      `    <testsuite name="${file}" timestamp="t" hostname="vm" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${time}">`,
      `        <testcase classname="${file}" name="a &gt; b" time="${time}">`,
      '        </testcase>',
      '    </testsuite>',
      '</testsuites>',
      '',
    ].join('\n');

  it('puts every suite under one root whose counts are the sums', () => {
    const merged = mergeJunitReports([report('a.test.ts', 2, 0, 10.5), report('b.test.ts', 3, 1, 20), '']);
    expect(merged).toContain(
      '<testsuites name="statefulset-conformance" tests="5" failures="1" errors="0" time="30.5">',
    );
    expect(merged.match(/<testsuite /g)).toHaveLength(2);
    expect(merged).toContain('name="a &gt; b"');
    expect(merged.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});

describe('Allure results of several versions in one report', () => {
  it('marks a result with its version and gives it a history of its own', () => {
    const result = { name: 'x', fullName: 'suites/core/partition.test.ts#x', historyId: 'h', parameters: [] };
    const v134 = stampAllureResult(result, 'v1.34.10');
    const v133 = stampAllureResult(result, 'v1.33.13');
    expect(v134.parameters).toEqual([{ name: 'Kubernetes', value: 'v1.34.10' }]);
    expect(v134.historyId).not.toBe(v133.historyId);
    expect(stampAllureResult(v134, 'v1.34.10')).toBe(v134);
    expect(isLedgerPage({ fullName: 'claims:complete-guide-1' })).toBe(true);
    expect(isLedgerPage(result)).toBe(false);
  });
});
