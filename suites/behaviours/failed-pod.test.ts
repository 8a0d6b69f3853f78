/**
 * A pod of the set that fails (rejected or evicted by the kubelet: phase Failed) is deleted and
 * made again, with a new UID, until one runs (upstream e2e #13 "Should recreate evicted
 * statefulset"). As upstream does, the failure is a host port conflict on the pod's node: the pod
 * names its node itself, so the kubelet's admission, not the scheduler, turns it away.
 */
import { failedPodsReplaced } from '../../lib/invariants/strategies.js';
import { between } from '../../lib/observe/timeline.js';
import { describe, expect, test } from '../../lib/harness/scenario.js';
import { HELD_PORT, PortHolder } from '../../lib/workloads/port-holder.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

describe('failed pods', () => {
  test(`web-0, rejected by the kubelet (host port ${HELD_PORT} taken), is deleted and made again until it runs, with a new UID, once the port is free`, async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Failed pods', docs: BEHAVIOUR_DOCS.guarantees });
    const holder = await scenario.step(`apply port-holder, which holds host port ${HELD_PORT}`, () =>
      PortHolder.deploy(scenario),
    );
    const node = await scenario.step('port-holder is Ready', () => holder.waitReady());
    const start = await scenario.checkpoint();
    const web = await scenario.step(
      `apply web with 1 replica sent to ${node} with host port ${HELD_PORT} (emptyDir: no claim to bind past the scheduler)`,
      () => WebStatefulSet.deploy(scenario, { replicas: 1, hostPort: HELD_PORT, nodeName: node, storage: 'emptyDir' }),
    );
    const failedUid = await scenario.step('web-0 fails, and is made again', async () => {
      const failed = await web.waitPodFailed(0);
      await web.waitPodCreated(0, failed.metadata?.uid);
      return failed.metadata?.uid ?? '';
    });
    const running = await scenario.step('remove port-holder: web-0 runs and becomes Ready', async () => {
      await holder.remove();
      return web.waitPodReady(0);
    });
    expect(running.metadata?.uid, 'the UID of the web-0 that runs').not.toBe(failedUid);
    await scenario.expectHolds(
      failedPodsReplaced(await scenario.timeline('web'), { window: between(start, await scenario.checkpoint()) }),
    );
  });

  test('negative control: a bare pod web-0 rejected the same way stays Failed (failed-pod-kept)', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Failed pods', docs: BEHAVIOUR_DOCS.guarantees, negativeControl: true });
    const holder = await scenario.step(`apply port-holder, which holds host port ${HELD_PORT}`, () =>
      PortHolder.deploy(scenario),
    );
    const node = await scenario.step('port-holder is Ready', () => holder.waitReady());
    const start = await scenario.checkpoint();
    await scenario.step(`apply a bare pod web-0 sent to ${node} with host port ${HELD_PORT}; it fails`, () =>
      holder.applyFailingLookalike(node),
    );
    await scenario.expectViolated(
      failedPodsReplaced(await scenario.timeline('web'), { window: between(start, await scenario.checkpoint()) }),
      ['failed-pod-kept'],
    );
  });
});
