import {
  describeMoment,
  inWindow,
  type ClaimLife,
  type OwnerRef,
  type Timeline,
  type Window,
} from '../observe/timeline.js';
import { unobservedIn } from './coverage.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * spec.persistentVolumeClaimRetentionPolicy, as documented: "whenDeleted configures the volume
 * retention behavior that applies when the StatefulSet is deleted; whenScaled configures the
 * volume retention behavior that applies when the replica count of the StatefulSet is reduced",
 * each Retain (the default) or Delete; a claim another controller owns is left alone.
 *
 * As the v1.34 controller implements it (stateful_set_utils.go isClaimOwnerUpToDate and
 * updateClaimOwnerRefForSetAndPod, called through stateful_pod_control.go
 * UpdatePodClaimForRetentionPolicy, and for condemned pods from updateStatefulSet): it deletes no
 * claim itself; it sets ownerReferences and lets the garbage collector delete. whenDeleted Delete
 * makes the StatefulSet a controller owner of every claim; whenScaled Delete makes the condemned
 * pod the controller owner of its claims before deleting the pod, so the claim goes only after
 * the pod is gone; Retain/Retain leaves no reference of the set or its pods.
 * hasUnexpectedController: a claim with another controller owner is not touched ("the retention
 * policy is ignored for this claim").
 */

export interface RetentionPolicy {
  readonly whenScaled: 'Retain' | 'Delete';
  readonly whenDeleted: 'Retain' | 'Delete';
}

export interface RetentionHistory {
  /** From the StatefulSet's creation to the end of everything judged. */
  readonly window: Window;
  readonly policy: RetentionPolicy;
  /** The scale-down: from `from` to `to` replicas, over by resourceVersion `doneRv`. */
  readonly scaleDown: { readonly from: number; readonly to: number; readonly doneRv: number };
  /** The StatefulSet was deleted and everything that follows from it was over by `doneRv`. */
  readonly setDeleted?: { readonly doneRv: number };
  /** Ordinals whose claims were given another controller owner before the scale-down. */
  readonly otherController?: readonly number[];
}

function claimsOf(timeline: Timeline, ordinal: number): ClaimLife[] {
  return timeline.claims.filter((claim) => claim.ordinal === ordinal);
}

function existsAt(claim: ClaimLife, rv: number): boolean {
  return claim.created.rv <= rv && (claim.deleted === undefined || claim.deleted.rv > rv);
}

function ownersAt(claim: ClaimLife, rv: number): readonly OwnerRef[] {
  return [...claim.owners].reverse().find((entry) => entry.at.rv <= rv)?.refs ?? [];
}

function describeOwners(refs: readonly OwnerRef[]): string {
  return refs.length === 0
    ? 'no ownerReferences'
    : refs.map((ref) => `${ref.kind}/${ref.name}${ref.controller ? ' (controller)' : ''}`).join(', ');
}

/**
 * At the end of the scale-down and at the end of the deletion, every claim exists or is gone as
 * the policy says; the claims of the replicas that stay carry the owners the policy gives them;
 * a claim of a scaled-away ordinal is asked to go only once its pod is gone.
 */
export function claimRetention(timeline: Timeline, history: RetentionHistory): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  const { policy, scaleDown } = history;
  const foreign = new Set(history.otherController ?? []);
  const policyText = `whenScaled ${policy.whenScaled}, whenDeleted ${policy.whenDeleted}`;

  const expectExistence = (ordinal: number, rv: number, expected: boolean, why: string) => {
    const claims = claimsOf(timeline, ordinal);
    const live = claims.filter((claim) => existsAt(claim, rv));
    const name = `data-${set}-${ordinal}`;
    if (claims.length === 0) {
      findings.add('no-observations', `no claim of ${set}-${ordinal} was ever recorded`);
    } else if (expected && live.length === 0) {
      const gone = claims[claims.length - 1] as ClaimLife;
      findings.add(
        'claim-deleted-against-policy',
        `claim ${name} (uid ${gone.uid.slice(0, 8)}) was gone at rv ${rv}, deleted at ${gone.deleted ? describeMoment(gone.deleted, timeline) : '?'}: expected it kept (${why})`,
      );
    } else if (!expected && live.length > 0) {
      findings.add(
        'claim-kept-against-policy',
        `claim ${name} (uid ${live[0]?.uid.slice(0, 8)}) still existed at rv ${rv}: expected it deleted (${why})`,
      );
    }
  };

  // After the scale-down: the replicas that stay keep their claims; the scaled-away ones as whenScaled says.
  for (let ordinal = 0; ordinal < scaleDown.from; ordinal++) {
    const scaledAway = ordinal >= scaleDown.to;
    const kept = !scaledAway || policy.whenScaled === 'Retain' || foreign.has(ordinal);
    const why = !scaledAway
      ? `${set}-${ordinal} stays`
      : foreign.has(ordinal)
        ? 'another controller owns it'
        : `scaled away with whenScaled ${policy.whenScaled}`;
    expectExistence(ordinal, scaleDown.doneRv, kept, why);
  }

  // Owners of the claims that stay, after the scale-down.
  for (let ordinal = 0; ordinal < scaleDown.to; ordinal++) {
    if (foreign.has(ordinal)) continue;
    for (const claim of claimsOf(timeline, ordinal).filter((candidate) => existsAt(candidate, scaleDown.doneRv))) {
      const refs = ownersAt(claim, scaleDown.doneRv);
      const setRef = refs.some((ref) => ref.kind === 'StatefulSet' && ref.name === set && ref.controller);
      const podRef = refs.some((ref) => ref.kind === 'Pod');
      const wantSetRef = policy.whenDeleted === 'Delete';
      if (setRef !== wantSetRef || podRef) {
        findings.add(
          'claim-owner-mismatch',
          `claim ${claim.name} had ${describeOwners(refs)} at rv ${scaleDown.doneRv}: expected ${wantSetRef ? `StatefulSet/${set} as controller` : `no reference to StatefulSet/${set}`} and none to a pod (${policyText})`,
        );
      }
    }
  }

  // A scaled-away claim goes only after its pod: the pod owns it, and the garbage collector waits for owners.
  for (let ordinal = scaleDown.to; ordinal < scaleDown.from; ordinal++) {
    for (const claim of claimsOf(timeline, ordinal)) {
      if (!claim.deletionRequested || !inWindow(claim.deletionRequested, history.window)) continue;
      const podAlive = timeline.pods.find(
        (life) =>
          life.ordinal === ordinal &&
          life.events.some(
            (event) => event.transition === 'created' && event.at.rv < (claim.deletionRequested?.rv ?? 0),
          ) &&
          !life.events.some(
            (event) => event.transition === 'deleted' && event.at.rv < (claim.deletionRequested?.rv ?? 0),
          ),
      );
      if (podAlive) {
        findings.add(
          'claim-deleted-before-pod',
          `claim ${claim.name} was asked to go at ${describeMoment(claim.deletionRequested, timeline)} while ${podAlive.pod} (uid ${podAlive.uid.slice(0, 8)}) still existed: expected the claim of a scaled-away pod to go only after the pod`,
        );
      }
    }
  }

  // After the StatefulSet is deleted: whenDeleted Delete takes every claim the set owns.
  if (history.setDeleted) {
    for (let ordinal = 0; ordinal < scaleDown.from; ordinal++) {
      const scaledAway = ordinal >= scaleDown.to;
      let kept: boolean;
      let why: string;
      if (foreign.has(ordinal)) {
        kept = true;
        why = 'another controller owns it';
      } else if (scaledAway && policy.whenScaled === 'Delete') {
        kept = false;
        why = 'deleted with the scale-down';
      } else {
        kept = policy.whenDeleted === 'Retain';
        why = `StatefulSet deleted with whenDeleted ${policy.whenDeleted}`;
      }
      expectExistence(ordinal, history.setDeleted.doneRv, kept, why);
    }
  }

  return findings.verdict(
    'claims retained as the policy says',
    `${timeline.claims.length} claim(s) of ${set}, ${policyText}, scaled ${scaleDown.from} -> ${scaleDown.to}${history.setDeleted ? ', then the StatefulSet deleted' : ''}${foreign.size > 0 ? `, ordinal(s) ${[...foreign].join(', ')} owned by another controller` : ''}`,
    unobservedIn(timeline, history.window, ['pods', 'statefulsets', 'persistentvolumeclaims']),
  );
}
