/**
 * "If web-0 should fail, after web-1 is Running and Ready, but before web-2 is launched, web-2
 * will not be launched until web-0 is successfully relaunched and becomes Running and Ready"
 * (OrderedReady; the same holds for scaling down). "Parallel pod management tells the
 * StatefulSet controller to launch or terminate all Pods in parallel, and to not wait for Pods
 * to become Running and Ready or completely terminated prior to launching or terminating another
 * Pod. This option only affects the behavior for scaling operations. Updates are not affected."
 * Upstream e2e #11 (halt), #3 (a failing predecessor does not deadlock the set), #12 (burst
 * scaling); documented G5, G14.
 */
import { haltsWhileUnhealthy } from '../../lib/invariants/halting.js';
import { orderedCreation, reverseTermination } from '../../lib/invariants/ordering.js';
import { recreatedAt } from '../../lib/invariants/strategies.js';
import { rollingUpdateOrder } from '../../lib/invariants/updates.js';
import { between } from '../../lib/observe/timeline.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

/** How long the set must stay put once the controller has seen the unready pod and the new spec. */
const HOLD_MS = 10_000;

describe('halting on an unhealthy pod (OrderedReady) and Parallel pod management', () => {
  test('with web-0 not Ready scale-up halts, with web-1 not Ready scale-down halts, once the controller has seen it; both resume when the pod is Ready again', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Halting on unhealthy pods', docs: BEHAVIOUR_DOCS.orderedReady });
    const window = await scenario.checkpoint();
    const halting = scenario.declare('halts while a pod is unhealthy', 'web', (timeline) =>
      haltsWhileUnhealthy(timeline, { window }),
    );
    const ordered = scenario.declare('ordered creation', 'web', (timeline) =>
      orderedCreation(timeline, { window, ordinals: [0, 1, 2, 3] }),
    );
    const web = await scenario.step('apply web with 2 replicas', () =>
      WebStatefulSet.deploy(scenario, { replicas: 2 }),
    );
    await scenario.step('web has 2 Ready replicas', () => web.waitReady(2));

    await scenario.step('web-0 turns not Ready; the controller reports 1 of 2 Ready', async () => {
      await web.markNotReady(0);
      await web.waitControllerReports({ replicas: 2, readyReplicas: 1 });
    });
    await scenario.step('scale web to 4; the controller has observed it', async () => {
      await web.scaleTo(4);
      await web.waitObserved();
    });
    await scenario.step(`web-2 is not created while web-0 is not Ready (${HOLD_MS / 1000}s)`, () =>
      web.confirmPodAbsentFor(2, HOLD_MS),
    );
    await scenario.step('web-0 is Ready again; web-2 and web-3 follow', async () => {
      await web.markReady(0);
      await web.waitReady(4);
    });

    const scaleDown = await scenario.checkpoint();
    await scenario.step('web-1 turns not Ready; the controller reports 3 of 4 Ready', async () => {
      await web.markNotReady(1);
      await web.waitControllerReports({ replicas: 4, readyReplicas: 3 });
    });
    await scenario.step('scale web to 2; the controller has observed it', async () => {
      await web.scaleTo(2);
      await web.waitObserved();
    });
    await scenario.step(`web-3 is not asked to go while web-1 is not Ready (${HOLD_MS / 1000}s)`, () =>
      web.confirmPodStaysFor(3, HOLD_MS),
    );
    await scenario.step('web-1 is Ready again; web-3 then web-2 go', async () => {
      await web.markReady(1);
      await web.waitPodGone(3);
      await web.waitPodGone(2);
      await web.waitReady(2);
    });

    await scenario.expectHolds(halting);
    await scenario.expectHolds(ordered);
    await scenario.expectHolds(
      reverseTermination(await scenario.timeline('web'), { window: scaleDown, from: 4, to: 2 }),
    );
  });

  test('a deleted web-0 is recreated while its successor web-1 is not Ready: a failing predecessor does not deadlock the set', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Halting on unhealthy pods', docs: BEHAVIOUR_DOCS.orderedReady });
    const web = await scenario.step('apply web: 2 replicas whose pods start not Ready', () =>
      WebStatefulSet.deploy(scenario, { replicas: 2, startReady: false }),
    );
    await scenario.step('web-0 runs; release it', async () => {
      await web.waitPodRunningNotReady(0);
      await web.markReady(0);
    });
    await scenario.step('web-1 runs; hold it not Ready; the controller reports 1 of 2 Ready', async () => {
      await web.waitPodRunningNotReady(1);
      await web.waitControllerReports({ replicas: 2, readyReplicas: 1 });
    });
    const revision = (await web.statefulSet()).status?.currentRevision as string;
    const window = await scenario.checkpoint();
    const halting = scenario.declare('halts while a pod is unhealthy', 'web', (timeline) =>
      haltsWhileUnhealthy(timeline, { window }),
    );
    const uid = await scenario.step('delete web-0 while web-1 is held', async () => {
      const deleted = await web.deletePod(0);
      await web.waitPodGone(0, deleted);
      return deleted;
    });
    await scenario.step('web-0 is recreated; release it, then web-1', async () => {
      await web.waitPodRunningNotReady(0);
      await web.markReady(0);
      await web.markReady(1);
      await web.waitReady(2);
    });
    await scenario.expectHolds(
      recreatedAt(await scenario.timeline('web'), {
        window,
        deletedByScenario: [uid],
        revision,
        because: 'processReplica creates a missing replica before it looks at the health of the ones above',
      }),
    );
    await scenario.expectHolds(halting);
  });

  test('negative control: Parallel creates web-2 and web-3 and deletes them again while web-0 is not Ready (created-while-known-unready, deleted-while-known-unready), and still updates one pod at a time', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Parallel pod management', docs: BEHAVIOUR_DOCS.parallel, negativeControl: true });
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    const web = await scenario.step('apply web with 2 replicas, podManagementPolicy Parallel', () =>
      WebStatefulSet.deploy(scenario, { replicas: 2, podManagementPolicy: 'Parallel' }),
    );
    await scenario.step('web has 2 Ready replicas', () => web.waitReady(2));
    await scenario.step('web-0 turns not Ready; the controller reports 1 of 2 Ready', async () => {
      await web.markNotReady(0);
      await web.waitControllerReports({ replicas: 2, readyReplicas: 1 });
    });
    const window = await scenario.checkpoint();
    const kinds = ['created-while-known-unready', 'deleted-while-known-unready'] as const;
    const halting = scenario.declare(
      'halts while a pod is unhealthy',
      'web',
      (timeline) => haltsWhileUnhealthy(timeline, { window }),
      { expects: kinds },
    );
    await scenario.step('scale web to 4: web-2 and web-3 come up though web-0 is not Ready', async () => {
      await web.scaleTo(4);
      await web.waitControllerReports({ replicas: 4, readyReplicas: 3 });
    });
    await scenario.step('scale web to 2: web-3 and web-2 go though web-0 is not Ready', async () => {
      await web.scaleTo(2);
      await web.waitPodGone(3);
      await web.waitPodGone(2);
    });
    await scenario.step('web-0 is Ready again', async () => {
      await web.markReady(0);
      await web.waitReady(2);
    });
    const scaled = await scenario.checkpoint();
    await scenario.expectViolated(halting, kinds);

    const initial = await web.statefulSet();
    await scenario.step('change the pod template', () => web.changeTemplate('parallel-v2'));
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      web.waitNewUpdateRevision(initial.status?.currentRevision as string),
    );
    await scenario.step('the rollout completes', () => web.waitRolloutComplete());
    const done = await scenario.checkpoint();
    // Parallel changes scaling only: updates still go one pod at a time, highest first.
    await scenario.expectHolds(
      rollingUpdateOrder(await scenario.timeline('web'), {
        window: between(scaled, done),
        ordinals: [1, 0],
        updateRevision,
        contract,
      }),
    );
  });
});
