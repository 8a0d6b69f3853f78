/**
 * "The StatefulSet controller will delete and recreate each Pod in the StatefulSet. It will
 * proceed in the same order as Pod termination (from the largest ordinal to the smallest),
 * updating each Pod one at a time. The Kubernetes control plane waits until an updated Pod is
 * Running and Ready prior to updating its predecessor." (StatefulSet docs, rolling updates)
 */
import { rollingUpdateOrder } from '../../lib/invariants/updates.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { GuideStatements } from '../../lib/harness/guide-statements.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from './docs.js';

const REPLICAS = 3;
const ORDINALS = [2, 1, 0];

/** What the users' guides say that this scenario decides (fixtures/claims/*.general.yaml). */
const GUIDES = {
  update: [
    'complete-guide/created-updated-deleted-in-sequence',
    'complete-guide/edit-updates-reverse',
    'complete-guide/updates-highest-first',
    'complete-guide/updates-reverse',
    'day-11/rolling-update-default',
    'day-11/takeaway-update-reverse',
    'master-stateful-applications/lifecycle-update-scale-sequentially',
  ],
};

describe('rolling update', () => {
  test('a template change replaces web-2, web-1, web-0 in that order, each once every higher ordinal is updated and Ready', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Rolling update', docs: DOCS.rollingUpdates });
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    const web = await scenario.step(`apply web with ${REPLICAS} replicas`, () =>
      WebStatefulSet.deploy(scenario, { replicas: REPLICAS }),
    );
    const initial = await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS));
    const start = await scenario.checkpoint();
    await scenario.step('change the pod template', () => web.changeTemplate('v2'));
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      web.waitNewUpdateRevision(initial.status?.currentRevision as string),
    );
    const order = scenario.declare('rolling update order', 'web', (timeline) =>
      rollingUpdateOrder(timeline, { window: start, ordinals: ORDINALS, updateRevision, contract }),
    );
    await scenario.step('the rollout completes', () => web.waitRolloutComplete());
    const guides = new GuideStatements(scenario, GUIDES);
    await guides.expectHolds(order, 'update');
    await guides.decide({
      update:
        'with no updateStrategy in the manifest (the default), a template change replaced web-2, web-1, web-0 in that order, each once every higher ordinal was at the new revision, Running and Ready',
    });
  });

  test('negative control: with OnDelete and pods deleted lowest first, the same check reports updated-out-of-order and (with MaxUnavailableStatefulSet off) updated-before-higher-available', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Rolling update', docs: DOCS.rollingUpdates, negativeControl: true });
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    const web = await scenario.step(`apply web with ${REPLICAS} replicas and updateStrategy OnDelete`, () =>
      WebStatefulSet.deploy(scenario, { replicas: REPLICAS, updateStrategy: 'OnDelete' }),
    );
    const initial = await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS));
    const start = await scenario.checkpoint();
    await scenario.step('change the pod template', () => web.changeTemplate('v2'));
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      web.waitNewUpdateRevision(initial.status?.currentRevision as string),
    );
    // With the MaxUnavailableStatefulSet gate on, updateStatefulSetAfterInvariantEstablished bounds
    // the unavailable replicas instead of waiting for every higher ordinal: one pod deleted at a
    // time with the others healthy breaks only the order.
    const gateOn = scenario.contract.maxUnavailableStatefulSet;
    const kinds = gateOn
      ? (['updated-out-of-order'] as const)
      : (['updated-out-of-order', 'updated-before-higher-available'] as const);
    if (gateOn)
      await scenario.note('expectation adjusted: MaxUnavailableStatefulSet is on', {
        expected: kinds.join(', '),
        why: 'with the gate, a deletion needs fewer than maxUnavailable other replicas unavailable, not every higher ordinal updated; the order is still judged',
      });
    const order = scenario.declare(
      'rolling update order',
      'web',
      (timeline) => rollingUpdateOrder(timeline, { window: start, ordinals: ORDINALS, updateRevision, contract }),
      { expects: kinds },
    );
    for (const ordinal of [...ORDINALS].reverse()) {
      await scenario.step(`delete web-${ordinal}; it comes back at the new revision and Ready`, async () => {
        const uid = await web.deletePod(ordinal);
        await web.waitPodGone(ordinal, uid);
        await web.waitPodReady(ordinal);
      });
    }
    // OnDelete never completes a rollout in the status (completeRollingUpdate is for RollingUpdate only).
    await scenario.step('every pod runs the new revision and is Ready', () => web.waitPartitionRolledOut(0));
    await scenario.expectViolated(order, kinds);
  });
});
