/**
 * ".spec.ordinals is an optional field that allows you to configure the integer ordinals
 * assigned to each Pod. ... .spec.ordinals.start: If the .spec.ordinals.start field is set, Pods
 * will be assigned ordinals from .spec.ordinals.start up through .spec.ordinals.start +
 * .spec.replicas - 1." Upstream e2e #29-#32 (set, increase, decrease, remove the start);
 * documented G24: the claims follow the ordinals, and an ordinal that comes back finds its claim.
 */
import { orderedCreation } from '../../lib/invariants/ordering.js';
import { podsFollowOrdinals } from '../../lib/invariants/ordinals.js';
import { describe, test, type Scenario } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

const REQUIREMENTS = {
  sinceMinor: { minor: 31, what: 'spec.ordinals.start (StatefulSetStartOrdinal GA)' },
  gates: [{ name: 'StatefulSetStartOrdinal', enables: 'spec.ordinals.start' }],
} as const;

interface Range {
  atRv: number;
  start: number;
  replicas: number;
}

/** Sets the start (null: removes it) and waits until exactly its pods run; returns the range it reached. */
async function shift(scenario: Scenario, web: WebStatefulSet, start: number | null, replicas: number): Promise<Range> {
  const from = start ?? 0;
  const names = Array.from({ length: replicas }, (_, index) => from + index);
  await scenario.step(
    `${start === null ? 'remove ordinals.start' : `ordinals.start ${start}`}, replicas ${replicas}: exactly ${names.map((ordinal) => web.podName(ordinal)).join(', ')} run`,
    async () => {
      await web.setOrdinals(start, replicas);
      await web.waitObserved();
      await web.waitPodsExactly(names);
      await web.waitReady(replicas);
    },
  );
  return { atRv: (await scenario.checkpoint()).afterRv, start: from, replicas };
}

describe('start ordinal', () => {
  test('setting, raising, lowering and removing ordinals.start replaces the pods with the new range, in order, and an ordinal that comes back mounts the claim it had', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Start ordinal', docs: BEHAVIOUR_DOCS.startOrdinal });
    await scenario.requires(REQUIREMENTS);
    const window = await scenario.checkpoint();
    const ordered = scenario.declare('ordered creation', 'web', (timeline) =>
      orderedCreation(timeline, { window, ordinals: [0, 1, 2, 3, 4, 5] }),
    );
    const web = await scenario.step('apply web with 2 replicas', () =>
      WebStatefulSet.deploy(scenario, { replicas: 2 }),
    );
    await scenario.step('web has 2 Ready replicas', () => web.waitReady(2));
    const ranges: Range[] = [{ atRv: (await scenario.checkpoint()).afterRv, start: 0, replicas: 2 }];
    ranges.push(await shift(scenario, web, 2, 3));
    ranges.push(await shift(scenario, web, 3, 3));
    ranges.push(await shift(scenario, web, 1, 3));
    ranges.push(await shift(scenario, web, null, 3));
    const timeline = await scenario.timeline('web');
    await scenario.expectHolds(podsFollowOrdinals(timeline, { window, ranges }));
    await scenario.expectHolds(ordered);
    // Negative control on the same recording: the range before each shift, expected after it.
    await scenario.expectViolated(
      podsFollowOrdinals(timeline, {
        window,
        ranges: ranges.slice(1).map((range, index) => ({ ...range, start: ranges[index]?.start ?? 0 })),
      }),
      ['pod-outside-ordinal-range'],
    );
  });

  test('negative control: with whenScaled Delete the claims of the ordinals shifted away go, so web-0 and web-1 come back with new claims (claim-changed)', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Start ordinal', docs: BEHAVIOUR_DOCS.startOrdinal, negativeControl: true });
    await scenario.requires(REQUIREMENTS);
    const window = await scenario.checkpoint();
    const web = await scenario.step('apply web with 2 replicas and whenScaled Delete', () =>
      WebStatefulSet.deploy(scenario, { replicas: 2, claimRetention: { whenScaled: 'Delete', whenDeleted: 'Retain' } }),
    );
    await scenario.step('web has 2 Ready replicas', () => web.waitReady(2));
    const claims = await scenario.step('note the claims of web-0 and web-1', () => web.claimUids([0, 1]));
    const ranges: Range[] = [{ atRv: (await scenario.checkpoint()).afterRv, start: 0, replicas: 2 }];
    ranges.push(await shift(scenario, web, 2, 2));
    await scenario.step('the claims of web-0 and web-1 are gone', () => web.waitClaimsGone(claims));
    ranges.push(await shift(scenario, web, null, 2));
    await scenario.expectViolated(podsFollowOrdinals(await scenario.timeline('web'), { window, ranges }), [
      'claim-changed',
    ]);
  });
});
