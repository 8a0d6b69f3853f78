/**
 * ".spec.minReadySeconds is an optional field that specifies the minimum number of seconds for
 * which a newly created Pod should be running and ready without any of its containers crashing,
 * for it to be considered available. This is used to check progression of a rollout when using
 * a Rolling Update strategy." Upstream e2e #20, #21; documented G12 (the rollout waits for it).
 */
import { availabilityHonoursMinReady } from '../../lib/invariants/availability.js';
import { orderedCreation } from '../../lib/invariants/ordering.js';
import { rollingUpdateOrder } from '../../lib/invariants/updates.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

const REPLICAS = 3;
const MIN_READY = 10;

describe('minReadySeconds and availability', () => {
  test(`with minReadySeconds ${MIN_READY} a pod counts as available ${MIN_READY}s after it is Ready, creation and the rolling update wait for it, and minReadySeconds 3600 takes availability away until it is 0 again`, async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'minReadySeconds', docs: BEHAVIOUR_DOCS.minReadySeconds });
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    const window = await scenario.checkpoint();
    const availability = scenario.declare('availability honours minReadySeconds', 'web', (timeline) =>
      availabilityHonoursMinReady(timeline, { window }),
    );
    const ordered = scenario.declare('ordered creation', 'web', (timeline) =>
      orderedCreation(timeline, { window, ordinals: [0, 1, 2] }),
    );
    const web = await scenario.step(`apply web with ${REPLICAS} replicas and minReadySeconds ${MIN_READY}`, () =>
      WebStatefulSet.deploy(scenario, { replicas: REPLICAS, minReadySeconds: MIN_READY }),
    );
    const initial = await scenario.step(`web has ${REPLICAS} available replicas`, async () => {
      await web.waitReady(REPLICAS);
      return web.waitAvailable(REPLICAS);
    });
    const start = await scenario.checkpoint();
    await scenario.step('change the pod template', () => web.changeTemplate('min-ready-v2'));
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      web.waitNewUpdateRevision(initial.status?.currentRevision as string),
    );
    const order = scenario.declare('rolling update order', 'web', (timeline) =>
      rollingUpdateOrder(timeline, { window: start, ordinals: [2, 1, 0], updateRevision, contract }),
    );
    await scenario.step('the rollout completes and every pod is available again', async () => {
      await web.waitRolloutComplete();
      await web.waitAvailable(REPLICAS);
    });
    await scenario.step('minReadySeconds 3600: the controller reports 0 available', async () => {
      await web.setMinReadySeconds(3600);
      await web.waitAvailable(0);
    });
    await scenario.step(`minReadySeconds 0: the controller reports ${REPLICAS} available`, async () => {
      await web.setMinReadySeconds(0);
      await web.waitAvailable(REPLICAS);
    });
    await scenario.expectHolds(availability);
    await scenario.expectHolds(ordered);
    await scenario.expectHolds(order);
  });

  test(`negative control: without minReadySeconds, judged as if it were ${MIN_READY}, pods count as available at once (available-too-early) and successors come before it (created-before-predecessors-ready)`, async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'minReadySeconds', docs: BEHAVIOUR_DOCS.minReadySeconds, negativeControl: true });
    const window = await scenario.checkpoint();
    const web = await scenario.step(`apply web with ${REPLICAS} replicas and no minReadySeconds`, () =>
      WebStatefulSet.deploy(scenario, { replicas: REPLICAS }),
    );
    await scenario.step(`web has ${REPLICAS} available replicas`, () => web.waitAvailable(REPLICAS));
    const timeline = await scenario.timeline('web');
    await scenario.expectViolated(availabilityHonoursMinReady(timeline, { window, minReadySeconds: MIN_READY }), [
      'available-too-early',
    ]);
    await scenario.expectViolated(
      orderedCreation(timeline, { window, ordinals: [0, 1, 2], minReadySeconds: MIN_READY }),
      ['created-before-predecessors-ready'],
    );
  });
});
