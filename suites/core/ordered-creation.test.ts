/**
 * "For a StatefulSet with N replicas, when Pods are being deployed, they are created
 * sequentially, in order from {0..N-1}. Before a scaling operation is applied to a Pod, all of
 * its predecessors must be Running and Ready." (StatefulSet docs, deployment and scaling guarantees)
 */
import { orderedCreation } from '../../lib/invariants/ordering.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { GuideStatements } from '../../lib/harness/guide-statements.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from './docs.js';

/** How long a held pod must keep its successor away, once the controller has seen the hold. */
const HOLD_MS = 10_000;

/** What the users' guides say that this scenario decides (fixtures/claims/*.general.yaml). */
const GUIDES = {
  creation: [
    'complete-guide/created-updated-deleted-in-sequence',

    'complete-guide/scale-up-ready-before-next',

    'complete-guide/scaling-one-at-a-time',
    'day-11/takeaway-create-sequential',

    'statefulsets-overview/guarantees-ordering-uniqueness',
    'statefulsets-overview/table-scaling-ordered',
    'master-stateful-applications/guarantees-ordering-uniqueness',
    'master-stateful-applications/table-order-sequential',
    'master-stateful-applications/lifecycle-update-scale-sequentially',
    'master-stateful-applications/summary-scaling-ordered',
  ],
};

describe('ordered creation (OrderedReady)', () => {
  test('creates web-0, web-1, web-2 in order, each once its predecessor is Running and Ready, and stops while one is held', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Ordered creation', docs: DOCS.guarantees });
    const window = await scenario.checkpoint();
    const ordered = scenario.declare('ordered creation', 'web', (timeline) =>
      orderedCreation(timeline, { window, ordinals: [0, 1, 2] }),
    );
    const web = await scenario.step('apply web: 3 replicas whose pods start not Ready', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3, startReady: false }),
    );

    await scenario.step('web-0 runs; release it', async () => {
      await web.waitPodRunningNotReady(0);
      await web.markReady(0);
    });
    await scenario.step('web-1 runs; hold it not Ready', () => web.waitPodRunningNotReady(1));
    await scenario.step('the controller has observed the hold: 2 pods, 1 Ready', () =>
      web.waitControllerReports({ replicas: 2, readyReplicas: 1 }),
    );
    await scenario.step(`web-2 is not created while web-1 is held (${HOLD_MS / 1000}s)`, () =>
      web.confirmPodAbsentFor(2, HOLD_MS),
    );
    await scenario.step('release web-1; web-2 follows; release it', async () => {
      await web.markReady(1);
      await web.waitPodRunningNotReady(2);
      await web.markReady(2);
    });
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));

    const guides = new GuideStatements(scenario, GUIDES);
    await guides.expectHolds(ordered, 'creation');
    await guides.decide({
      creation: `web-0, web-1, web-2 were created in that order, each only once every lower ordinal was Running and Ready; web-2 was not created in ${HOLD_MS / 1000} s while web-1 was held not Ready (podManagementPolicy left to its default)`,
    });
  });

  test('negative control: with podManagementPolicy Parallel the same check reports created-before-predecessors-ready', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Ordered creation', docs: DOCS.guarantees, negativeControl: true });
    const window = await scenario.checkpoint();
    const ordered = scenario.declare(
      'ordered creation',
      'web',
      (timeline) => orderedCreation(timeline, { window, ordinals: [0, 1, 2] }),
      { expects: ['created-before-predecessors-ready'] },
    );
    const web = await scenario.step('apply web with podManagementPolicy Parallel, pods starting not Ready', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3, startReady: false, podManagementPolicy: 'Parallel' }),
    );
    await scenario.step('all three pods run before any is Ready; release them', async () => {
      for (const ordinal of [0, 1, 2]) await web.waitPodRunningNotReady(ordinal);
      for (const ordinal of [0, 1, 2]) await web.markReady(ordinal);
    });
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));

    await scenario.expectViolated(ordered, ['created-before-predecessors-ready']);
  });
});
