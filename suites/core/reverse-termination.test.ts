/**
 * "When Pods are being deleted, they are terminated in reverse order, from {N-1..0}. ... Before
 * a Pod is terminated, all of its successors must be completely shutdown." And scaling down does
 * not delete the claims of the removed Pods (whenScaled: Retain, the default).
 */
import { expect } from 'vitest';
import { reverseTermination } from '../../lib/invariants/ordering.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from './docs.js';

const REPLICAS = 4;

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
    await scenario.expectHolds(reverse);

    await scenario.step('the claims of the removed ordinals remain, the same claims as before', async () => {
      const claimsAfter = await web.claimUids([1, 2, 3]);
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
