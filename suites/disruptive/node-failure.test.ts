/**
 * At most one pod per identity when a node is lost (R3, G19): "StatefulSet ... will never create
 * a new Pod with the same identity until the old one is confirmed terminated"; a pod on an
 * unreachable node stays terminating; force-deleting it is the documented remedy and lets the
 * controller make it again, on another node "where storage allows". With kind's local-path
 * storage the claim's volume lives on the lost node, so the new pod waits for that node: the
 * scenario reports it and checks that the pod gets its own claim and data back once the node
 * returns.
 *
 * A whole-cluster scenario: it stops a worker node, so it is disruptive (suites/disruptive/): it
 * runs only when named, after the other scenarios and alone, on a kind cluster of the suite's own
 * with two workers (`npm run e2e -- node-failure --workers 2`, or on a cluster made with
 * `npm run cluster:up -- --cluster-name sts-nodes --workers 2`: `npm run e2e -- node-failure
 * --cluster-name sts-nodes`); with fewer workers it is not applicable.
 */
import { randomBytes } from 'node:crypto';
import { noReplacementWhileUnconfirmed } from '../../lib/invariants/node-failure.js';
import { storageReattached } from '../../lib/invariants/storage.js';
import { between } from '../../lib/observe/timeline.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { NodeOutage } from '../../lib/workloads/node-outage.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from '../behaviours/docs.js';

const HOLD_MS = 30_000;
const WHOLE_CLUSTER = {
  workers: { count: 2, why: 'stopping the worker that runs web-1 while the rest of the cluster keeps running' },
} as const;

describe('node failure (whole-cluster)', () => {
  test(`with web-1's node stopped, web-1 stays terminating and no second web-1 appears (${HOLD_MS / 1000}s); force-deleted, it is made again and waits for its volume's node; back, the node gives it its claim and data`, async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Node failure', docs: BEHAVIOUR_DOCS.forceDelete });
    await scenario.requires(WHOLE_CLUSTER);
    const web = await scenario.step('apply web with 3 replicas', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3 }),
    );
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));
    await scenario.step('write a unique marker into web-1', () =>
      web.writeMarker(1, `web-1-${randomBytes(6).toString('hex')}`),
    );
    const before = await scenario.step('note web-1: pod UID, claim, volume, marker', () => web.storageIdentity(1));
    const outage = new NodeOutage(scenario, await web.podNode(1));
    try {
      const start = await scenario.checkpoint();
      await scenario.step(`stop ${outage.node}, the node of web-1 (its container, at once)`, async () => {
        await outage.cut();
        await outage.waitNotReady();
      });
      await scenario.step('delete web-1 (gracefully, as a person or an eviction would)', () => web.deletePod(1));
      await scenario.step(`web-1 stays terminating, and no other web-1 appears (${HOLD_MS / 1000}s)`, () =>
        web.confirmPodStaysTerminatingFor(1, before.podUid, HOLD_MS),
      );
      await scenario.expectHolds(
        noReplacementWhileUnconfirmed(await scenario.timeline('web'), {
          window: between(start, await scenario.checkpoint()),
          ordinal: 1,
          podUid: before.podUid,
        }),
      );
      const unschedulable = await scenario.step('force-delete web-1: the controller makes it again', async () => {
        await web.forceDeletePod(1);
        await web.waitPodCreated(1, before.podUid);
        return web.waitPodUnschedulable(1);
      });
      await scenario.note('what local-path storage cannot do', {
        'new web-1': unschedulable,
        why: `its claim ${before.claim?.name} is bound to a local-path volume on ${before.claim?.volume?.node ?? outage.node}, so it can only run there; a network-attached provisioner would let it run on the other worker`,
      });
      await scenario.step(`start ${outage.node} again: web-1 runs there`, async () => {
        await outage.restore();
        await web.waitPodReady(1);
      });
    } finally {
      await outage.restore();
    }
    await scenario.expectHolds(
      storageReattached(before, await scenario.step('read web-1 again', () => web.storageIdentity(1))),
    );
  });

  test('negative control: with every node up, a deleted web-1 is gone and made again at once (replaced-while-unconfirmed)', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Node failure', docs: BEHAVIOUR_DOCS.forceDelete, negativeControl: true });
    await scenario.requires(WHOLE_CLUSTER);
    const web = await scenario.step('apply web with 3 replicas', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3 }),
    );
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));
    const start = await scenario.checkpoint();
    const uid = await scenario.step('delete web-1 (gracefully); it comes back', async () => {
      const deleted = await web.deletePod(1);
      await web.waitPodGone(1, deleted);
      await web.waitPodReady(1);
      return deleted;
    });
    await scenario.expectViolated(
      noReplacementWhileUnconfirmed(await scenario.timeline('web'), {
        window: between(start, await scenario.checkpoint()),
        ordinal: 1,
        podUid: uid,
      }),
      ['replaced-while-unconfirmed'],
    );
  });
});
