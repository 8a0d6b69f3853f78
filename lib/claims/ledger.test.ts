import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkDecision,
  decidersOf,
  deciderProblems,
  decisionFromVerdict,
  decisionFromVerdicts,
  guidesDir,
  ledgerProblems,
  loadLedger,
  splitDecider,
  type GuideLedger,
} from './ledger.js';
import { ledgerCounts, ledgerRows, renderLedgerMarkdown, rowVerdict } from './render.js';
import { verdict, type Verdict } from '../invariants/verdict.js';
import { discoverScenarios } from '../harness/scenarios.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Read once: many statements name the same test file, and the machine running npm test may be busy.
const repoFiles = new Map<string, string | undefined>();
const readRepoFile = (path: string) => {
  if (!repoFiles.has(path))
    repoFiles.set(path, existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : undefined);
  return repoFiles.get(path);
};
const LEDGER = loadLedger();

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
    const problems = ledgerProblems(LEDGER, (file) => readFileSync(join(guidesDir(), file), 'utf8'));
    expect(problems).toEqual([]);
  });

  it('every decidedBy names a test written in a file of the repository, so npm run repro can replay it', () => {
    expect(deciderProblems(LEDGER, readRepoFile)).toEqual([]);
  });

  it('every statement a scenario names in its source is in the ledger and lists that scenario file among its deciders', () => {
    const ids = new Map(LEDGER.flatMap((guide) => guide.claims.map((claim) => [claim.id, claim] as const)));
    const guides = new Set([...ids.keys()].map((id) => id.split('/')[0]));
    const problems: string[] = [];
    for (const path of discoverScenarios(resolve(ROOT, 'suites')).values()) {
      const file = relative(ROOT, path);
      for (const [, id] of readFileSync(path, 'utf8').matchAll(/'([a-z0-9-]+\/[a-z0-9-]+)'/g)) {
        const claim = ids.get(id!);
        if (claim && !decidersOf(claim).some((decider) => splitDecider(decider).file === file))
          problems.push(`${file} decides ${id}, whose decidedBy does not name it`);
        // An id of a guide the ledger knows that is not in it (dropped or renamed): deciding it fails the run.
        if (!claim && guides.has(id!.split('/')[0]!)) problems.push(`${file} names ${id}, which is not in the ledger`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('finds a quote across a wrapped line, and reports one that is not there', () => {
    expect(ledgerProblems(ledger, () => guide)).toEqual([]);
    const moved = [{ ...ledger[0]!, claims: [{ ...ledger[0]!.claims[0]!, line: 4 }] }];
    expect(ledgerProblems(moved, () => guide)).toEqual([
      'g/order: "created in order, 0 then 1 then 2" is not at g.txt:4',
    ]);
  });

  it('a quote must start on its line, not further down the lines it may wrap over', () => {
    const later = [{ ...ledger[0]!, claims: [{ ...ledger[0]!.claims[0]!, line: 1 }] }];
    expect(ledgerProblems(later, () => guide)).toEqual([
      'g/order: "created in order, 0 then 1 then 2" is not at g.txt:1',
    ]);
  });

  it('one passage listed twice (overlapping quotes of one guide) is a problem, neighbours on a line are not', () => {
    const twice = [
      {
        ...ledger[0]!,
        claims: [
          ...ledger[0]!.claims,
          { id: 'g/again', line: 3, quote: 'then 2, always.', nature: 'testable' as const },
          { id: 'g/first-words', line: 2, quote: 'Pods are', nature: 'testable' as const },
        ],
      },
    ];
    expect(ledgerProblems(twice, () => guide)).toEqual([
      'g/again: "then 2, always." (g.txt:3) overlaps g/order ("created in order, 0 then 1 then 2", line 2): one passage listed twice',
    ]);
  });

  it('a decider must be a file of the repository and a test name written in it', () => {
    const decided = (decidedBy: string | string[]): GuideLedger[] => [
      { ...ledger[0]!, claims: [{ ...ledger[0]!.claims[0]!, decidedBy }] },
    ];
    const files = (path: string) => (path === 'suites/x.test.ts' ? "test('orders pods > by ordinal', ...)" : undefined);
    expect(deciderProblems(decided('suites/x.test.ts > orders pods > by ordinal'), files)).toEqual([]);
    expect(deciderProblems(decided(['suites/x.test.ts > orders pods', 'suites/y.test.ts > z']), files)).toEqual([
      'g/order: decidedBy names suites/y.test.ts, which does not exist',
    ]);
    expect(deciderProblems(decided('suites/x.test.ts > reorders pods'), files)).toEqual([
      'g/order: decidedBy names "reorders pods", which is no test name written in suites/x.test.ts',
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

  it('several verdicts decide one statement: holds only if every one held, any violation decides does-not-hold', () => {
    const held = verdict('storage reattachment', 'web-0', []);
    const lost = verdict('storage reattachment', 'web-1', [{ kind: 'data-lost', message: 'web-1 reads nothing' }]);
    expect(decisionFromVerdicts('g/order', [held, held], { holds: 'kept' })).toEqual({
      claim: 'g/order',
      verdict: 'holds',
      observed: 'kept',
    });
    expect(decisionFromVerdicts('g/order', [held, lost], { holds: 'kept' })).toMatchObject({
      verdict: 'does-not-hold',
      observed: expect.stringContaining('[data-lost] web-1 reads nothing'),
    });
    expect(() => decisionFromVerdicts('g/order', [], { holds: 'kept' })).toThrow(/no verdict/);
  });

  it('a statement with parts decided by several tests has a verdict only when every part was decided', () => {
    const parts = [
      { ...ledger[0]!, claims: [{ ...ledger[0]!.claims[0]!, decidedBy: ['f > creation', 'f > deletion'] }] },
    ];
    const decision = (test: string, verdict: 'holds' | 'does-not-hold') => ({
      claim: 'g/order',
      verdict,
      observed: test,
      test,
      runId: 'r',
    });
    const verdictOf = (...decisions: ReturnType<typeof decision>[]) => rowVerdict(ledgerRows(parts, decisions)[0]!);
    expect(verdictOf(decision('f > creation', 'holds'))).toBe('no decision');
    expect(verdictOf(decision('f > creation', 'holds'), decision('f > deletion', 'holds'))).toBe('holds');
    expect(verdictOf(decision('f > creation', 'holds'), decision('f > deletion', 'does-not-hold'))).toBe('partly');
    expect(verdictOf(decision('f > creation', 'holds'), decision('f > creation', 'does-not-hold'))).toBe(
      'contradictory',
    );
    expect(renderLedgerMarkdown(parts, [decision('f > creation', 'holds')])).toContain(
      '| no decision | f > creation | f > creation; not run: f > deletion |',
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
