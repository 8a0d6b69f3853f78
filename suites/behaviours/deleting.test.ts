/**
 * Deleting a StatefulSet (documentation, Limitations): "StatefulSets do not provide any
 * guarantees on the termination of pods when a StatefulSet is deleted. To achieve ordered and
 * graceful termination of the pods in the StatefulSet, it is possible to scale the StatefulSet
 * down to 0 prior to deletion." (G6 in the prior-art notes; the old tutorial showed a cascading
 * delete going in reverse order, so guides repeat it.)
 *
 * No order is asserted on a delete: the order of three deletions is recorded and reported, and
 * the guides' statement that pods are deleted in reverse order is decided from it. What is
 * asserted is what the garbage collector owes (every pod goes, none comes back, the claims stay)
 * and that scaling to 0 first is the ordered shutdown.
 */
import { expect } from 'vitest';
import {
  deletedWithSet,
  describeTerminationOrder,
  isOrderedShutdown,
  terminationOrder,
  type TerminationStep,
} from '../../lib/invariants/deletion.js';
import { reverseTermination } from '../../lib/invariants/ordering.js';
import { between } from '../../lib/observe/timeline.js';
import { GuideStatements } from '../../lib/harness/guide-statements.js';
import { describe, test, type Scenario } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

const REPLICAS = 3;
const ORDINALS = [0, 1, 2];
const ROUNDS = 3;
/** The guides' statement that the end of a StatefulSet's life deletes its pods in reverse order. */
const DELETED_IN_REVERSE = 'master-stateful-applications/lifecycle-deleted-in-reverse';
/** What else the users' guides say that this scenario decides (fixtures/claims/*.general.yaml). */
const GUIDES = {
  podsGo: ['complete-guide/delete-removes-pods'],
  claimsStay: ['complete-guide/delete-keeps-claims'],
};

/** web applied with 3 replicas, all Ready; `round` prefixes the step names. */
async function readyWeb(scenario: Scenario, round: string) {
  const web = await scenario.step(`${round}apply web with ${REPLICAS} replicas`, () =>
    WebStatefulSet.deploy(scenario, { replicas: REPLICAS }),
  );
  await scenario.step(`${round}web has ${REPLICAS} Ready replicas`, () => web.waitReady(REPLICAS));
  return web;
}

describe('deleting a StatefulSet', () => {
  test('deleting web outright, three times: every pod goes and none comes back, the claims stay; the order is recorded, not asserted (the documentation guarantees none)', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Deleting a StatefulSet', docs: BEHAVIOUR_DOCS.limitations });
    const guides = new GuideStatements(scenario, GUIDES);
    const orders: TerminationStep[][] = [];
    let claims: Map<number, string | undefined> | undefined;
    for (let round = 1; round <= ROUNDS; round++) {
      const label = `round ${round}: `;
      const web = await readyWeb(scenario, label);
      claims ??= await scenario.step('note the claims of web-0..web-2', () => web.claimUids(ORDINALS));
      const start = await scenario.checkpoint();
      await scenario.step(`${label}kubectl delete statefulset web (cascading, in the background)`, async () => {
        await web.waitGone(await web.delete('Background'));
      });
      const window = between(start, await scenario.checkpoint());
      const timeline = await scenario.timeline('web');
      await guides.expectHolds(deletedWithSet(timeline, { window, ordinals: ORDINALS }), 'podsGo');
      if (round === 1) {
        // The same recording judged as if deleting were the ordered shutdown: the garbage collector
        // asks for the pods from its workers at once, so a pod goes while a higher one still exists.
        await scenario.expectViolated(reverseTermination(timeline, { window, from: REPLICAS, to: 0 }), [
          'deleted-before-successor-gone',
        ]);
      }
      orders.push(terminationOrder(timeline, window));
      await scenario.step(`${label}the claims are still there, the same ones`, async () => {
        const after = await web.claimUids(ORDINALS);
        const same = ORDINALS.every(
          (ordinal) => after.get(ordinal) !== undefined && after.get(ordinal) === claims?.get(ordinal),
        );
        if (round === ROUNDS)
          await guides.decideFact('claimsStay', {
            holds: same,
            observed: `after ${ROUNDS} deletes of web, ${[...after].map(([ordinal, uid]) => `${web.claimName(ordinal)} ${uid ? `uid ${uid.slice(0, 8)}` : 'missing'}`).join(', ')}: the claims of the first web, reused by each new one`,
          });
        expect(after, 'claim UIDs by ordinal').toEqual(claims);
      });
    }
    await guides.decide({
      podsGo: `each of ${ROUNDS} deletes of web (cascading, in the background) took web-0, web-1 and web-2 away, and none came back`,
    });
    const byRound = Object.fromEntries(
      orders.map((order, index) => [`round ${index + 1}`, describeTerminationOrder(order)]),
    );
    await scenario.note('the order in which the garbage collector asked the pods to go', byRound);
    await scenario.figure(
      'deletes that were an ordered shutdown (highest first, each after the higher ones were gone)',
      orders.filter(isOrderedShutdown).length,
      `of ${ROUNDS}`,
    );
    // Reverse order every time would still be luck, not a guarantee: "depends", as the myapp guide
    // scenario decides the same statement of another guide.
    const allOrdered = orders.every(isOrderedShutdown);
    await scenario.decide({
      claim: DELETED_IN_REVERSE,
      verdict: allOrdered ? 'depends' : 'does-not-hold',
      observed: `kubectl delete statefulset web, ${ROUNDS} times: ${Object.entries(byRound)
        .map(([round, order]) => `${round}: ${order}`)
        .join('; ')}`,
      qualifier:
        'the StatefulSet documentation guarantees no order when a StatefulSet is deleted; scaling it to 0 first gives the reverse order',
    });
  });

  test('scaling web to 0 before deleting it is the ordered shutdown: web-2, web-1, web-0, each once the higher ones are gone', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Deleting a StatefulSet', docs: BEHAVIOUR_DOCS.limitations });
    const web = await readyWeb(scenario, '');
    const start = await scenario.checkpoint();
    const ordered = scenario.declare('reverse termination', 'web', (timeline) =>
      reverseTermination(timeline, { window: start, from: REPLICAS, to: 0 }),
    );
    await scenario.step('scale web to 0', () => web.scaleTo(0));
    await scenario.step('web-2, web-1 and web-0 are gone', async () => {
      for (const ordinal of [...ORDINALS].reverse()) await web.waitPodGone(ordinal);
    });
    await scenario.expectHolds(ordered);
    await scenario.note('the order of the scale-down', {
      order: describeTerminationOrder(terminationOrder(await scenario.timeline('web'), start)),
    });
    await scenario.step('kubectl delete statefulset web: no pod is left to delete', async () => {
      await web.waitGone(await web.delete('Background'));
    });
  });

  test('negative control: web deleted with --cascade=orphan, judged as a cascading delete, reports pod-survived-set-deletion', async ({
    scenario,
  }) => {
    await scenario.about({
      feature: 'Deleting a StatefulSet',
      docs: BEHAVIOUR_DOCS.limitations,
      negativeControl: true,
    });
    const web = await readyWeb(scenario, '');
    const uids = new Map<number, string>();
    for (const ordinal of ORDINALS) uids.set(ordinal, (await web.podUid(ordinal)) ?? '');
    const start = await scenario.checkpoint();
    await scenario.step(
      'kubectl delete statefulset web --cascade=orphan: its pods stay, without controller',
      async () => {
        await web.waitGone(await web.delete('Orphan'));
        for (const [ordinal, uid] of uids) await web.waitPodController(ordinal, uid, undefined);
      },
    );
    const window = between(start, await scenario.checkpoint());
    await scenario.expectViolated(deletedWithSet(await scenario.timeline('web'), { window, ordinals: ORDINALS }), [
      'pod-survived-set-deletion',
    ]);
  });
});
