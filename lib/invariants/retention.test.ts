import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { claimRetention, type RetentionPolicy } from './retention.js';
import { kindsOf } from './verdict.js';

const SET = { kind: 'StatefulSet', name: 'web', uid: 'uid-set', controller: true };
const podRef = (ordinal: number) => ({ kind: 'Pod', name: `web-${ordinal}`, uid: `uid-${ordinal}`, controller: true });
const claim = (ordinal: number) => `data-web-${ordinal}`;

/**
 * Three pods with claims, scaled to 1, then the StatefulSet deleted, as a correct controller and
 * garbage collector would do it for `policy`.
 */
function history(policy: RetentionPolicy) {
  const setOwns = policy.whenDeleted === 'Delete';
  const h = new SyntheticHistory().setSpec({ replicas: 3 });
  for (const ordinal of [0, 1, 2]) h.claim(claim(ordinal), { owners: setOwns ? [SET] : [] }).bringUp(ordinal);
  h.setSpec({ replicas: 1 });
  for (const ordinal of [2, 1]) {
    if (policy.whenScaled === 'Delete') h.claim(claim(ordinal), { owners: [podRef(ordinal)] });
    h.remove(ordinal);
    if (policy.whenScaled === 'Delete')
      h.claim(claim(ordinal), { deletionRequested: true }).claim(claim(ordinal), { deleted: true });
  }
  const scaledRv = h.currentRv;
  h.remove(0);
  for (const ordinal of [0, 1, 2]) {
    const ownedBySet = setOwns && (ordinal === 0 || policy.whenScaled === 'Retain');
    if (ownedBySet) h.claim(claim(ordinal), { deletionRequested: true }).claim(claim(ordinal), { deleted: true });
  }
  return { h, scaledRv, deletedRv: h.currentRv };
}

const judge = (policy: RetentionPolicy, actual = policy, otherController?: number[]) => {
  const { h, scaledRv, deletedRv } = history(actual);
  return claimRetention(buildTimeline(h.recording(), 'web'), {
    window: WHOLE_TIMELINE,
    policy,
    scaleDown: { from: 3, to: 1, doneRv: scaledRv },
    setDeleted: { doneRv: deletedRv },
    otherController,
  });
};

const POLICIES: RetentionPolicy[] = [
  { whenScaled: 'Retain', whenDeleted: 'Retain' },
  { whenScaled: 'Retain', whenDeleted: 'Delete' },
  { whenScaled: 'Delete', whenDeleted: 'Retain' },
  { whenScaled: 'Delete', whenDeleted: 'Delete' },
];

describe('claimRetention', () => {
  for (const policy of POLICIES) {
    it(`holds for whenScaled ${policy.whenScaled}, whenDeleted ${policy.whenDeleted}`, () => {
      expect(judge(policy)).toMatchObject({ outcome: 'holds' });
    });
  }

  it('rejects Retain/Retain judged as Delete/Delete: claims kept, and no StatefulSet owner on the claim that stays', () => {
    const result = judge(POLICIES[3] as RetentionPolicy, POLICIES[0]);
    expect(kindsOf(result)).toEqual(['claim-kept-against-policy', 'claim-owner-mismatch']);
    expect(result.violations.find((violation) => violation.kind === 'claim-owner-mismatch')?.message).toMatch(
      /^claim data-web-0 had no ownerReferences at rv \d+: expected StatefulSet\/web as controller and none to a pod \(whenScaled Delete, whenDeleted Delete\)$/,
    );
  });

  it('rejects Delete/Delete judged as Retain/Retain: claims deleted, and a StatefulSet owner on the claim that stays', () => {
    expect(kindsOf(judge(POLICIES[0] as RetentionPolicy, POLICIES[3]))).toEqual([
      'claim-deleted-against-policy',
      'claim-owner-mismatch',
    ]);
  });

  it('expects a claim owned by another controller to stay, whatever the policy', () => {
    // Delete/Retain history where the scale-down took claim 2: judged as if another controller owned it.
    expect(kindsOf(judge(POLICIES[2] as RetentionPolicy, POLICIES[2], [2]))).toEqual(['claim-deleted-against-policy']);
  });

  it('rejects the claim of a scaled-away pod asked to go while the pod still exists', () => {
    const h = new SyntheticHistory().setSpec({ replicas: 2 });
    h.claim(claim(0)).bringUp(0).claim(claim(1)).bringUp(1);
    h.claim(claim(1), { deletionRequested: true })
      .setSpec({ replicas: 1 })
      .remove(1)
      .claim(claim(1), { deleted: true });
    const result = claimRetention(buildTimeline(h.recording(), 'web'), {
      window: WHOLE_TIMELINE,
      policy: { whenScaled: 'Delete', whenDeleted: 'Retain' },
      scaleDown: { from: 2, to: 1, doneRv: h.currentRv },
    });
    expect(kindsOf(result)).toEqual(['claim-deleted-before-pod']);
    expect(result.violations[0]?.message).toMatch(
      /^claim data-web-1 was asked to go at rv \d+ .* while web-1 \(uid uid-1-\d+\) still existed/,
    );
  });

  it('says no-observations for an ordinal whose claim was never seen', () => {
    const h = new SyntheticHistory().setSpec({ replicas: 1 }).bringUp(0);
    const result = claimRetention(buildTimeline(h.recording(), 'web'), {
      window: WHOLE_TIMELINE,
      policy: POLICIES[0] as RetentionPolicy,
      scaleDown: { from: 1, to: 1, doneRv: h.currentRv },
    });
    expect(kindsOf(result)).toEqual(['no-observations']);
  });
});
