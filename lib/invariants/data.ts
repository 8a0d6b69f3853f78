import { Findings, type Verdict } from './verdict.js';

/**
 * The databases' own proof of storage: a ledger of rows with unique ids, each recorded as
 * acknowledged only once the database said the write committed. A write whose acknowledgement
 * never arrived (the connection died with the pod) is "attempted": reading it back is allowed,
 * not reading it is allowed, so a disruption at the wrong moment never accuses a correct cluster.
 */
export interface WriteLedger {
  /** Where the rows were written, e.g. "mysql-0 appdb.ledger". */
  readonly subject: string;
  readonly acknowledged: readonly string[];
  /** Writes sent whose outcome is unknown. */
  readonly attempted?: readonly string[];
}

export interface ReadBack {
  /** Where they were read, e.g. "mysql-0 after scale to 0 and back". */
  readonly from: string;
  /** Undefined when nothing could be read (the query failed): inconclusive, never a pass. */
  readonly ids: readonly string[] | undefined;
}

/** Every acknowledged write is read back (`acknowledged-write-lost`), nothing unknown appears (`phantom-row`). */
export function ledgerIntact(ledger: WriteLedger, read: ReadBack): Verdict {
  const invariant = 'acknowledged writes survive';
  const findings = new Findings();
  if (read.ids === undefined)
    return findings.verdict(invariant, `${ledger.subject}, read from ${read.from}`, [
      `nothing was read back from ${read.from}`,
    ]);
  if (ledger.acknowledged.length === 0)
    return findings.verdict(invariant, ledger.subject, [
      `no write to ${ledger.subject} was acknowledged: nothing to check`,
    ]);
  const seen = new Set(read.ids);
  const known = new Set([...ledger.acknowledged, ...(ledger.attempted ?? [])]);
  const lost = ledger.acknowledged.filter((id) => !seen.has(id));
  const phantoms = [...seen].filter((id) => !known.has(id));
  if (lost.length > 0)
    findings.add(
      'acknowledged-write-lost',
      `${read.from} reads ${read.ids.length} rows: ${lost.length} of ${ledger.acknowledged.length} acknowledged by ${ledger.subject} are missing (${sample(lost)})`,
    );
  if (phantoms.length > 0)
    findings.add(
      'phantom-row',
      `${read.from} reads ${phantoms.length} rows no write to ${ledger.subject} produced (${sample(phantoms)})`,
    );
  return findings.verdict(
    invariant,
    `${ledger.acknowledged.length} acknowledged and ${ledger.attempted?.length ?? 0} unconfirmed writes to ${ledger.subject}, ${read.ids.length} rows read from ${read.from}`,
  );
}

/** Figures for the report: acknowledged, read back, lost (must be 0 in a run made to work). */
export function ledgerFigures(
  ledger: WriteLedger,
  read: ReadBack,
): { acknowledged: number; readBack: number; lost: number } {
  const seen = new Set(read.ids ?? []);
  return {
    acknowledged: ledger.acknowledged.length,
    readBack: read.ids?.length ?? 0,
    lost: ledger.acknowledged.filter((id) => !seen.has(id)).length,
  };
}

const sample = (ids: readonly string[]) =>
  `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? `, … ${ids.length - 5} more` : ''}`;
