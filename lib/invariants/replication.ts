import type { WriteLedger } from './data.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * Replication as the guides' primary/replica patterns promise it: a row the primary acknowledged
 * is readable on every replica within a deadline, and a replica refuses writes. Nothing here is
 * a Kubernetes guarantee: a StatefulSet sets up no replication (its documentation says so), the
 * pods' configuration does. These judges check what that configuration achieved.
 */

/** What one replica showed while it was polled for the primary's acknowledged rows. */
export interface ReplicaCatchUp {
  readonly replica: string;
  /** How long it was given. */
  readonly deadlineMs: number;
  /** The ids of the last read (at the deadline, or when it first had them all); undefined when no read succeeded. */
  readonly ids: readonly string[] | undefined;
  /** Milliseconds from the primary's last acknowledgement until the replica had every acknowledged row. */
  readonly caughtUpAfterMs?: number;
  /** Why a read failed, for the report. */
  readonly lastError?: string;
}

/**
 * Every acknowledged row of `ledger` (written on the primary) was read on each replica within
 * its deadline (`replica-behind` otherwise, naming the missing ids). A replica that could never
 * be read decides nothing (inconclusive), and neither does a ledger with no acknowledged row.
 */
export function replicasCaughtUp(ledger: WriteLedger, replicas: readonly ReplicaCatchUp[]): Verdict {
  const invariant = 'acknowledged rows reach every replica';
  const findings = new Findings();
  const unobserved: string[] = [];
  if (ledger.acknowledged.length === 0) unobserved.push(`no write to ${ledger.subject} was acknowledged`);
  if (replicas.length === 0) unobserved.push('no replica was read');
  for (const replica of replicas) {
    if (replica.ids === undefined) {
      unobserved.push(
        `${replica.replica} could not be read within ${replica.deadlineMs} ms (${replica.lastError ?? 'no answer'})`,
      );
      continue;
    }
    const seen = new Set(replica.ids);
    const missing = ledger.acknowledged.filter((id) => !seen.has(id));
    if (missing.length > 0)
      findings.add(
        'replica-behind',
        `${replica.replica} still lacks ${missing.length} of the ${ledger.acknowledged.length} rows ${ledger.subject} acknowledged after ${replica.deadlineMs} ms (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`,
      );
  }
  const timings = replicas
    .filter((replica) => replica.caughtUpAfterMs !== undefined)
    .map((replica) => `${replica.replica} in ${replica.caughtUpAfterMs} ms`);
  return findings.verdict(
    invariant,
    `${ledger.acknowledged.length} rows acknowledged by ${ledger.subject}, read on ${replicas.map((replica) => replica.replica).join(', ') || 'no replica'}${timings.length > 0 ? `; caught up: ${timings.join(', ')}` : ''}`,
    unobserved,
  );
}

/** One attempt to write to a replica. */
export interface WriteAttempt {
  readonly replica: string;
  /**
   * accepted: the server acknowledged the write. refused-read-only: it refused because it is read
   * only (a standby, read_only). refused-otherwise: it failed for another reason (connection,
   * authentication), which says nothing about whether the replica would have taken it.
   */
  readonly outcome: 'accepted' | 'refused-read-only' | 'refused-otherwise';
  readonly detail: string;
}

/** Every replica refused the write as read only (`replica-accepted-write` for one that took it). */
export function replicasRefuseWrites(attempts: readonly WriteAttempt[]): Verdict {
  const findings = new Findings();
  const unobserved: string[] = [];
  if (attempts.length === 0) unobserved.push('no write was attempted on a replica');
  for (const attempt of attempts) {
    if (attempt.outcome === 'accepted')
      findings.add('replica-accepted-write', `${attempt.replica} acknowledged a write: ${attempt.detail}`);
    else if (attempt.outcome === 'refused-otherwise')
      unobserved.push(`${attempt.replica} refused for a reason other than being read only: ${attempt.detail}`);
  }
  return findings.verdict(
    'replicas refuse writes',
    attempts.map((attempt) => `${attempt.replica}: ${attempt.outcome}`).join(', ') || 'no attempt',
    unobserved,
  );
}
