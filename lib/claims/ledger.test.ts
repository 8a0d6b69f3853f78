import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDecision, decisionFromVerdict, guidesDir, ledgerProblems, loadLedger } from './ledger.js';
import { ledgerCounts, ledgerRows, renderLedgerMarkdown, rowVerdict } from './render.js';
import type { Verdict } from '../invariants/verdict.js';

const guide = [
  '# A guide',
  'Pods are created in order, 0 then 1',
  'then 2, always.',
  'You should always use a headless Service.',
].join('\n');
const ledger = [
  {
    guide: 'g.txt',
    title: 'A guide',
    claims: [
      { id: 'g/order', line: 2, quote: 'created in order, 0 then 1 then 2', nature: 'testable' as const },
      { id: 'g/headless', line: 4, quote: 'always use a headless Service', nature: 'advice' as const },
    ],
  },
];

describe('the claims ledger', () => {
  it('every quote in fixtures/claims is at its line of its guide, and ids are unique', () => {
    const problems = ledgerProblems(loadLedger(), (file) => readFileSync(join(guidesDir(), file), 'utf8'));
    expect(problems).toEqual([]);
  });

  it('finds a quote across a wrapped line, and reports one that is not there', () => {
    expect(ledgerProblems(ledger, () => guide)).toEqual([]);
    const moved = [{ ...ledger[0]!, claims: [{ ...ledger[0]!.claims[0]!, line: 4 }] }];
    expect(ledgerProblems(moved, () => guide)).toEqual([
      'g/order: "created in order, 0 then 1 then 2" is not at g.txt:4',
    ]);
  });

  it('a decision other than holds or does-not-hold must say which part, on what, or why', () => {
    expect(() => checkDecision({ claim: 'g/order', verdict: 'not-run-here', observed: '' })).toThrow(/must say/);
    expect(() =>
      checkDecision({ claim: 'g/order', verdict: 'not-run-here', observed: '', qualifier: 'needs mongo:6.0' }),
    ).not.toThrow();
  });

  it('an inconclusive verdict decides nothing', () => {
    const inconclusive = { invariant: 'x', outcome: 'inconclusive', holds: false, violations: [], unobserved: ['gap'] };
    expect(() => decisionFromVerdict('g/order', inconclusive as unknown as Verdict, { holds: 'ok' })).toThrow(
      /inconclusive/,
    );
  });

  it('a flipped observation flips the row: the ledger shows what the run saw, not what was expected', () => {
    const decided = (verdict: 'holds' | 'does-not-hold') => [
      { claim: 'g/order', verdict, observed: 'seen', test: 't', runId: 'r' },
    ];
    expect(rowVerdict(ledgerRows(ledger, decided('holds'))[0]!)).toBe('holds');
    expect(rowVerdict(ledgerRows(ledger, decided('does-not-hold'))[0]!)).toBe('does-not-hold');
    const both = [...decided('holds'), ...decided('does-not-hold')];
    expect(rowVerdict(ledgerRows(ledger, both)[0]!)).toBe('contradictory');
    expect(ledgerCounts(ledgerRows(ledger, []))).toMatchObject({ 'no decision': 1, advice: 1 });
    expect(renderLedgerMarkdown(ledger, decided('holds'))).toContain('| g/order | 2 | created in order');
  });
});

describe('the ledger in the HTML report', () => {
  it('one result per statement, grouped by guide; a statement that does not hold is a failed page, advice is skipped', async () => {
    const { allureResultOf } = await import('./publish.js');
    const rows = ledgerRows(ledger, [
      { claim: 'g/order', verdict: 'does-not-hold', observed: '1 before 0', test: 't', runId: 'r' },
    ]);
    const failed = allureResultOf(rows[0]!, 'A guide', 0);
    expect(failed).toMatchObject({ name: 'g/order: does-not-hold', status: 'failed' });
    expect(failed.labels).toContainEqual({ name: 'feature', value: 'A guide' });
    expect(allureResultOf(rows[1]!, 'A guide', 0)).toMatchObject({ status: 'skipped' });
  });
});
