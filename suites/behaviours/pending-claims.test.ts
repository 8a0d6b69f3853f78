/**
 * A claim deleted while its pod waits to be scheduled is made again, and the pod starts with it
 * (upstream e2e #28 "PVC should be recreated when pod is pending due to missing PVC"); a pod
 * whose claim is terminating is recreated only once that claim is gone, with a new one
 * (kubernetes/kubernetes#74374, fixed by #93457; R2). Upstream holds the pod back by cordoning
 * its node; here a scheduling gate holds only this pod, so the shared node stays untouched.
 */
import { podClaimsPresent } from '../../lib/invariants/pending-claims.js';
import { between } from '../../lib/observe/timeline.js';
import { describe, expect, test } from '../../lib/harness/scenario.js';
import { ClaimLookalikes } from '../../lib/workloads/claim-lookalikes.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

const HOLD_MS = 10_000;

describe('the claims of pending pods', () => {
  test('data-web-0 deleted while web-0 waits unscheduled is made again and web-0 starts with it; with data-web-0 terminating, a deleted web-0 comes back only once that claim is gone, with a new one', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Stable storage', docs: BEHAVIOUR_DOCS.storage });
    const web = await scenario.step('apply web with 1 replica whose pods wait behind a scheduling gate', () =>
      WebStatefulSet.deploy(scenario, { replicas: 1, heldBySchedulingGate: true }),
    );
    const first = await scenario.step('web-0 exists, unscheduled; the controller made data-web-0 for it', async () => {
      await web.waitPodCreated(0);
      const claims = await web.claimUids([0]);
      if (!claims.get(0)) throw new Error(`${web.claimName(0)} does not exist though web-0 does`);
      return claims;
    });
    const start = await scenario.checkpoint();
    await scenario.step('delete data-web-0: no scheduled pod uses it, so it goes at once', async () => {
      await web.deleteClaim(0);
      await web.waitClaimsGone(first);
    });
    await scenario.step('release web-0: it is scheduled once data-web-0 is made again, and becomes Ready', async () => {
      await web.releasePod(0);
      await web.waitPodReady(0);
    });
    const remade = await scenario.step('data-web-0 is a new claim', () => web.claimUids([0]));
    expect(remade.get(0), 'the claim of web-0 after the deletion').not.toBe(first.get(0));
    const recreated = await scenario.checkpoint();
    await scenario.expectHolds(podClaimsPresent(await scenario.timeline('web'), { window: between(start, recreated) }));

    await scenario.step('delete data-web-0 while web-0 uses it: it stays, terminating', async () => {
      await web.deleteClaim(0);
      await web.waitClaimTerminating(0);
    });
    await scenario.step(
      'delete web-0: it comes back once the old claim is gone; release it; it becomes Ready',
      async () => {
        const uid = await web.deletePod(0);
        await web.waitPodCreated(0, uid);
        await web.releasePod(0);
        await web.waitPodReady(0);
      },
    );
    await scenario.expectHolds(
      podClaimsPresent(await scenario.timeline('web'), { window: between(recreated, await scenario.checkpoint()) }),
    );
  });

  test('negative control: the same steps on pods and claims made by no StatefulSet leave web-0 without a claim (pending-pod-without-claim) and let web-1 be created on a terminating claim (pod-created-on-terminating-claim)', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Stable storage', docs: BEHAVIOUR_DOCS.storage, negativeControl: true });
    const lookalikes = await scenario.step(
      'apply data-web-0 and web-0 (behind a scheduling gate), data-web-1 used by claim-holder; no StatefulSet',
      () => ClaimLookalikes.deploy(scenario),
    );
    await scenario.step('claim-holder is Ready', () => lookalikes.waitHolderReady());
    const start = await scenario.checkpoint();
    await scenario.step('delete data-web-0 while web-0 waits unscheduled; it goes at once', async () => {
      const uid = await lookalikes.deleteClaim('data-web-0');
      await lookalikes.waitClaimGone('data-web-0', uid);
    });
    await scenario.step(`release web-0; no data-web-0 appears (${HOLD_MS / 1000}s)`, async () => {
      await lookalikes.release('web-0');
      await lookalikes.confirmClaimAbsentFor('data-web-0', HOLD_MS);
    });
    await scenario.step('delete data-web-1 while claim-holder uses it; apply web-1 on it', async () => {
      await lookalikes.deleteClaim('data-web-1');
      await lookalikes.waitClaimTerminating('data-web-1');
      await lookalikes.applyLatePod();
    });
    await scenario.expectViolated(
      podClaimsPresent(await scenario.timeline('web'), { window: between(start, await scenario.checkpoint()) }),
      ['pod-created-on-terminating-claim', 'pending-pod-without-claim'],
    );
  });
});
