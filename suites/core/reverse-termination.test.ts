/**
 * "When Pods are being deleted, they are terminated in reverse order, from {N-1..0}. ... Before
 * a Pod is terminated, all of its successors must be completely shutdown." And scaling down does
 * not delete the claims of the removed Pods (whenScaled: Retain, the default).
 */
import { expect } from 'vitest';
import { reverseTermination } from '../../lib/invariants/ordering.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { GuideStatements } from '../../lib/harness/guide-statements.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from './docs.js';

const REPLICAS = 4;

/** What the users' guides say that this scenario decides (fixtures/claims/*.general.yaml). */
const GUIDES = {
  scaleDown: [
    'complete-guide/created-updated-deleted-in-sequence',

    'complete-guide/scaling-one-at-a-time',
    'day-11/takeaway-delete-reverse',
    'statefulsets-overview/table-scaling-ordered',
    'master-stateful-applications/lifecycle-update-scale-sequentially',
    'master-stateful-applications/summary-scaling-ordered',
  ],
  claimPerPod: [
    'day-11/takeaway-pvc-per-pod',
    'day-11/takeaway-automatic-pvc-creation',
    'comprehensive-guide/creates-claims-per-pod',
    'statefulsets-overview/field-volume-claim-templates',
    'master-stateful-applications/table-storage-dedicated-pvc',
    'master-stateful-applications/summary-storage-pvc-per-pod',
  ],
};

describe('reverse termination (OrderedReady)', () => {
  test('scaling 4 -> 1 deletes web-3, web-2, web-1 in that order, each gone before the next goes, and keeps their claims', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Reverse termination', docs: DOCS.guarantees });
    const web = await scenario.step(`apply web with ${REPLICAS} replicas`, () =>
      WebStatefulSet.deploy(scenario, { replicas: REPLICAS }),
    );
    await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS));
    const claimsBefore = await scenario.step('note the claims of web-1..web-3', () => web.claimUids([1, 2, 3]));

    const window = await scenario.checkpoint();
    const reverse = scenario.declare('reverse termination', 'web', (timeline) =>
      reverseTermination(timeline, { window, from: REPLICAS, to: 1 }),
    );
    await scenario.step('scale web to 1', () => web.scaleTo(1));
    await scenario.step('web has 1 Ready replica; web-1..web-3 are gone', async () => {
      await web.waitReady(1);
      for (const ordinal of [1, 2, 3]) await web.waitPodGone(ordinal);
    });
    const guides = new GuideStatements(scenario, GUIDES);
    await guides.expectHolds(reverse, 'scaleDown');
    await guides.decide({
      scaleDown: `scaling ${REPLICAS} -> 1 asked web-3, web-2, web-1 to go in that order, each only once the one above it was gone`,
    });

    await scenario.step('the claims of the removed ordinals remain, the same claims as before', async () => {
      const claimsAfter = await web.claimUids([1, 2, 3]);
      const uids = [...claimsBefore.values()];
      await guides.decideFact('claimPerPod', {
        holds: uids.every(Boolean) && new Set(uids).size === uids.length,
        observed: `web.yaml has no claim of its own, only the data template; the controller made one claim per pod: ${[...claimsBefore].map(([ordinal, uid]) => `${web.claimName(ordinal)} ${uid ? `uid ${uid.slice(0, 8)}` : 'missing'}`).join(', ')}`,
      });
      expect([...claimsAfter.values()].every(Boolean), 'every claim still exists').toBe(true);
      expect(claimsAfter, 'claim UIDs by ordinal').toEqual(claimsBefore);
    });
  });

  test('negative control: with podManagementPolicy Parallel the same check reports deleted-before-successor-gone', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Reverse termination', docs: DOCS.guarantees, negativeControl: true });
    const web = await scenario.step(`apply web with ${REPLICAS} replicas, podManagementPolicy Parallel`, () =>
      WebStatefulSet.deploy(scenario, { replicas: REPLICAS, podManagementPolicy: 'Parallel' }),
    );
    await scenario.step(`web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS));
    const window = await scenario.checkpoint();
    const reverse = scenario.declare(
      'reverse termination',
      'web',
      (timeline) => reverseTermination(timeline, { window, from: REPLICAS, to: 1 }),
      { expects: ['deleted-before-successor-gone'] },
    );
    await scenario.step('scale web to 1', () => web.scaleTo(1));
    await scenario.step('web has 1 Ready replica; web-1..web-3 are gone', async () => {
      await web.waitReady(1);
      for (const ordinal of [1, 2, 3]) await web.waitPodGone(ordinal);
    });
    await scenario.expectViolated(reverse, ['deleted-before-successor-gone']);
  });
});
