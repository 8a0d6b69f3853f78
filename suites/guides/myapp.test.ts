/**
 * The myapp example of "Kubernetes StatefulSet - Master of Stateful Applications"
 * (004_fa934f477e3c5699.txt, lines 62-110) and the statements of the "StatefulSets" overview
 * (003_3d157fa7f9b027fb.txt), whose own example files are not in it. myapp is a placeholder no
 * registry holds: the suite's myapp image answers its version and hostname over HTTP on 8080 and
 * keeps values on its claim. The guide's myapp:latest and myapp:v2 both map to myapp 2.0 (the
 * newest); the made-to-work run pins 1.0 so the guide's update to v2 changes something.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { dnsMatchesPods } from '../../lib/invariants/dns.js';
import { podIdentity } from '../../lib/invariants/identity.js';
import { orderedCreation, reverseTermination } from '../../lib/invariants/ordering.js';
import { storageReattached } from '../../lib/invariants/storage.js';
import { rollingUpdateOrder } from '../../lib/invariants/updates.js';
import type { Verdict } from '../../lib/invariants/verdict.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { DnsClient } from '../../lib/workloads/dns-client.js';
import { GuideMyapp } from '../../lib/workloads/guide-myapp.js';
import { checkDns, decideAll, decideFromVerdict, noteAdaptations, STATEFULSET_DOCS } from './common.js';

const THREE = [0, 1, 2];
const FIVE = [0, 1, 2, 3, 4];

describe('the Master of Stateful Applications guide: myapp', () => {
  test("as documented: the guide's myapp StatefulSet, then its headless Service, with only the environment adapted", async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: myapp', docs: `${STATEFULSET_DOCS}#stable-network-id` });
    const start = await scenario.checkpoint();
    const created = scenario.declare('ordered creation of myapp-0..2', 'myapp', (timeline) =>
      orderedCreation(timeline, { window: start, ordinals: THREE }),
    );
    const { myapp, fixture } = await scenario.step(
      "apply the guide's StatefulSet myapp (lines 62-92) as written, before its Service",
      () => GuideMyapp.deploy(scenario),
    );
    await noteAdaptations(scenario, fixture);
    await scenario.step('myapp has 3 Ready replicas', () => myapp.waitReady(3));
    const creation = await created.verdict();
    await decideFromVerdict(
      scenario,
      [
        'statefulsets-overview/created-sequentially',
        'master-stateful-applications/created-in-order',
        'master-stateful-applications/one-by-one-not-parallel',
      ],
      creation,
      { holds: 'myapp-0, myapp-1, myapp-2 were created in that order, one at a time' },
    );
    await decideFromVerdict(scenario, ['master-stateful-applications/next-after-ready'], creation, {
      holds:
        "each pod was created once its predecessor was Ready; the guide's set has no readiness probe, so Ready meant its container had started",
    });

    // Before the Service: names and hostnames, no DNS.
    const dns = await scenario.step('start a busybox DNS client in the same namespace', () =>
      DnsClient.deploy(scenario),
    );
    const servers = await scenario.step('find the DNS servers a pod reaches', () => dns.servers());
    const control = await scenario.step('read the control name kubernetes.default', () => dns.controlRecord());
    const withoutService = await scenario.step(
      'look up the pods and the Service while the Service does not exist',
      async () => ({
        observations: await dns.lookUpAll(await myapp.dnsRecords(THREE), servers),
        control: await dns.lookUpAll([control], servers),
      }),
    );
    const noService = dnsMatchesPods(withoutService.observations, { control: withoutService.control });
    await scenario.expectViolated(noService, ['dns-answer-mismatch']);
    const identities = await scenario.step(
      "read every pod's identity (spec.hostname, spec.subdomain, hostname -f)",
      () => Promise.all(THREE.map((ordinal) => myapp.identity(ordinal))),
    );
    const identity = podIdentity(identities, myapp.expectedIdentity(THREE));
    await scenario.expectHolds(identity);

    const serviceFixture = await scenario.step("apply the guide's headless Service myapp (lines 99-109)", () =>
      myapp.applyService(),
    );
    await noteAdaptations(scenario, serviceFixture);
    const serviceAt = Date.now();
    const withService = await checkDns(scenario, myapp, THREE, serviceAt);
    await decideFromVerdict(
      scenario,
      [
        'master-stateful-applications/stable-dns-name',
        'master-stateful-applications/dns-example',
        'master-stateful-applications/dns-entry-per-pod',
        'master-stateful-applications/headless-gives-identity',
      ],
      withService.verdict,
      {
        holds: `once the headless Service existed, myapp-N.myapp.${scenario.namespace.name}.svc.cluster.local resolved to each pod and myapp to all three (the guide's example says namespace default)`,
      },
    );
    const without = `without the Service the pods were created, named myapp-0..2 and Ready, with spec.hostname and spec.subdomain set (${identity.outcome}), but no name resolved (${noService.violations.length} mismatches while kubernetes.default answered)`;
    await decideAll(
      scenario,
      ['statefulsets-overview/headless-service-required', 'master-stateful-applications/must-point-to-headless'],
      {
        verdict: 'partly',
        observed: `${without}; with it every name resolved (${withService.verdict.outcome})`,
        qualifier:
          'the DNS names need the headless Service; the StatefulSet does not: the API server accepts a serviceName that names nothing, and the pods run and keep their names without it',
      },
    );

    const about = await scenario.step('GET / of each pod through its DNS name, from a peer', () =>
      Promise.all(THREE.map(async (ordinal) => ({ ordinal, answer: await myapp.about(ordinal, THREE) }))),
    );
    const named = about.every(({ ordinal, answer }) => answer.ok && answer.body.includes(`on myapp-${ordinal}`));
    await decideAll(
      scenario,
      ['statefulsets-overview/network-identity-name', 'master-stateful-applications/fixed-names'],
      {
        verdict: named && identity.holds ? 'holds' : 'does-not-hold',
        observed: about
          .map(({ ordinal, answer }) => `myapp-${ordinal}: ${answer.ok ? answer.body.split('\n')[0] : answer.error}`)
          .join('; '),
      },
    );
    const claims = await scenario.step('kubectl get pvc -l app=myapp', () => myapp.claims());
    const claimNames = claims.map((claim) => claim.name).sort();
    const perPod =
      claimNames.join(',') === 'myapp-storage-myapp-0,myapp-storage-myapp-1,myapp-storage-myapp-2' &&
      new Set(claims.map((claim) => claim.volume)).size === 3 &&
      claims.every((claim) => claim.phase === 'Bound');
    await decideAll(
      scenario,
      [
        'master-stateful-applications/pvc-names',
        'master-stateful-applications/own-pvc',
        'master-stateful-applications/unique-pvc-per-pod',
        'statefulsets-overview/own-pvc',
      ],
      {
        verdict: perPod ? 'holds' : 'does-not-hold',
        observed: claims.map((claim) => `${claim.name} ${claim.phase} ${claim.volume}`).join(', '),
      },
    );
    const policy = await scenario.step(
      'the guide\'s "podManagementPolicy: Parallel or Ordered (default)": try Ordered on a copy of the set',
      () => myapp.tryPodManagementPolicy('Ordered'),
    );
    await scenario.decide({
      claim: 'statefulsets-overview/pod-management-policy-values',
      verdict: policy.accepted ? 'holds' : 'partly',
      observed: policy.accepted
        ? policy.message
        : `the API server refuses Ordered (${policy.message}); the default, whose ordering this run observed, is named OrderedReady`,
      ...(policy.accepted
        ? {}
        : { qualifier: 'Parallel is a value and there is an ordered default; "Ordered" is not its name' }),
    });
    expect(named, 'every pod answers as myapp-N through its DNS name').toBe(true);
  });

  test("made to work: myapp pinned at 1.0 and updated to the guide's v2 (2.0), identity and data over HTTP, scaling 3 -> 5 -> 3, deleting the StatefulSet and then its claims", async ({
    scenario,
  }) => {
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    await scenario.about({ feature: 'Guides: myapp', docs: `${STATEFULSET_DOCS}#rolling-updates` });
    const { myapp, fixture } = await scenario.step(
      "apply the guide's myapp set pinned at myapp:1.0, and its Service",
      async () => {
        const deployed = await GuideMyapp.deploy(scenario, {
          image: {
            name: 'myapp:1.0',
            reason:
              ":latest names whatever is newest (here myapp 2.0, as :v2 does); pinned at 1.0 so the guide's update to v2 changes the image",
          },
        });
        await deployed.myapp.applyService();
        return deployed;
      },
    );
    await noteAdaptations(scenario, fixture);
    await scenario.step('myapp has 3 Ready replicas', () => myapp.waitReady(3));
    const values = new Map<number, string>();
    await scenario.step("store a unique value in each pod's /data over HTTP, through its DNS name", async () => {
      for (const ordinal of THREE) {
        const value = `myapp-${ordinal}-${randomBytes(6).toString('hex')}`;
        const answer = await myapp.store(ordinal, THREE, 'marker', value);
        if (!answer.ok) throw new Error(`storing in myapp-${ordinal} failed: ${answer.error}`);
        values.set(ordinal, value);
      }
    });
    const marker = (ordinal: number, peers: readonly number[]) => () => myapp.fetch(ordinal, peers, 'marker');

    const before = await scenario.step('note myapp-0: pod UID, claim, volume, value', () =>
      myapp.storageIdentity(0, marker(0, THREE)),
    );
    await scenario.step('delete myapp-0; it comes back Ready', async () => {
      await myapp.deletePod(0);
      await myapp.waitPodGone(0, before.podUid);
      await myapp.waitPodReady(0);
    });
    const reattached = storageReattached(
      before,
      await scenario.step('read myapp-0 again', () => myapp.storageIdentity(0, marker(0, THREE))),
    );
    await decideFromVerdict(
      scenario,
      [
        'master-stateful-applications/deleted-pod-keeps-pvc-and-data',
        'master-stateful-applications/volume-sticks',
        'statefulsets-overview/stable-storage',
      ],
      reattached,
      { holds: 'myapp-0 came back with its claim, its volume and the value stored in it' },
    );

    const scaleUp = await scenario.checkpoint();
    await scenario.step('kubectl scale statefulset myapp --replicas=5', async () => {
      await myapp.scaleTo(5);
      await myapp.waitReady(5);
    });
    const scaledUp = orderedCreation(await scenario.timeline('myapp'), { window: scaleUp, ordinals: [3, 4] });
    await decideFromVerdict(scenario, ['master-stateful-applications/scale-up-one-at-a-time'], scaledUp, {
      holds: 'myapp-3 was created once myapp-0..2 were Ready, myapp-4 once myapp-3 was',
    });
    const five = await checkDns(scenario, myapp, FIVE, Date.now());
    const fiveClaims = await myapp.claims();
    await decideFromVerdict(scenario, ['master-stateful-applications/scale-up-own-pvc-and-dns'], five.verdict, {
      holds: `myapp-3 and myapp-4 resolve by name and have their own claims (${fiveClaims
        .filter((claim) => /myapp-[34]$/.test(claim.name))
        .map((claim) => `${claim.name} ${claim.phase}`)
        .join(', ')})`,
    });
    await scenario.step('store values in myapp-3 and myapp-4', async () => {
      for (const ordinal of [3, 4]) {
        const value = `myapp-${ordinal}-${randomBytes(6).toString('hex')}`;
        const answer = await myapp.store(ordinal, FIVE, 'marker', value);
        if (!answer.ok) throw new Error(`storing in myapp-${ordinal} failed: ${answer.error}`);
        values.set(ordinal, value);
      }
    });

    // kubectl set image statefulset/myapp myapp=myapp:v2
    const initial = await myapp.statefulSet();
    const updateStart = await scenario.checkpoint();
    const v2 = await scenario.step('kubectl set image statefulset/myapp myapp=myapp:v2', () =>
      myapp.setImage('myapp:v2'),
    );
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      myapp.waitNewUpdateRevision(initial.status?.currentRevision as string),
    );
    await scenario.step('the rollout completes', () => myapp.waitRolloutComplete());
    const updated = rollingUpdateOrder(await scenario.timeline('myapp'), {
      window: updateStart,
      ordinals: [4, 3, 2, 1, 0],
      updateRevision,
      contract,
    });
    const versions = await scenario.step('GET the version of each pod', () =>
      Promise.all(FIVE.map(async (ordinal) => `${myapp.podName(ordinal)} ${await myapp.version(ordinal, FIVE)}`)),
    );
    const kept = await scenario.step('read the stored values back', () =>
      Promise.all(FIVE.map(async (ordinal) => (await myapp.fetch(ordinal, FIVE, 'marker')) === values.get(ordinal))),
    );
    await decideFromVerdict(scenario, ['master-stateful-applications/updates-one-at-a-time'], updated, {
      holds: `myapp-4 down to myapp-0 were replaced one at a time, each once the higher one ran ${v2} and was Ready`,
    });
    await scenario.decide({
      claim: 'master-stateful-applications/set-image-v2',
      verdict: versions.every((line) => line.endsWith(' 2.0')) && kept.every(Boolean) ? 'holds' : 'does-not-hold',
      observed: `${versions.join(', ')} (myapp:v2 runs as ${v2}); every stored value is still there: ${kept.every(Boolean)}`,
    });

    const undoStart = await scenario.checkpoint();
    const undoneTo = await scenario.step('kubectl rollout undo statefulset/myapp', () => myapp.rolloutUndo());
    await scenario.step('the rollback completes', async () => {
      await myapp.waitObserved();
      await myapp.waitRolloutComplete();
    });
    const back = await myapp.statefulSet();
    const undone = rollingUpdateOrder(await scenario.timeline('myapp'), {
      window: undoStart,
      ordinals: [4, 3, 2, 1, 0],
      updateRevision: back.status?.updateRevision as string,
      contract,
    });
    const rolledBack = await scenario.step('GET the version of each pod', () =>
      Promise.all(FIVE.map(async (ordinal) => `${myapp.podName(ordinal)} ${await myapp.version(ordinal, FIVE)}`)),
    );
    await scenario.decide({
      claim: 'master-stateful-applications/rollout-undo',
      verdict: undone.holds && rolledBack.every((line) => line.endsWith(' 1.0')) ? 'holds' : 'does-not-hold',
      observed: `the template of revision ${undoneTo} was applied back (${undone.outcome}: ${undone.checked}); ${rolledBack.join(', ')}`,
    });

    const scaleDown = await scenario.checkpoint();
    await scenario.step('kubectl scale statefulset myapp --replicas=3', async () => {
      await myapp.scaleTo(3);
      await myapp.waitReady(3);
      for (const ordinal of [4, 3]) await myapp.waitPodGone(ordinal);
    });
    const reversed = reverseTermination(await scenario.timeline('myapp'), { window: scaleDown, from: 5, to: 3 });
    await decideFromVerdict(
      scenario,
      [
        'master-stateful-applications/scale-down-reverse',
        'master-stateful-applications/deleted-in-reverse',
        'statefulsets-overview/terminated-in-reverse',
      ],
      reversed,
      { holds: 'myapp-4 went first, myapp-3 once myapp-4 was gone' },
    );
    const together: Verdict[] = [scaledUp, reversed];
    const firstBroken = together.find((verdict) => !verdict.holds);
    await decideFromVerdict(
      scenario,
      ['statefulsets-overview/ordered-scaling', 'statefulsets-overview/ordered-deployment'],
      firstBroken ?? reversed,
      { holds: 'scaling 3 -> 5 created 3 then 4, each after its predecessor was Ready; 5 -> 3 removed 4 then 3' },
    );
    await decideFromVerdict(
      scenario,
      ['master-stateful-applications/one-at-a-time-in-order'],
      [scaledUp, updated, reversed].find((verdict) => !verdict.holds) ?? updated,
      { holds: 'pods started, were updated and were terminated one at a time: 3 then 4; 4 down to 0; 4 then 3' },
    );
    const afterScaleDown = await myapp.claims();
    await decideAll(scenario, ['master-stateful-applications/pvcs-not-auto-deleted'], {
      verdict:
        afterScaleDown.length === 5 && afterScaleDown.every((claim) => !claim.terminating) ? 'holds' : 'does-not-hold',
      observed: `after scaling to 3: ${afterScaleDown.map((claim) => `${claim.name} ${claim.phase}`).join(', ')}`,
    });

    // kubectl delete statefulset myapp: the garbage collector removes the pods, in no order.
    const deletion = await scenario.checkpoint();
    await scenario.step('kubectl delete statefulset myapp; its pods go', async () => {
      await myapp.delete();
      for (const ordinal of THREE) await myapp.waitPodGone(ordinal);
    });
    const deleted = reverseTermination(await scenario.timeline('myapp'), { window: deletion, from: 3, to: 0 });
    if (deleted.outcome === 'inconclusive') await scenario.expectHolds(deleted);
    await scenario.decide(
      deleted.holds
        ? {
            claim: 'statefulsets-overview/delete-in-reverse',
            verdict: 'depends',
            observed: `this run happened to see the pods go in reverse order (${deleted.checked})`,
            qualifier:
              'on timing: once a StatefulSet is deleted its controller only updates status (stateful_set_control.go) and the garbage collector deletes the pods without any order; scale to 0 first for an ordered shutdown',
          }
        : {
            claim: 'statefulsets-overview/delete-in-reverse',
            verdict: 'does-not-hold',
            observed: `the garbage collector deleted the pods without waiting for the higher ones: ${deleted.violations
              .map((violation) => violation.message)
              .slice(0, 3)
              .join(
                '; ',
              )}; once a StatefulSet is deleted its controller only updates status (stateful_set_control.go): scale to 0 first for an ordered shutdown`,
          },
    );
    const remaining = await scenario.step('kubectl get pvc -l app=myapp', () => myapp.claims());
    await scenario.decide({
      claim: 'master-stateful-applications/pvcs-remain-after-deletion',
      verdict: remaining.length === 5 && remaining.every((claim) => !claim.terminating) ? 'holds' : 'does-not-hold',
      observed: remaining.map((claim) => `${claim.name} ${claim.phase}`).join(', '),
    });
    const deletedClaims = await scenario.step('kubectl delete pvc -l app=myapp; the claims go', async () => {
      const names = await myapp.deleteClaimsBySelector();
      for (const claim of remaining) await myapp.waitClaimGone(Number(claim.name.split('-').at(-1)), claim.uid);
      return names;
    });
    await scenario.decide({
      claim: 'master-stateful-applications/delete-pvc-by-label',
      verdict: deletedClaims.length === 5 ? 'holds' : 'does-not-hold',
      observed: `the selector app=myapp matched ${deletedClaims.join(', ')}: the controller labels each claim with the StatefulSet's selector (getPersistentVolumeClaims, stateful_set_utils.go), though the guide's claim template has no labels`,
    });
  });
});
