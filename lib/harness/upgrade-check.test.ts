import { describe, expect, it } from 'vitest';
import { verdict } from '../invariants/verdict.js';
import { exitCodeOf, type UpgradeReport } from './upgrade-check.js';

const held = verdict('rule', 'something', []);
const violated = verdict('rule', 'something', [{ kind: 'claim-changed', message: 'claim data-web-1 changed' }]);
const base: UpgradeReport = {
  cluster: { provider: 'kind', name: 'c', before: 'v1.33.13', after: 'v1.34.10' },
  phases: [],
  upgradeSteps: [],
  verdicts: [
    { statement: 'no claim changed UID', verdict: held },
    { statement: 'control', verdict: violated, controlExpects: ['claim-changed'] },
  ],
  suites: { before: 0, after: 0 },
  comparison: { exitCode: 0, markdown: '' },
  fidelity: [],
  adaptations: [],
  problems: [],
};

describe('the upgrade check exit code', () => {
  it('is 0 when every statement held, the control failed as it must, both runs passed and nothing regressed', () => {
    expect(exitCodeOf(base)).toBe(0);
  });

  it('is 1 when a statement was violated or inconclusive', () => {
    const inconclusive = verdict('rule', 'nothing', [], ['no lookup was made']);
    expect(exitCodeOf({ ...base, verdicts: [{ statement: 'x', verdict: violated }] })).toBe(1);
    expect(exitCodeOf({ ...base, verdicts: [{ statement: 'x', verdict: inconclusive }] })).toBe(1);
  });

  it('is 1 when the negative control held: a judge that cannot fail proves nothing', () => {
    expect(
      exitCodeOf({ ...base, verdicts: [{ statement: 'control', verdict: held, controlExpects: ['claim-changed'] }] }),
    ).toBe(1);
  });

  it('leaves out a statement this cluster cannot decide, which the report names', () => {
    const undecided = verdict('runtimes', 'nothing', [], ['not decidable here']);
    const verdicts = [
      ...base.verdicts,
      { statement: 'runtimes', verdict: undecided, notDecidableHere: 'no node access' },
    ];
    expect(exitCodeOf({ ...base, verdicts })).toBe(0);
  });

  it('is 1 when a scenario run failed or a verdict regressed, 0 on a timing shift alone', () => {
    expect(exitCodeOf({ ...base, suites: { before: 0, after: 1 } })).toBe(1);
    expect(exitCodeOf({ ...base, comparison: { exitCode: 1, markdown: '' } })).toBe(1);
    expect(exitCodeOf({ ...base, comparison: { exitCode: 3, markdown: '' } })).toBe(0);
    expect(exitCodeOf({ ...base, comparison: undefined })).toBe(1);
  });

  it('is 1 with no verdict at all, or a problem on the way', () => {
    expect(exitCodeOf({ ...base, verdicts: [] })).toBe(1);
    expect(exitCodeOf({ ...base, problems: ['timed out waiting for Node w'] })).toBe(1);
  });
});
