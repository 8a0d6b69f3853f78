/**
 * "You can control the maximum number of Pods that can be unavailable during an update by
 * specifying the .spec.updateStrategy.rollingUpdate.maxUnavailable field. The value can be an
 * absolute number (for example, 5) or a percentage of desired Pods (for example, 10%). ... This
 * field ... is only honored when the MaxUnavailableStatefulSet feature gate is enabled", and any
 * unavailable pod counts against it. Upstream e2e #9 (a feature-gated test); documented G13;
 * kubernetes/kubernetes#137409 (R7) is the regression that demoted the gate in 1.35.
 *
 * With podManagementPolicy Parallel, so that a pod made not Ready beforehand does not stop the
 * walk before the update (OrderedReady would halt on it) and counts as one of the unavailable.
 */
import { rollingUpdateOrder } from '../../lib/invariants/updates.js';
import { between } from '../../lib/observe/timeline.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

const REPLICAS = 5;
/** 40% of 5, rounded down as getStatefulSetMaxUnavailable does: 2. */
const MAX_UNAVAILABLE = '40%';

describe('maxUnavailable in rolling updates', () => {
  test(`maxUnavailable ${MAX_UNAVAILABLE} of ${REPLICAS} lets two pods be replaced at once, highest first, and a pod already not Ready counts against it`, async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'maxUnavailable', docs: BEHAVIOUR_DOCS.maxUnavailable });
    await scenario.requires({
      gates: [{ name: 'MaxUnavailableStatefulSet', enables: 'maxUnavailable in rolling updates' }],
    });
    const contract = { maxUnavailableGate: true };
    const web = await scenario.step(
      `apply web with ${REPLICAS} replicas, podManagementPolicy Parallel, maxUnavailable ${MAX_UNAVAILABLE}`,
      () =>
        WebStatefulSet.deploy(scenario, {
          replicas: REPLICAS,
          podManagementPolicy: 'Parallel',
          maxUnavailable: MAX_UNAVAILABLE,
        }),
    );
    const initial = await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS));
    await scenario.step('web-1 turns not Ready; the controller reports it', async () => {
      await web.markNotReady(1);
      await web.waitControllerReports({ replicas: REPLICAS, readyReplicas: REPLICAS - 1 });
    });
    const start = await scenario.checkpoint();
    await scenario.step('change the pod template', () => web.changeTemplate('max-unavailable-v2'));
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      web.waitNewUpdateRevision(initial.status?.currentRevision as string),
    );
    await scenario.step('the rollout completes (web-1 is replaced by a pod that starts Ready)', () =>
      web.waitRolloutComplete(),
    );
    const timeline = await scenario.timeline('web');
    const window = between(start, await scenario.checkpoint());
    const ordinals = [4, 3, 2, 1, 0];
    await scenario.expectHolds(rollingUpdateOrder(timeline, { window, ordinals, updateRevision, contract }));
    // Negative control on the same recording: two pods in flight at once break maxUnavailable 1.
    await scenario.expectViolated(
      rollingUpdateOrder(timeline, { window, ordinals, updateRevision, contract: { ...contract, maxUnavailable: 1 } }),
      ['updated-before-higher-available'],
    );
  });
});
