/**
 * The tutorial's "Non-cascading delete": `kubectl delete statefulset web --cascade=orphan` leaves
 * the pods; web-0 deleted by hand is not recreated; applying web again (2 replicas) recreates
 * web-0, adopts web-1 and terminates web-2, and web-0 finds its data on its claim (G7). Upstream
 * e2e #2: pods whose labels stop matching are released, and adopted again when they match.
 */
import { randomBytes } from 'node:crypto';
import { adoptsOrphans } from '../../lib/invariants/adoption.js';
import { storageReattached } from '../../lib/invariants/storage.js';
import { between } from '../../lib/observe/timeline.js';
import { GuideStatements } from '../../lib/harness/guide-statements.js';
import { describe, test, type Scenario } from '../../lib/harness/scenario.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

/** What the users' guides say that this scenario decides (fixtures/claims/*.general.yaml). */
const GUIDES = {
  orphaned: ['complete-guide/cascade-orphan'],
  adopted: ['complete-guide/orphan-recreate-adopt'],
};

/** web with 3 Ready replicas and a marker in web-0's volume, deleted with --cascade=orphan, web-0 then deleted by hand. */
async function orphanedWeb(scenario: Scenario) {
  const web = await scenario.step('apply web with 3 replicas', () => WebStatefulSet.deploy(scenario, { replicas: 3 }));
  await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));
  await scenario.step('write a unique marker into web-0', () =>
    web.writeMarker(0, `web-0-${randomBytes(6).toString('hex')}`),
  );
  const web0 = await scenario.step('note web-0: pod UID, claim, volume, marker', () => web.storageIdentity(0));
  const uids = new Map<number, string>();
  await scenario.step('delete web with --cascade=orphan: its pods stay, without controller', async () => {
    for (const ordinal of [0, 1, 2]) uids.set(ordinal, (await web.podUid(ordinal)) ?? '');
    const setUid = await web.delete('Orphan');
    await web.waitGone(setUid);
    for (const [ordinal, uid] of uids) await web.waitPodController(ordinal, uid, undefined);
  });
  await scenario.step('delete the orphan web-0: nobody recreates it', async () => {
    await web.deletePod(0);
    await web.waitPodGone(0, uids.get(0));
  });
  return { web, web0, uids };
}

describe('orphans and adoption', () => {
  test('after a non-cascading delete, web applied again with 2 replicas recreates web-0 with its data, adopts web-1 and removes web-2; web-1 is released when its labels stop matching and adopted again when they match', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Orphans and adoption', docs: BEHAVIOUR_DOCS.orphans });
    const { web0, uids } = await orphanedWeb(scenario);
    const start = await scenario.checkpoint();
    const web = await scenario.step('apply web again, with 2 replicas', () =>
      WebStatefulSet.deploy(scenario, { replicas: 2 }),
    );
    const setUid = (await web.statefulSet()).metadata?.uid ?? '';
    await scenario.step('web has 2 Ready replicas; web-2 is gone', async () => {
      await web.waitReady(2);
      await web.waitPodGone(2, uids.get(2));
      await web.waitPodController(1, uids.get(1) as string, setUid);
    });
    const adopted = await scenario.checkpoint();
    const guides = new GuideStatements(scenario, GUIDES);
    // orphanedWeb waited until every pod had lost its controller and still ran (same UIDs).
    await guides.decideFact('orphaned', {
      holds: true,
      observed: `after kubectl delete statefulset web --cascade=orphan, ${[...uids.keys()].map((ordinal) => `web-${ordinal}`).join(', ')} kept running with the same UIDs and no controller`,
    });
    await guides.expectHolds(
      adoptsOrphans(await scenario.timeline('web'), { window: between(start, adopted), setUid }),
      'adopted',
    );
    await guides.decide({
      adopted:
        'web applied again took web-1 over as it ran (same UID, now owned by the new set), made the missing web-0 and removed the surplus web-2',
    });
    await scenario.expectHolds(
      storageReattached(web0, await scenario.step('read web-0 again', () => web.storageIdentity(0))),
    );

    await scenario.step("change web-1's app label: the controller releases it", async () => {
      await web.labelPod(1, { app: 'web-released' });
      await web.waitPodController(1, uids.get(1) as string, undefined);
    });
    const released = await scenario.checkpoint();
    await scenario.step("restore web-1's app label: the controller adopts it again", async () => {
      await web.labelPod(1, { app: 'web' });
      await web.waitPodController(1, uids.get(1) as string, setUid);
      await web.waitReady(2);
    });
    await scenario.expectHolds(
      adoptsOrphans(await scenario.timeline('web'), { window: between(released, await scenario.checkpoint()), setUid }),
    );
  });

  test('negative control: web applied again with another selector leaves the orphans alone (orphan-not-adopted, surplus-orphan-kept)', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Orphans and adoption', docs: BEHAVIOUR_DOCS.orphans, negativeControl: true });
    const { uids } = await orphanedWeb(scenario);
    const start = await scenario.checkpoint();
    const web = await scenario.step('apply web again, 2 replicas, selecting app=web-v2 instead of app=web', () =>
      WebStatefulSet.deploy(scenario, { replicas: 2, appLabel: 'web-v2' }),
    );
    const setUid = (await web.statefulSet()).metadata?.uid ?? '';
    await scenario.step('web-0 is created and Ready; web-1 and web-2 keep no controller (5s)', async () => {
      await web.waitPodReady(0);
      await web.waitObserved();
      await web.confirmPodStaysFor(2, 5000);
      await web.waitPodController(1, uids.get(1) as string, undefined);
    });
    await scenario.expectViolated(
      adoptsOrphans(await scenario.timeline('web'), { window: between(start, await scenario.checkpoint()), setUid }),
      ['orphan-not-adopted', 'surplus-orphan-kept'],
    );
  });
});
