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
  // Halting (OrderedReady), judged on what the controller's status proves it had seen
  'created-while-known-unready':
    'a pod was created after the controller had reported a lower ordinal not Running and Ready, before that one was Ready again',
  'deleted-while-known-unready':
    'a pod beyond the replicas was asked to go after the controller had reported a replica not Running and Ready, before that one was Ready again',
  // Rolling update and partition
  'updated-out-of-order': 'a pod was replaced for the update before one with a higher ordinal',
  'updated-before-higher-available':
    'a pod was replaced for the update while a higher ordinal was not at the update revision, Running, Ready and available',
  'updated-while-unhealthy': 'a pod was replaced for the update while another replica was not healthy',
  'below-partition-updated': 'an ordinal below the partition was created at, or ended at, the update revision',
  // OnDelete, rollback and the forced-rollback trap
  'deleted-by-controller': 'a pod was deleted in a window where the contract says only the scenario deletes pods',
  'recreated-at-wrong-revision': 'a pod the scenario deleted came back at another revision than the contract names',
  'rollback-new-revision':
    'a template equal to an earlier revision got a new ControllerRevision instead of the earlier one being reused',
  'pod-at-stale-revision': 'when the rollout was over, a pod ran another revision than the update revision',
  // Status
  'status-disagrees-with-pods': 'the StatefulSet status reported counts no recorded state of its pods explains',
  'available-too-early':
    'the status counted more available replicas than pods that could have been Ready for minReadySeconds',
  'pod-outside-ordinal-range':
    'a pod outside [ordinals.start, ordinals.start + replicas) existed, not terminating, once the set had settled',
  // Scaling from outside
  'scale-disagrees-with-set': "the scale subresource named other replicas or another selector than the StatefulSet's",
  'manual-scale-kept': 'a manifest that sets replicas, applied after a manual scale, did not overwrite it',
  'manual-scale-overwritten': 'a manifest without replicas, applied after a manual scale, changed spec.replicas',
  'hpa-scale-unresolved': "a HorizontalPodAutoscaler could not get or set its StatefulSet's scale",
  // Limits and traps
  'long-name-pod-created':
    'a pod was created though its controller-revision-hash label is over 63 characters (fixed upstream?)',
  'forbidden-update-accepted':
    'an update of a StatefulSet spec field other than the updatable ones was not rejected as forbidden',
  'allowed-update-rejected': 'an update of an updatable StatefulSet spec field was rejected',
  'failed-pod-kept': 'a pod of the set in phase Failed or Succeeded was neither deleted nor replaced',
  'replaced-while-unconfirmed':
    'a pod asked to go was deleted, or its ordinal made again, before anyone confirmed it had stopped',
  // Identity, DNS and storage
  'hostname-mismatch': "a pod's spec.hostname is not its name",
  'subdomain-mismatch': "a pod's spec.subdomain is not the governing Service",
  'fqdn-mismatch': '`hostname -f` in a pod does not print <pod>.<service>.<namespace>.svc.<domain>',
  'dns-answer-mismatch': 'a name resolved to other addresses than the pods behind it',
  'claim-changed': 'a recreated pod mounts another claim (another UID) than its predecessor',
  'volume-changed': 'a claim is bound to another PersistentVolume (UID, node or path) than before',
  'data-lost': 'data written before a pod was recreated cannot be read after',
  // Data in the databases (the ledger of acknowledged writes)
  'acknowledged-write-lost': 'a row the database acknowledged before the disruption is missing when read back',
  'phantom-row': 'a row is read back that no acknowledged or attempted write produced',
  'replica-behind': 'a row acknowledged on the primary was not readable on a replica within the deadline',
  'replica-accepted-write': 'a replica that must refuse writes accepted one',
  // Claim retention policy
  'claim-deleted-against-policy': 'a claim the retention policy keeps was gone',
  'claim-kept-against-policy': 'a claim the retention policy deletes still existed once everything was over',
  'claim-owner-mismatch':
    'a claim of a replica that stays had other ownerReferences than the retention policy gives it',
  'claim-deleted-before-pod': 'the claim of a scaled-away pod was asked to go while that pod still existed',
  // Orphans and adoption
  'orphan-replaced': 'a pod without controller that the StatefulSet could adopt was deleted instead',
  'orphan-not-adopted': 'a pod without controller in the ordinal range was not owned by the StatefulSet at the end',
  'surplus-orphan-kept': 'a pod without controller beyond the ordinal range still existed at the end',
  // Deleting the StatefulSet itself (the garbage collector, not the StatefulSet controller)
  'pod-survived-set-deletion':
    'a pod of a StatefulSet deleted with cascading deletion still existed once the set was gone',
  'pod-created-after-set-deletion':
    'a pod of the set was created after the first of its pods was asked to go with the set',
  'pod-created-on-terminating-claim': 'a pod was created while a claim it mounts was terminating',
  'pending-pod-without-claim': 'a pod that had not started lacked a claim it mounts once the scenario was over',
  // Absence: something that should have been seen was not. Never enough for a negative control.
  'never-created': 'an expected pod was never created in the window',
  'never-deleted': 'an expected deletion never happened in the window',
  'never-updated': 'an expected ordinal was never recreated at the update revision in the window',
  'never-recreated': 'an expected re-creation never happened in the window',
  // Continuity through a cluster upgrade
  'identity-duplicated': 'two pods of one identity (same set, same ordinal) were alive at the same moment',
  'name-unresolved-after': 'a DNS name that resolved before did not resolve again by the end of the check',
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
