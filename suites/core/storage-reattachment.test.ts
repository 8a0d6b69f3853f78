/**
 * "The PersistentVolumes associated with the Pods' PersistentVolume Claims are not deleted when
 * the Pods, or StatefulSet are deleted." "When a Pod is (re)scheduled onto a node, its
 * volumeMounts mount the PersistentVolumes associated with its PersistentVolume Claims."
 */
import { randomBytes } from 'node:crypto';
import { storageReattached, type StorageIdentity } from '../../lib/invariants/storage.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from './docs.js';

const ORDINALS = [0, 1, 2];
const uniqueMarker = (pod: string) => `${pod}-${randomBytes(6).toString('hex')}`;

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
    await scenario.expectHolds(
      storageReattached(before, await scenario.step('read web-1 again', () => web.storageIdentity(1))),
    );

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
      await scenario.expectHolds(storageReattached(beforeRestart.get(ordinal) as StorageIdentity, after));
    }
  });

  test('negative control: with an emptyDir instead of a claim, the same check reports violations', async ({
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
});
