import { describe, expect, it } from 'vitest';
import { storageReattached, type StorageIdentity, type VolumeIdentity } from './storage.js';
import { assertViolatedWith, kindsOf } from './verdict.js';

/** web-1 on kind with local-path: a hostPath PersistentVolume pinned to one node. */
const volume: VolumeIdentity = {
  name: 'pvc-5f1c',
  uid: 'vvvv1111-0000',
  location: '/var/local-path-provisioner/pvc-5f1c_ns_data-web-1',
  node: 'sts-dev-worker',
};
const before: StorageIdentity = {
  pod: 'web-1',
  podUid: 'aaaa1111-0000',
  claim: { name: 'data-web-1', uid: 'cccc1111-0000', volume },
  marker: 'web-1-8f3a',
};
/** The same ordinal after its pod was deleted and recreated, conforming. */
const after: StorageIdentity = { ...before, podUid: 'bbbb2222-0000' };
const withVolume = (change: Partial<VolumeIdentity>): StorageIdentity => ({
  ...after,
  claim: { ...before.claim!, volume: { ...volume, ...change } },
});

describe('storageReattached', () => {
  it('holds when the new pod mounts the same claim, bound to the same volume, and reads the marker', () => {
    const result = storageReattached(before, after);
    expect(result).toMatchObject({ outcome: 'holds', holds: true, violations: [] });
    expect(result.checked).toBe(
      'web-1: pod uid aaaa1111 -> bbbb2222; claim data-web-1 (uid cccc1111) before and after; ' +
        'PersistentVolume pvc-5f1c (uid vvvv1111, sts-dev-worker:/var/local-path-provisioner/pvc-5f1c_ns_data-web-1) before and after; ' +
        'marker "web-1-8f3a" before and after',
    );
  });

  it('reports data-lost when the marker is gone or different; an emptyDir pod adds only the absent claim', () => {
    const lost = storageReattached(before, { ...after, marker: undefined });
    expect(kindsOf(lost)).toEqual(['data-lost']);
    expect(lost.violations[0]?.message).toMatch(/reads null .*expected "web-1-8f3a"/);
    expect(storageReattached(before, { ...after, marker: 'other' }).violations).toMatchObject([{ kind: 'data-lost' }]);

    // The emptyDir negative control: no claim on either side is nothing to compare (an absence),
    // so what makes the control pass is the data-lost it pins.
    const emptyDir = storageReattached(
      { ...before, claim: undefined },
      { ...after, claim: undefined, marker: undefined },
    );
    expect(emptyDir.outcome).toBe('violated');
    expect(kindsOf(emptyDir).sort()).toEqual(['data-lost', 'no-observations']);
    expect(() => assertViolatedWith(emptyDir, ['data-lost'], 'web')).not.toThrow();
  });

  it('reports claim-changed for a claim of another UID, another name, or a claim on one side only', () => {
    const recreated = storageReattached(before, { ...after, claim: { ...before.claim!, uid: 'cccc2222-0000' } });
    expect(kindsOf(recreated)).toEqual(['claim-changed']);
    expect(recreated.violations[0]?.message).toMatch(/uid cccc2222.*expected .*uid cccc1111/);
    expect(kindsOf(storageReattached(before, { ...after, claim: { ...before.claim!, name: 'data-web-9' } }))).toEqual([
      'claim-changed',
    ]);
    expect(kindsOf(storageReattached(before, { ...after, claim: undefined }))).toEqual(['claim-changed']);
    expect(kindsOf(storageReattached({ ...before, claim: undefined }, after))).toEqual(['claim-changed']);
  });

  it('reports volume-changed for a PersistentVolume of another UID, node or path, even under the same name', () => {
    for (const change of [{ uid: 'vvvv2222-0000' }, { node: 'sts-dev-worker2' }, { location: '/elsewhere' }]) {
      const result = storageReattached(before, withVolume(change));
      expect(kindsOf(result), JSON.stringify(change)).toEqual(['volume-changed']);
      expect(result.violations[0]?.message).toMatch(/PersistentVolume pvc-5f1c .*expected PersistentVolume pvc-5f1c/);
    }
  });

  it('reports what scaling away with whenScaled Delete does: new claim, new volume, no data', () => {
    const fresh = storageReattached(before, {
      ...after,
      claim: {
        name: 'data-web-1',
        uid: 'cccc3333-0000',
        volume: { ...volume, name: 'pvc-77aa', uid: 'vvvv3333-0000', location: '/var/local-path-provisioner/pvc-77aa' },
      },
      marker: undefined,
    });
    expect(fresh.outcome).toBe('violated');
    expect(kindsOf(fresh).sort()).toEqual(['claim-changed', 'data-lost', 'volume-changed']);
  });

  it('never counts unbound claims as the same volume: no-observations, so it does not hold', () => {
    const unbound: StorageIdentity['claim'] = { name: 'data-web-1', uid: 'cccc1111-0000' };
    const both = storageReattached({ ...before, claim: unbound }, { ...after, claim: unbound });
    expect(both).toMatchObject({ outcome: 'violated', holds: false });
    expect(kindsOf(both)).toEqual(['no-observations']);
    expect(both.violations[0]?.message).toMatch(/not bound to a volume before or after/);
    expect(kindsOf(storageReattached(before, { ...after, claim: unbound }))).toEqual(['no-observations']);
    // An absence can never be what a negative control pins.
    expect(() => assertViolatedWith(both, ['no-observations'], 'web')).toThrow(/absence kind/);
    expect(() => assertViolatedWith(both, ['volume-changed'], 'web')).toThrow(/must report volume-changed/);
  });

  it('reports never-recreated when the pod has the same UID, and no-observations without a marker before', () => {
    const same = storageReattached(before, before);
    expect(same.holds).toBe(false);
    expect(kindsOf(same)).toEqual(['never-recreated']);
    expect(kindsOf(storageReattached({ ...before, marker: undefined }, { ...after, marker: undefined }))).toEqual([
      'no-observations',
    ]);
  });
});
