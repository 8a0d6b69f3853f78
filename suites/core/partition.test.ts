/**
 * "If a partition is specified, all Pods with an ordinal that is greater than or equal to the
 * partition will be updated when the StatefulSet's .spec.template is updated. All Pods with an
 * ordinal that is less than the partition will not be updated, and, even if they are deleted,
 * they will be recreated at the previous version." Updates go "from the largest ordinal to the
 * smallest", each updated Pod Running and Ready before its predecessor is updated.
 */
import { expect } from 'vitest';
import { partitionRespected, rollingUpdateOrder } from '../../lib/invariants/updates.js';
import { between } from '../../lib/observe/timeline.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from './docs.js';

const REPLICAS = 4;

// The guides' statements about partitions are about their own examples (fixtures/claims/*.yaml):
// the PostgreSQL and mysql-cluster guide scenarios decide them on the databases.

describe('partitioned rolling update', () => {
  test('with partition 2 only web-3 then web-2 move to the new revision; web-0 stays old even when recreated; lowering the partition to 0 updates web-1 then web-0', async ({
    scenario,
  }) => {
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    await scenario.about({ feature: 'Rolling update with partition', docs: DOCS.partitions });
    const web = await scenario.step(`apply web with ${REPLICAS} replicas and partition 2`, () =>
      WebStatefulSet.deploy(scenario, { replicas: REPLICAS, partition: 2 }),
    );
    const initial = await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS));
    const oldRevision = initial.status?.currentRevision as string;

    const start = await scenario.checkpoint();
    await scenario.step('change the pod template (canary)', () => web.changeTemplate('canary'));
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      web.waitNewUpdateRevision(oldRevision),
    );
    const wholeUpdate = scenario.declare('rolling update order', 'web', (timeline) =>
      rollingUpdateOrder(timeline, { window: start, ordinals: [3, 2, 1, 0], updateRevision, contract }),
    );
    await scenario.step('web-3 and web-2 run the new revision', () => web.waitPartitionRolledOut(2));
    await scenario.step('delete web-0 and wait for its replacement', async () => {
      const uid = await web.deletePod(0);
      await web.waitPodGone(0, uid);
      await web.waitPodReady(0);
    });
    const canaryDone = await scenario.checkpoint();
    const canary = between(start, canaryDone);
    await scenario.expectHolds(
      partitionRespected(await scenario.timeline('web'), { window: canary, partition: 2, updateRevision }),
    );
    await scenario.expectHolds(
      rollingUpdateOrder(await scenario.timeline('web'), {
        window: canary,
        ordinals: [3, 2],
        updateRevision,
        contract,
      }),
    );

    await scenario.step('lower the partition to 1', async () => {
      await web.setPartition(1);
      await web.waitObserved();
      await web.waitPartitionRolledOut(1);
    });
    const phaseTwoDone = await scenario.checkpoint();
    await scenario.expectHolds(
      partitionRespected(await scenario.timeline('web'), {
        window: between(canaryDone, phaseTwoDone),
        partition: 1,
        updateRevision,
      }),
    );

    await scenario.step('lower the partition to 0 and wait for the rollout to complete', async () => {
      await web.setPartition(0);
      await web.waitObserved();
      await web.waitRolloutComplete();
    });
    await scenario.expectHolds(wholeUpdate);
    await scenario.step('currentRevision is now the update revision', async () => {
      const status = (await web.statefulSet()).status;
      expect(status?.currentRevision, 'status.currentRevision').toBe(updateRevision);
      expect(status?.updateRevision, 'status.updateRevision').toBe(updateRevision);
    });
  });

  test('negative control: with partition 0 the same partition check (partition 2) reports below-partition-updated', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Rolling update with partition', docs: DOCS.partitions, negativeControl: true });
    const web = await scenario.step(`apply web with ${REPLICAS} replicas and partition 0`, () =>
      WebStatefulSet.deploy(scenario, { replicas: REPLICAS, partition: 0 }),
    );
    const initial = await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS));
    const start = await scenario.checkpoint();
    await scenario.step('change the pod template', () => web.changeTemplate('everyone'));
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      web.waitNewUpdateRevision(initial.status?.currentRevision as string),
    );
    const partition = scenario.declare(
      'partition respected',
      'web',
      (timeline) => partitionRespected(timeline, { window: start, partition: 2, updateRevision }),
      { expects: ['below-partition-updated'] },
    );
    await scenario.step('the rollout completes', () => web.waitRolloutComplete());
    await scenario.expectViolated(partition, ['below-partition-updated']);
  });
});
