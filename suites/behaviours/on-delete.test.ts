/**
 * "When a StatefulSet's .spec.updateStrategy.type is set to OnDelete, the StatefulSet controller
 * will not automatically update the Pods in a StatefulSet. Users must manually delete Pods to
 * cause the controller to create new Pods that reflect modifications made to a StatefulSet's
 * .spec.template." Upstream e2e #10.
 */
import { onlyScenarioDeletes, recreatedAt } from '../../lib/invariants/strategies.js';
import { between } from '../../lib/observe/timeline.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

const REPLICAS = 3;
const HOLD_MS = 10_000;
const ON_DELETE = 'OnDelete: updateStatefulSet returns before its update loop';
const UPDATE_REVISION = 'newVersionedStatefulSetPod gives a pod recreated under OnDelete the update revision';

describe('OnDelete update strategy', () => {
  test('a template change replaces no pod; web-1, deleted by hand, comes back at the new revision while web-0 and web-2 keep the old one', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'OnDelete updates', docs: BEHAVIOUR_DOCS.onDelete });
    const web = await scenario.step(`apply web with ${REPLICAS} replicas and updateStrategy OnDelete`, () =>
      WebStatefulSet.deploy(scenario, { replicas: REPLICAS, updateStrategy: 'OnDelete' }),
    );
    const initial = await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS));
    const oldRevision = initial.status?.currentRevision as string;
    const start = await scenario.checkpoint();
    await scenario.step('change the pod template', () => web.changeTemplate('on-delete-v2'));
    const updateRevision = await scenario.step('the controller has observed it and made a new update revision', () =>
      web.waitNewUpdateRevision(oldRevision),
    );
    await scenario.step(`every pod stays at the old revision (${HOLD_MS / 1000}s)`, () =>
      web.confirmPodsStayAtRevisionFor([0, 1, 2], oldRevision, HOLD_MS),
    );
    const uid = await scenario.step('delete web-1 and wait for its replacement to be Ready', async () => {
      const deleted = await web.deletePod(1);
      await web.waitPodGone(1, deleted);
      await web.waitPodReady(1);
      return deleted;
    });
    await scenario.step('web-0 and web-2 still run the old revision', () =>
      web.confirmPodsStayAtRevisionFor([0, 2], oldRevision, 0),
    );
    const window = between(start, await scenario.checkpoint());
    const timeline = await scenario.timeline('web');
    await scenario.expectHolds(onlyScenarioDeletes(timeline, { window, deletedByScenario: [uid], because: ON_DELETE }));
    await scenario.expectHolds(
      recreatedAt(timeline, { window, deletedByScenario: [uid], revision: updateRevision, because: UPDATE_REVISION }),
    );
  });

  test('negative control: RollingUpdate with partition 2 replaces web-2 by itself (deleted-by-controller) and brings web-1 back at the old revision (recreated-at-wrong-revision)', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'OnDelete updates', docs: BEHAVIOUR_DOCS.onDelete, negativeControl: true });
    const web = await scenario.step(`apply web with ${REPLICAS} replicas and RollingUpdate partition 2`, () =>
      WebStatefulSet.deploy(scenario, { replicas: REPLICAS, partition: 2 }),
    );
    const initial = await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS));
    const start = await scenario.checkpoint();
    await scenario.step('change the pod template', () => web.changeTemplate('on-delete-v2'));
    const updateRevision = await scenario.step('the controller has observed it and made a new update revision', () =>
      web.waitNewUpdateRevision(initial.status?.currentRevision as string),
    );
    await scenario.step('the controller replaces web-2', () => web.waitPartitionRolledOut(2));
    const uid = await scenario.step('delete web-1 and wait for its replacement to be Ready', async () => {
      const deleted = await web.deletePod(1);
      await web.waitPodGone(1, deleted);
      await web.waitPodReady(1);
      return deleted;
    });
    const window = between(start, await scenario.checkpoint());
    const timeline = await scenario.timeline('web');
    await scenario.expectViolated(
      onlyScenarioDeletes(timeline, { window, deletedByScenario: [uid], because: ON_DELETE }),
      ['deleted-by-controller'],
    );
    await scenario.expectViolated(
      recreatedAt(timeline, { window, deletedByScenario: [uid], revision: updateRevision, because: UPDATE_REVISION }),
      ['recreated-at-wrong-revision'],
    );
  });
});
