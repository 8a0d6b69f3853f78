/**
 * Rolling back is applying the earlier template again: the controller finds the equal
 * ControllerRevision and reuses it, and rolls the pods back like any update, highest ordinal
 * first (upstream e2e #5; rapid flapping between templates, kubernetes/kubernetes#78209, R12).
 *
 * Forced rollback, documented: "If you update the Pod template to a configuration that never
 * becomes Running and Ready (for example, due to a bad binary or application-level configuration
 * error), StatefulSet will stop the rollout and wait. ... After reverting the template, you must
 * also delete any Pods that StatefulSet had already attempted to run with the bad configuration."
 * (kubernetes/kubernetes#67250, open; R1).
 */
import { onlyScenarioDeletes, recreatedAt, rollbackReusesRevision } from '../../lib/invariants/strategies.js';
import { rollingUpdateOrder } from '../../lib/invariants/updates.js';
import { between } from '../../lib/observe/timeline.js';
import { describe, test } from '../../lib/harness/scenario.js';
import type { Scenario } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

const REPLICAS = 3;
const HOLD_MS = 10_000;
const TRAP = 'kubernetes/kubernetes#67250';
const STUCK =
  'forced rollback: under OrderedReady processReplica returns at the first replica that is not Running and Ready, so the update loop never reaches the stuck pod';

/** web at its first revision, Ready, then updated to a second one: [first, second]. */
async function updatedOnce(scenario: Scenario): Promise<{ web: WebStatefulSet; first: string; second: string }> {
  const web = await scenario.step(`apply web with ${REPLICAS} replicas`, () =>
    WebStatefulSet.deploy(scenario, { replicas: REPLICAS }),
  );
  const first = (await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS))).status
    ?.currentRevision as string;
  await scenario.step('change the pod template', () => web.changeTemplate('v2'));
  const second = await scenario.step('the controller makes a new update revision', () =>
    web.waitNewUpdateRevision(first),
  );
  await scenario.step('the rollout completes', () => web.waitRolloutComplete());
  return { web, first, second };
}

describe('rollback', () => {
  test('restoring the first template reuses its revision (no new ControllerRevision) and rolls back web-2, web-1, web-0 in order; flapping the template four times ends at the final revision', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Rollback', docs: BEHAVIOUR_DOCS.rollback });
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    const { web, first, second } = await updatedOnce(scenario);
    const start = await scenario.checkpoint();
    const order = scenario.declare('rolling update order', 'web', (timeline) =>
      rollingUpdateOrder(timeline, { window: start, ordinals: [2, 1, 0], updateRevision: first, contract }),
    );
    await scenario.step('restore the first template', () => web.restoreTemplate());
    await scenario.step('the controller makes the first revision the update revision again', () =>
      web.waitNewUpdateRevision(second),
    );
    await scenario.step('the rollback completes', () => web.waitRolloutComplete());
    const rolledBack = await scenario.checkpoint();
    await scenario.expectHolds(
      rollbackReusesRevision(await scenario.timeline('web'), {
        window: between(start, rolledBack),
        known: [first, second],
        finalRevision: first,
      }),
    );
    await scenario.expectHolds(order);

    await scenario.step('flap the template without waiting: v2, first, v2, first', async () => {
      await web.changeTemplate('v2');
      await web.restoreTemplate();
      await web.changeTemplate('v2');
      await web.restoreTemplate();
    });
    await scenario.step('the controller has observed the last one and the rollout completes', async () => {
      await web.waitObserved();
      await web.waitRolloutComplete();
    });
    await scenario.expectHolds(
      rollbackReusesRevision(await scenario.timeline('web'), {
        window: between(rolledBack, await scenario.checkpoint()),
        known: [first, second],
        finalRevision: first,
      }),
    );
  });

  test('negative control: a "rollback" to a template that differs from the first makes a new revision (rollback-new-revision) and leaves no pod at the first (pod-at-stale-revision)', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Rollback', docs: BEHAVIOUR_DOCS.rollback, negativeControl: true });
    const { web, first, second } = await updatedOnce(scenario);
    const start = await scenario.checkpoint();
    await scenario.step('change the template to a third one instead of the first', () => web.changeTemplate('v3'));
    await scenario.step('the controller makes a new update revision', () => web.waitNewUpdateRevision(second));
    await scenario.step('the rollout completes', () => web.waitRolloutComplete());
    await scenario.expectViolated(
      rollbackReusesRevision(await scenario.timeline('web'), {
        window: between(start, await scenario.checkpoint()),
        known: [first, second],
        finalRevision: first,
      }),
      ['rollback-new-revision', 'pod-at-stale-revision'],
    );
  });
});

/**
 * Applies a template whose pods never become Ready, waits until the rollout stalled on web-2,
 * reverts the template and waits until the controller has observed the revert. Returns the
 * revisions and the moment of the revert.
 */
async function brokenThenReverted(scenario: Scenario, podManagementPolicy: 'OrderedReady' | 'Parallel') {
  const web = await scenario.step(
    `apply web with ${REPLICAS} replicas, podManagementPolicy ${podManagementPolicy}`,
    () => WebStatefulSet.deploy(scenario, { replicas: REPLICAS, podManagementPolicy }),
  );
  const good = (await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS))).status
    ?.currentRevision as string;
  const start = await scenario.checkpoint();
  await scenario.step('apply a template whose pods never become Ready (START_READY=false)', () =>
    WebStatefulSet.deploy(scenario, { replicas: REPLICAS, podManagementPolicy, startReady: false }),
  );
  const broken = await scenario.step('the controller makes a new update revision', () =>
    web.waitNewUpdateRevision(good),
  );
  await scenario.step('web-2 is replaced by a pod of the broken revision that never becomes Ready', async () => {
    await web.waitPodRunningNotReady(2);
    await web.waitControllerReports({ replicas: REPLICAS, readyReplicas: REPLICAS - 1 });
  });
  await scenario.step(`the rollout stalls: web-1 stays at the good revision (${HOLD_MS / 1000}s)`, () =>
    web.confirmPodsStayAtRevisionFor([1], good, HOLD_MS),
  );
  const reverted = await scenario.checkpoint();
  await scenario.step('revert the template', () =>
    WebStatefulSet.deploy(scenario, { replicas: REPLICAS, podManagementPolicy }),
  );
  await scenario.step('the controller has observed the revert: the good revision is the update revision again', () =>
    web.waitNewUpdateRevision(broken),
  );
  return { web, good, broken, start, reverted };
}

describe('forced rollback (kubernetes/kubernetes#67250)', () => {
  test('under OrderedReady a template that never becomes Ready stalls the rollout; reverting the template leaves the broken web-2 in place; deleting it brings it back at the good revision', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Forced rollback', docs: BEHAVIOUR_DOCS.forcedRollback });
    const { trapExpected } = await scenario.requires({ trap: { issue: TRAP } });
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    const { web, good, broken, start, reverted } = await brokenThenReverted(scenario, 'OrderedReady');
    await scenario.expectHolds(
      rollingUpdateOrder(await scenario.timeline('web'), {
        window: between(start, reverted),
        ordinals: [2],
        updateRevision: broken,
        contract,
      }),
    );
    if (!trapExpected) {
      // A Kubernetes version that fixed the trap replaces the stuck pod by itself.
      await scenario.step('the controller replaces the broken web-2 by itself', () => web.waitRolloutComplete());
      return;
    }
    await scenario.step(`the trap: web-2 stays at the broken revision (${HOLD_MS / 1000}s)`, () =>
      web.confirmPodsStayAtRevisionFor([2], broken, HOLD_MS),
    );
    const trapped = await scenario.checkpoint();
    await scenario.expectHolds(
      onlyScenarioDeletes(await scenario.timeline('web'), {
        window: between(reverted, trapped),
        deletedByScenario: [],
        because: STUCK,
      }),
    );
    const uid = await scenario.step('delete web-2, the documented remedy; the rollout completes', async () => {
      const deleted = await web.deletePod(2);
      await web.waitPodGone(2, deleted);
      await web.waitRolloutComplete();
      return deleted;
    });
    await scenario.expectHolds(
      recreatedAt(await scenario.timeline('web'), {
        window: trapped,
        deletedByScenario: [uid],
        revision: good,
        because: 'after the revert the update revision is the good one',
      }),
    );
  });

  test('negative control: with podManagementPolicy Parallel the controller replaces the broken web-2 by itself after the revert (deleted-by-controller)', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Forced rollback', docs: BEHAVIOUR_DOCS.forcedRollback, negativeControl: true });
    const { web, reverted } = await brokenThenReverted(scenario, 'Parallel');
    await scenario.step('the controller replaces web-2 and the rollout completes', () => web.waitRolloutComplete());
    await scenario.expectViolated(
      onlyScenarioDeletes(await scenario.timeline('web'), {
        window: between(reverted, await scenario.checkpoint()),
        deletedByScenario: [],
        because: STUCK,
      }),
      ['deleted-by-controller'],
    );
  });
});
