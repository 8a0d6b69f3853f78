import type { WriteLedger } from './data.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * Replication as the guides describe it ("mysql-0: Primary (accepts writes)", "mysql-1: Replica
 * (read-only, replicates from primary)"), judged from the databases' own answers. Neither rule is
 * the StatefulSet controller's: it makes pods and claims; what replicates is the database,
 * configured by the manifest. These judges say whether the manifest's database did it.
 */

/** What a replica held when it was last read, and when that was. */
export interface ReplicaRead {
  readonly replica: string;
  /** Ledger ids read from the replica; undefined when the read failed (inconclusive, never a pass). */
  readonly ids: readonly string[] | undefined;
  /** Milliseconds from the primary's last acknowledgement to this read. */
  readonly elapsedMs: number;
}

/**
 * Every row the primary acknowledged is on every replica within `deadlineMs` (`replica-behind`
 * otherwise), and no replica holds a row no write produced (`phantom-row`). A replica read
 * before the deadline that still lacks rows decides nothing: the poller stopped too early, so
 * the verdict is inconclusive rather than a lag the replica might have made up.
 */
export function replicasCaughtUp(primary: WriteLedger, reads: readonly ReplicaRead[], deadlineMs: number): Verdict {
  const invariant = 'replicas catch up with the primary';
  const findings = new Findings();
  const unobserved: string[] = [];
  if (primary.acknowledged.length === 0)
    unobserved.push(`no write to ${primary.subject} was acknowledged: nothing to replicate`);
  if (reads.length === 0) unobserved.push('no replica was read');
  const known = new Set([...primary.acknowledged, ...(primary.attempted ?? [])]);
  for (const read of reads) {
    if (read.ids === undefined) {
      unobserved.push(`${read.replica} could not be read`);
      continue;
    }
    const held = new Set(read.ids);
    const missing = primary.acknowledged.filter((id) => !held.has(id));
    if (missing.length > 0) {
      if (read.elapsedMs < deadlineMs)
        unobserved.push(
          `${read.replica} was last read ${seconds(read.elapsedMs)} after the last acknowledgement, before the ${seconds(deadlineMs)} deadline, and lacked ${missing.length} rows`,
        );
      else
        findings.add(
          'replica-behind',
          `${read.replica} lacks ${missing.length} of the ${primary.acknowledged.length} rows ${primary.subject} acknowledged, ${seconds(read.elapsedMs)} after the last acknowledgement (deadline ${seconds(deadlineMs)}): ${sample(missing)}`,
        );
    }
    const phantoms = [...held].filter((id) => !known.has(id));
    if (phantoms.length > 0)
      findings.add(
        'phantom-row',
        `${read.replica} holds ${phantoms.length} rows no write to ${primary.subject} produced: ${sample(phantoms)}`,
      );
  }
  return findings.verdict(
    invariant,
    `${primary.acknowledged.length} rows acknowledged by ${primary.subject}; ${reads
      .map((read) => `${read.replica} read ${read.ids?.length ?? 'nothing'} after ${seconds(read.elapsedMs)}`)
      .join(', ')}; deadline ${seconds(deadlineMs)}`,
    unobserved,
  );
}

/** One write tried on a replica, and what the server answered. */
export interface ReplicaWriteAttempt {
  readonly replica: string;
  /** Who wrote: the refusal of a read-only server depends on the account's privileges. */
  readonly account: string;
  readonly acknowledged: boolean;
  /** The server refused it because it is read-only (MySQL/MariaDB ERROR 1290). */
  readonly refusedAsReadOnly: boolean;
  readonly error?: string;
}

/**
 * A replica refuses writes (`replica-accepted-write` for each it acknowledged). A write refused for
 * another reason (no privilege, no connection) says nothing about read-only: inconclusive.
 */
export function replicasRefuseWrites(attempts: readonly ReplicaWriteAttempt[]): Verdict {
  const invariant = 'replicas refuse writes';
  const findings = new Findings();
  const unobserved: string[] = [];
  if (attempts.length === 0) unobserved.push('no write was tried on a replica');
  for (const attempt of attempts) {
    if (attempt.acknowledged)
      findings.add(
        'replica-accepted-write',
        `${attempt.replica} acknowledged a write by ${attempt.account}: expected a read-only refusal`,
      );
    else if (!attempt.refusedAsReadOnly)
      unobserved.push(
        `${attempt.replica} refused ${attempt.account}'s write for another reason than read-only: ${attempt.error ?? 'no message'}`,
      );
  }
  return findings.verdict(
    invariant,
    attempts
      .map(
        (attempt) =>
          `${attempt.replica} as ${attempt.account}: ${attempt.acknowledged ? 'acknowledged' : `refused (${attempt.error ?? 'no message'})`}`,
      )
      .join('; ') || 'no attempts',
    unobserved,
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const sample = (ids: readonly string[]) =>
  `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? `, … ${ids.length - 5} more` : ''}`;
