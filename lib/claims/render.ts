import { CLAIM_VERDICTS, decidersOf, type ClaimVerdict, type Decision, type GuideLedger } from './ledger.js';

/** A statement with what this run decided about it; `undefined` when no test of the run decided it. */
export interface LedgerRow {
  readonly guide: string;
  readonly id: string;
  readonly line: number;
  readonly quote: string;
  readonly nature: 'testable' | 'advice';
  /** The tests the ledger lists as deciding it (several: each decides a part). */
  readonly deciders: readonly string[];
  readonly decisions: readonly Decision[];
}

/** The listed deciders that decided nothing in this run. */
export function undecidedParts(row: LedgerRow): string[] {
  return row.deciders.filter((test) => !row.decisions.some((decision) => decision.test === test));
}

export type LedgerCounts = Record<ClaimVerdict | 'no decision' | 'advice' | 'contradictory', number>;

/**
 * Joins the ledger with one run's decisions. Several tests may decide the same statement (as
 * documented and made to work, or one part each); they are all shown.
 */
export function ledgerRows(ledger: readonly GuideLedger[], decisions: readonly Decision[]): LedgerRow[] {
  return ledger.flatMap((guide) =>
    guide.claims.map((claim) => ({
      guide: guide.guide,
      id: claim.id,
      line: claim.line,
      quote: claim.quote,
      nature: claim.nature,
      deciders: decidersOf(claim),
      decisions: decisions.filter((decision) => decision.claim === claim.id),
    })),
  );
}

/**
 * A statement's verdict in this run. One decider: its verdict; decisions that disagree say
 * "contradictory" instead of picking one. Several deciders are parts of the statement: it has a
 * verdict only once every part was decided (a part whose test did not run leaves it undecided,
 * never half-decided), and parts that differ make it "partly" (each decision says its part). A
 * test that disagrees with itself is contradictory either way.
 */
export function rowVerdict(row: LedgerRow): ClaimVerdict | 'no decision' | 'advice' | 'contradictory' {
  if (row.nature === 'advice') return 'advice';
  const verdicts = new Set(row.decisions.map((decision) => decision.verdict));
  if (verdicts.size === 0) return 'no decision';
  const byTest = new Map<string, Set<ClaimVerdict>>();
  for (const decision of row.decisions)
    byTest.set(decision.test, (byTest.get(decision.test) ?? new Set()).add(decision.verdict));
  if ([...byTest.values()].some((own) => own.size > 1)) return 'contradictory';
  if (row.deciders.length > 1) {
    if (undecidedParts(row).length > 0) return 'no decision';
    return verdicts.size > 1 ? 'partly' : ([...verdicts][0] as ClaimVerdict);
  }
  if (verdicts.size > 1) return 'contradictory';
  return [...verdicts][0] as ClaimVerdict;
}

export function ledgerCounts(rows: readonly LedgerRow[]): LedgerCounts {
  const counts = Object.fromEntries(
    [...Object.keys(CLAIM_VERDICTS), 'no decision', 'advice', 'contradictory'].map((key) => [key, 0]),
  ) as LedgerCounts;
  for (const row of rows) counts[rowVerdict(row)]++;
  return counts;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** out/ledger.md: per guide, counts by verdict, then each statement beside what the run observed. */
export function renderLedgerMarkdown(ledger: readonly GuideLedger[], decisions: readonly Decision[]): string {
  const out: string[] = ['# What the guides claim, decided by this run', ''];
  const all = ledgerRows(ledger, decisions);
  const total = ledgerCounts(all);
  out.push(
    `All guides: ${Object.entries(total)
      .filter(([, count]) => count > 0)
      .map(([verdict, count]) => `${count} ${verdict}`)
      .join(', ')}.`,
    '',
  );
  for (const guide of ledger) {
    const rows = all.filter((row) => row.guide === guide.guide);
    const counts = ledgerCounts(rows);
    out.push(
      `## ${guide.title}`,
      '',
      `\`${guide.guide}\`: ${rows.length} statements; ${Object.entries(counts)
        .filter(([, count]) => count > 0)
        .map(([verdict, count]) => `${count} ${verdict}`)
        .join(', ')}.`,
      '',
    );
    if (rows.length === 0) continue;
    out.push('| id | line | the guide says | verdict | observed | decided by |', '|---|---|---|---|---|---|');
    for (const row of rows) {
      const observed = row.decisions
        .map((decision) => `${decision.observed}${decision.qualifier ? ` (${decision.qualifier})` : ''}`)
        .join('; ');
      const decided = [...new Set(row.decisions.map((decision) => decision.test))];
      const notRun = row.decisions.length > 0 ? undecidedParts(row).map((test) => `not run: ${test}`) : [];
      const by = [...decided, ...notRun].join('; ');
      out.push(
        `| ${row.id} | ${row.line} | ${cell(row.quote)} | ${rowVerdict(row)} | ${cell(observed)} | ${cell(by)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
