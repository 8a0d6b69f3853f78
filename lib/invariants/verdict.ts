import { AssertionError } from 'node:assert';

/**
 * Stable codes for what an invariant can find. A negative control names the kind it exists to
 * provoke, so a control that fails for another reason (a dead recorder, DNS down) does not pass.
 */
export const VIOLATION_KINDS = {
  // Ordered creation (OrderedReady)
  'created-out-of-order': 'a first incarnation was created before one with a lower ordinal',
  'created-before-predecessors-ready':
    'a pod was created while a predecessor was missing, terminating, or not yet Running, Ready and available',
  // Scale-down (OrderedReady)
  'deleted-out-of-order': 'a condemned pod was asked to go before one with a higher ordinal',
  'deleted-before-successor-gone': 'a condemned pod was asked to go while a higher condemned pod still existed',
  'deleted-while-unhealthy':
    'a condemned pod was asked to go while a pod that stays was not Running, Ready and available',
  'deleted-below-target': 'a pod below the target replica count was asked to go',
  'condemned-resurrected': 'an ordinal being scaled away was created again',
  // Rolling update and partition
  'updated-out-of-order': 'a pod was replaced for the update before one with a higher ordinal',
  'updated-before-higher-available':
    'a pod was replaced for the update while a higher ordinal was not at the update revision, Running, Ready and available',
  'updated-while-unhealthy': 'a pod was replaced for the update while another replica was not healthy',
  'below-partition-updated': 'an ordinal below the partition was created at, or ended at, the update revision',
  // Status
  'status-disagrees-with-pods': 'the StatefulSet status reported counts no recorded state of its pods explains',
  // Identity, DNS and storage
  'hostname-mismatch': "a pod's spec.hostname is not its name",
  'subdomain-mismatch': "a pod's spec.subdomain is not the governing Service",
  'fqdn-mismatch': '`hostname -f` in a pod does not print <pod>.<service>.<namespace>.svc.<domain>',
  'dns-answer-mismatch': 'a name resolved to other addresses than the pods behind it',
  'claim-changed': 'a recreated pod mounts another claim (another UID) than its predecessor',
  'volume-changed': 'a claim is bound to another PersistentVolume (UID, node or path) than before',
  'data-lost': 'data written before a pod was recreated cannot be read after',
  // Absence: something that should have been seen was not. Never enough for a negative control.
  'never-created': 'an expected pod was never created in the window',
  'never-deleted': 'an expected deletion never happened in the window',
  'never-updated': 'an expected ordinal was never recreated at the update revision in the window',
  'never-recreated': 'an expected re-creation never happened in the window',
  'no-observations': 'nothing was observed that the check could judge',
} as const;

export type ViolationKind = keyof typeof VIOLATION_KINDS;

/** Kinds that say something expected was not seen: a dead recorder or a broken scenario produces them too. */
export const ABSENCE_KINDS: ReadonlySet<ViolationKind> = new Set<ViolationKind>([
  'never-created',
  'never-deleted',
  'never-updated',
  'never-recreated',
  'no-observations',
]);

export interface Violation {
  readonly kind: ViolationKind;
  /** Names the object, the moment (resourceVersion) and what was expected against what was seen. */
  readonly message: string;
}

/**
 * The outcome of an invariant. `holds`: every rule held over a fully observed window.
 * `violated`: at least one rule was broken (`violations`). `inconclusive`: the recorder did not
 * see the whole window (`unobserved` says why), so nothing can be claimed; a scenario treats
 * that as a failure. `checked` says what was examined, so a reader sees the check was not vacuous.
 */
export interface Verdict {
  readonly invariant: string;
  readonly outcome: 'holds' | 'violated' | 'inconclusive';
  readonly holds: boolean;
  readonly checked: string;
  readonly violations: readonly Violation[];
  readonly unobserved: readonly string[];
}

/** Collects violations while an invariant walks a timeline. */
export class Findings {
  readonly violations: Violation[] = [];

  add(kind: ViolationKind, message: string): void {
    if (!this.violations.some((known) => known.kind === kind && known.message === message)) {
      this.violations.push({ kind, message });
    }
  }

  verdict(invariant: string, checked: string, unobserved: readonly string[] = []): Verdict {
    return verdict(invariant, checked, this.violations, unobserved);
  }
}

export function verdict(
  invariant: string,
  checked: string,
  violations: readonly Violation[],
  unobserved: readonly string[] = [],
): Verdict {
  const outcome = unobserved.length > 0 ? 'inconclusive' : violations.length > 0 ? 'violated' : 'holds';
  return { invariant, outcome, holds: outcome === 'holds', checked, violations, unobserved };
}

export function kindsOf(result: Verdict): ViolationKind[] {
  return [...new Set(result.violations.map((violation) => violation.kind))];
}

/** "  - [created-out-of-order] web-2 created ..." lines, for failure messages. */
export function describeViolations(result: Verdict): string {
  const lines = result.violations.map((violation) => `  - [${violation.kind}] ${violation.message}`);
  for (const reason of result.unobserved) lines.push(`  - [inconclusive] ${reason}`);
  return lines.join('\n');
}

/** Throws an AssertionError (a failed test, not a broken one) listing the violations, or why it is inconclusive. */
export function assertHolds(result: Verdict, subject: string): void {
  if (result.holds) return;
  const what = result.outcome === 'inconclusive' ? 'could not be decided' : 'violated';
  throw new AssertionError({
    message: `${result.invariant} ${what} for ${subject} (${result.checked}):\n${describeViolations(result)}`,
  });
}

/**
 * The negative controls' assertion: the verdict is `violated` (not inconclusive) and every
 * expected kind occurred. Absence kinds cannot be expected: a control that only proves "nothing
 * happened" proves nothing about the rule it stands for.
 */
export function assertViolatedWith(result: Verdict, expected: readonly ViolationKind[], subject: string): void {
  const absence = expected.filter((kind) => ABSENCE_KINDS.has(kind));
  if (expected.length === 0 || absence.length > 0) {
    throw new Error(
      `a negative control must name the violation kinds it provokes, and none of them may be an absence kind (${absence.join(', ') || 'none named'})`,
    );
  }
  const seen = kindsOf(result);
  const missing = expected.filter((kind) => !seen.includes(kind));
  if (result.outcome === 'violated' && missing.length === 0) return;
  const found = result.outcome === 'holds' ? 'it held' : `it found ${seen.join(', ') || 'nothing'}`;
  throw new AssertionError({
    message:
      `${result.invariant} for ${subject} (${result.checked}) must report ${expected.join(', ')} in this negative control, ` +
      `but ${result.outcome === 'inconclusive' ? 'it was inconclusive' : found}` +
      (result.holds ? '' : `:\n${describeViolations(result)}`),
  });
}

/**
 * The fault controls' assertion: a window the recorder did not fully see (an API server restart,
 * a relist) must be `inconclusive`, with the reasons naming what was missed, and must accuse no
 * one: a gap is never evidence against the controller. `reason` must match one of the reasons.
 */
export function assertInconclusive(result: Verdict, reason: RegExp, subject: string): void {
  const named = result.unobserved.some((text) => reason.test(text));
  if (result.outcome === 'inconclusive' && named && result.violations.length === 0) return;
  const problem =
    result.outcome !== 'inconclusive'
      ? `it ${result.outcome === 'holds' ? 'held' : 'was violated'}`
      : !named
        ? `none of its reasons matches ${reason}`
        : 'it also accused the controller';
  throw new AssertionError({
    message:
      `${result.invariant} for ${subject} (${result.checked}) must be inconclusive over a window the recorder did not fully see, but ${problem}` +
      (result.violations.length + result.unobserved.length > 0 ? `:\n${describeViolations(result)}` : ''),
  });
}
