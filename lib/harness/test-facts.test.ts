import { describe, expect, it } from 'vitest';
import { verdict } from '../invariants/verdict.js';
import { testResultOf } from './results-reporter.js';
import { recordNote, testFacts, timedStep, verdictResult } from './test-facts.js';

const violated = verdict('ordered creation', '3 pod creation(s)', [
  { kind: 'created-before-predecessors-ready', message: 'web-1 was created while web-0 was not Ready' },
]);
const holds = verdict('status agrees with pods', '5 status write(s)', []);

describe('what a test leaves for out/results.json', () => {
  it('records a verdict with the kinds expected and reported, and whether the expectation was met', () => {
    expect(verdictResult(violated, ['created-before-predecessors-ready'])).toEqual({
      invariant: 'ordered creation',
      outcome: 'violated',
      expected: ['created-before-predecessors-ready'],
      reported: ['created-before-predecessors-ready'],
      met: true,
      checked: '3 pod creation(s)',
      when: 'asserted',
    });
    expect(verdictResult(violated, 'holds').met).toBe(false);
    expect(verdictResult(holds, ['created-out-of-order']).met).toBe(false);
    const inconclusive = verdict('ordered creation', 'x', violated.violations, ['a watch gap at rv 120']);
    expect(verdictResult(inconclusive, ['created-before-predecessors-ready']).met).toBe(false);
  });

  it('times steps in the order they started, nested ones a level deeper, and marks the one that failed', async () => {
    const facts = testFacts({});
    await timedStep(facts, 'apply web', async () => {
      await timedStep(facts, 'inner', async () => undefined);
    });
    await expect(
      timedStep(facts, 'web has 3 Ready replicas', async () => {
        throw new Error('gave up');
      }),
    ).rejects.toThrow('gave up');
    expect(facts.steps.map(({ title, depth, failed }) => ({ title, depth, failed }))).toEqual([
      { title: 'apply web', depth: 0, failed: false },
      { title: 'inner', depth: 1, failed: false },
      { title: 'web has 3 Ready replicas', depth: 0, failed: true },
    ]);
  });

  it("takes a note's numeric facts as figures, with the unit its name ends with", () => {
    const facts = testFacts({});
    recordNote(facts, 'DNS converged', {
      'DNS convergence after web had 3 Ready replicas (ms)': '1840',
      'DNS rounds after web had 3 Ready replicas': '4',
      'web-1 IP changed': 'yes',
    });
    expect(facts.figures).toEqual([
      { name: 'DNS convergence after web had 3 Ready replicas', value: 1840, unit: 'ms' },
      { name: 'DNS rounds after web had 3 Ready replicas', value: 4 },
    ]);
    expect(facts.notes).toHaveLength(1);
  });
});

describe('a test in the results', () => {
  const base = { file: 'suites/core/partition.test.ts', name: 'partition > moves 3 and 2', errors: [] };

  it('has an id from its file and full name, and its scenario', () => {
    const facts = testFacts({});
    facts.waitingMs = 900;
    const result = testResultOf({ ...base, state: 'passed', durationMs: 1234.4, facts });
    expect(result).toMatchObject({
      id: 'suites/core/partition.test.ts > partition > moves 3 and 2',
      scenario: 'partition',
      outcome: 'passed',
      durationMs: 1234,
      waitingMs: 900,
    });
  });

  it('keeps why a test was skipped, and leaves out tests the run never started', () => {
    const facts = testFacts({});
    expect(
      testResultOf({ ...base, state: 'skipped', note: 'not applicable here: needs 2 worker nodes', facts }),
    ).toMatchObject({ outcome: 'skipped', skipReason: 'not applicable here: needs 2 worker nodes' });
    expect(testResultOf({ ...base, state: 'skipped' })).toBeUndefined();
  });

  it('counts a test that started and never finished as failed, and keeps the first lines of a failure', () => {
    expect(testResultOf({ ...base, state: 'pending', facts: testFacts({}) })).toMatchObject({
      outcome: 'failed',
      error: 'did not finish: the run was interrupted or its worker ended',
    });
    const long = Array.from({ length: 30 }, (_, line) => `line ${line}`).join('\n');
    const failed = testResultOf({ ...base, state: 'failed', errors: [long] });
    expect(failed?.error?.split('\n')).toHaveLength(12);
  });
});
