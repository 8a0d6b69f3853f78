import { CLAIM_VERDICTS, type ClaimVerdict, type Decision, type GuideLedger } from './ledger.js';

/** A statement with what this run decided about it; `undefined` when no test of the run decided it. */
export interface LedgerRow {
  readonly guide: string;
  readonly id: string;
  readonly line: number;
  readonly quote: string;
  readonly nature: 'testable' | 'advice';
  readonly decisions: readonly Decision[];
}

export type LedgerCounts = Record<ClaimVerdict | 'no decision' | 'advice' | 'contradictory', number>;

/**
 * Joins the ledger with one run's decisions. Several tests may decide the same statement (as
 * documented and made to work); they are all shown, and if they disagree the row says so instead
 * of picking one.
 */
export function ledgerRows(ledger: readonly GuideLedger[], decisions: readonly Decision[]): LedgerRow[] {
  return ledger.flatMap((guide) =>
    guide.claims.map((claim) => ({
      guide: guide.guide,
      id: claim.id,
      line: claim.line,
      quote: claim.quote,
      nature: claim.nature,
      decisions: decisions.filter((decision) => decision.claim === claim.id),
    })),
  );
}

export function rowVerdict(row: LedgerRow): ClaimVerdict | 'no decision' | 'advice' | 'contradictory' {
  if (row.nature === 'advice') return 'advice';
  const verdicts = new Set(row.decisions.map((decision) => decision.verdict));
  if (verdicts.size === 0) return 'no decision';
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
      const by = row.decisions.map((decision) => decision.test).join('; ');
      out.push(
        `| ${row.id} | ${row.line} | ${cell(row.quote)} | ${rowVerdict(row)} | ${cell(observed)} | ${cell(by)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
