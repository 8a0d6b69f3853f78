import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Decision, GuideLedger } from './ledger.js';
import { ledgerRows, renderLedgerMarkdown, rowVerdict, type LedgerRow } from './render.js';

/**
 * The ledger as pages of the HTML report: one Allure result per statement, grouped by guide
 * (epic "What the guides claim", feature = the guide), so the report's own tree, filters and
 * counts work on it. A statement that holds is "passed", one that does not is "failed", one
 * decided inconsistently is "broken", one not run here, with no decision or advice is "skipped";
 * the guide's words and the observation are the description.
 */
const STATUS: Record<ReturnType<typeof rowVerdict>, 'passed' | 'failed' | 'broken' | 'skipped'> = {
  holds: 'passed',
  'does-not-hold': 'failed',
  partly: 'failed',
  depends: 'passed',
  'not-run-here': 'skipped',
  'no decision': 'skipped',
  advice: 'skipped',
  contradictory: 'broken',
};

export function allureResultOf(row: LedgerRow, title: string, at: number): Record<string, unknown> {
  const verdict = rowVerdict(row);
  const observed = row.decisions.map(
    (decision) =>
      `- ${decision.verdict}: ${decision.observed}${decision.qualifier ? ` (${decision.qualifier})` : ''} — ${decision.test}`,
  );
  return {
    uuid: randomUUID(),
    historyId: createHash('md5').update(`claim:${row.id}`).digest('hex'),
    name: `${row.id}: ${verdict}`,
    fullName: `claims:${row.id}`,
    status: STATUS[verdict],
    statusDetails: { message: `${verdict}: ${row.decisions.map((decision) => decision.observed).join('; ') || '—'}` },
    stage: 'finished',
    description: [`> ${row.quote}`, '', `${row.guide}, line ${row.line}`, '', ...observed].join('\n'),
    labels: [
      { name: 'epic', value: 'What the guides claim' },
      { name: 'feature', value: title },
      { name: 'story', value: row.id },
      { name: 'tag', value: `verdict:${verdict}` },
    ],
    parameters: [{ name: 'verdict', value: verdict }],
    steps: [],
    attachments: [],
    start: at,
    stop: at,
  };
}

/** Writes out/ledger.md, out/ledger.json and the Allure results of the ledger pages. */
export async function publishLedger(
  outDir: string,
  ledger: readonly GuideLedger[],
  decisions: readonly Decision[],
): Promise<{ markdown: string; rows: LedgerRow[] }> {
  const rows = ledgerRows(ledger, decisions);
  const markdown = renderLedgerMarkdown(ledger, decisions);
  await writeFile(join(outDir, 'ledger.md'), markdown);
  await writeFile(
    join(outDir, 'ledger.json'),
    JSON.stringify(
      rows.map((row) => ({ ...row, verdict: rowVerdict(row) })),
      null,
      2,
    ),
  );
  const results = join(outDir, 'allure-results');
  await mkdir(results, { recursive: true });
  const at = Date.now();
  for (const guide of ledger) {
    for (const row of rows.filter((candidate) => candidate.guide === guide.guide)) {
      const result = allureResultOf(row, guide.title, at);
      await writeFile(join(results, `${result.uuid as string}-result.json`), JSON.stringify(result));
    }
  }
  return { markdown, rows };
}
