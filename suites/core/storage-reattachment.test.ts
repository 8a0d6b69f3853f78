/**
 * "The PersistentVolumes associated with the Pods' PersistentVolume Claims are not deleted when
 * the Pods, or StatefulSet are deleted." "When a Pod is (re)scheduled onto a node, its
 * volumeMounts mount the PersistentVolumes associated with its PersistentVolume Claims."
 * Each path has its negative control: a pod deleted (emptyDir instead of a claim) and a scale
 * to 0 and back (whenScaled: Delete, so the claims of the scaled-away ordinals go).
 */
import { randomBytes } from 'node:crypto';
import { storageReattached, type StorageIdentity } from '../../lib/invariants/storage.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { GuideStatements, placement } from '../../lib/harness/guide-statements.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from './docs.js';

const ORDINALS = [0, 1, 2];
const uniqueMarker = (pod: string) => `${pod}-${randomBytes(6).toString('hex')}`;

/** What the users' guides say that this scenario decides (fixtures/claims/*.general.yaml). */
const GUIDES = {
  /** A deleted pod comes back to its own claim, volume and data. */
  podDeleted: ['complete-guide/restart-same-data', 'complete-guide/own-volume-survives-deletion'],
  /** Scaled to 0 and back, every ordinal gets its own claim, volume and data back. */
  scaledBack: [],
  /** Both: each pod's own storage, across every way this scenario replaced its pods. */
  /** Storage that also survives "cluster maintenance": no node is drained or upgraded here. */
  maintenance: ['complete-guide/dedicated-storage-survives'],
  ownStorage: ['statefulsets-overview/table-storage-per-pod'],
};

describe('stable storage', () => {
  test('web-1 gets its own claim, volume and data back after it is deleted, and every ordinal after scaling to 0 and back to 3', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Stable storage', docs: DOCS.storage });
    const web = await scenario.step('apply web with 3 replicas, one claim each', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3 }),
    );
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));

    await scenario.step('write a unique marker into the volume of every pod', async () => {
      for (const ordinal of ORDINALS) await web.writeMarker(ordinal, uniqueMarker(web.podName(ordinal)));
    });
    const before = await scenario.step('note web-1: pod UID, claim, volume, marker', () => web.storageIdentity(1));
    await scenario.step('delete web-1 and wait for its replacement to be Ready', async () => {
      await web.deletePod(1);
      await web.waitPodGone(1, before.podUid);
      await web.waitPodReady(1);
    });
    const guides = new GuideStatements(scenario, GUIDES);
    await guides.expectHolds(
      storageReattached(before, await scenario.step('read web-1 again', () => web.storageIdentity(1))),
      'podDeleted',
      'ownStorage',
      'maintenance',
    );
    const web1 = placement(await scenario.timeline('web'), 'web-1').note;
    await guides.decide({
      podDeleted: `deleted, web-1 came back with the same claim, bound to the same volume, and read the marker written before (${web1})`,
    });

    const beforeRestart = new Map<number, StorageIdentity>();
    await scenario.step('note every ordinal', async () => {
      for (const ordinal of ORDINALS) beforeRestart.set(ordinal, await web.storageIdentity(ordinal));
    });
    await scenario.step('scale web to 0 and wait until every pod is gone', async () => {
      await web.scaleTo(0);
      await web.waitReady(0);
      for (const ordinal of ORDINALS) await web.waitPodGone(ordinal);
    });
    await scenario.step('scale web back to 3', async () => {
      await web.scaleTo(3);
      await web.waitReady(3);
    });
    for (const ordinal of ORDINALS) {
      const after = await scenario.step(`read ${web.podName(ordinal)} again`, () => web.storageIdentity(ordinal));
      await guides.expectHolds(
        storageReattached(beforeRestart.get(ordinal) as StorageIdentity, after),
        'scaledBack',
        'ownStorage',
        'maintenance',
      );
    }
    await guides.decide({
      scaledBack:
        'scaled to 0 (every pod gone) and back to 3, web-0, web-1 and web-2 came back with their own claims, the same volumes and the markers written before',
      ownStorage: `each pod had a claim of its own that came back with its volume and data when the pod was deleted and when the set was scaled to 0 and back (${web1})`,
    });
    await guides.notRunHere('maintenance', {
      observed: `web-1's claim, volume and data survived its deletion, and every pod's a scale to 0 and back (${web1})`,
      qualifier:
        'no node is drained, restarted or upgraded in this scenario: the "cluster maintenance" part is not exercised',
    });
  });

  test('negative control: with an emptyDir instead of a claim, the same check reports data-lost', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Stable storage', docs: DOCS.storage, negativeControl: true });
    const web = await scenario.step('apply web with 3 replicas and an emptyDir instead of the claim template', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3, storage: 'emptyDir' }),
    );
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));
    await scenario.step('write a unique marker into web-1', () => web.writeMarker(1, uniqueMarker('web-1')));
    const before = await scenario.step('note web-1', () => web.storageIdentity(1));
    await scenario.step('delete web-1 and wait for its replacement to be Ready', async () => {
      await web.deletePod(1);
      await web.waitPodGone(1, before.podUid);
      await web.waitPodReady(1);
    });
    await scenario.expectViolated(
      storageReattached(before, await scenario.step('read web-1 again', () => web.storageIdentity(1))),
      ['data-lost'],
    );
  });

  test('negative control: with whenScaled Delete, scaling to 0 and back to 3 gives every ordinal a new claim, a new volume and none of its data', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Stable storage', docs: DOCS.claimRetention, negativeControl: true });
    const web = await scenario.step(
      'apply web with 3 replicas, one claim each, persistentVolumeClaimRetentionPolicy whenScaled Delete',
      () =>
        WebStatefulSet.deploy(scenario, {
          replicas: 3,
          claimRetention: { whenScaled: 'Delete', whenDeleted: 'Retain' },
        }),
    );
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));
    await scenario.step('write a unique marker into the volume of every pod', async () => {
      for (const ordinal of ORDINALS) await web.writeMarker(ordinal, uniqueMarker(web.podName(ordinal)));
    });
    const beforeRestart = new Map<number, StorageIdentity>();
    await scenario.step('note every ordinal: pod UID, claim, volume, marker', async () => {
      for (const ordinal of ORDINALS) beforeRestart.set(ordinal, await web.storageIdentity(ordinal));
    });
    await scenario.step('scale web to 0 and wait until every pod and the claim it mounted are gone', async () => {
      await web.scaleTo(0);
      await web.waitReady(0);
      await web.waitPodsAndClaimsGone([...beforeRestart.values()]);
    });
    // local-path volumes have reclaimPolicy Delete: the provisioner removes the data, then the
    // PersistentVolume. Waiting for that here is what makes the pinned kinds certain, and proves
    // the scenario leaves no volume behind in the cluster.
    await scenario.step('the volumes of the deleted claims are reclaimed and gone', () =>
      web.waitVolumesReclaimed([...beforeRestart.values()]),
    );
    await scenario.step('scale web back to 3', async () => {
      await web.scaleTo(3);
      await web.waitReady(3);
    });
    for (const ordinal of ORDINALS) {
      const after = await scenario.step(`read ${web.podName(ordinal)} again`, () => web.storageIdentity(ordinal));
      // Each kind is certain by construction, not by chance: the old claim was seen deleted, so
      // the controller had to make a new one (new UID: claim-changed); its PersistentVolume was
      // seen gone, so the new claim is bound to another object (UIDs are never reused:
      // volume-changed); and a freshly provisioned volume is empty, which local-path makes sure
      // of with a new directory named after the new volume (data-lost).
      await scenario.expectViolated(storageReattached(beforeRestart.get(ordinal) as StorageIdentity, after), [
        'claim-changed',
        'volume-changed',
        'data-lost',
      ]);
    }
  });
});
