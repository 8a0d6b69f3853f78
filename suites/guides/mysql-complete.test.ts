/**
 * The complete guide's MySQL "complete configuration" (000, section 16.3, mysql-statefulset.yaml)
 * and what the guide does with it: "Advanced Example: Demonstrating Stable Network Identity" and
 * "Comprehensive Demo: Ordered Scaling and Updates". Twice: as documented (only this cluster's
 * needs adapted), deciding the guide's statements from what happens; and made to work (the one
 * correction its readiness probe needs), proving the StatefulSet behaviours on the database with
 * the verdicts of lib/invariants and the databases' own rows.
 */
import { ledgerFigures, ledgerIntact } from '../../lib/invariants/data.js';
import { dnsMatchesPods } from '../../lib/invariants/dns.js';
import { podIdentity } from '../../lib/invariants/identity.js';
import { orderedCreation, reverseTermination } from '../../lib/invariants/ordering.js';
import { storageReattached, type StorageIdentity } from '../../lib/invariants/storage.js';
import { partitionRespected, rollingUpdateOrder } from '../../lib/invariants/updates.js';
import type { Verdict } from '../../lib/invariants/verdict.js';
import { decisionFromVerdict } from '../../lib/claims/ledger.js';
import { describe, test, type Scenario } from '../../lib/harness/scenario.js';
import { between } from '../../lib/observe/timeline.js';
import { correctionTransforms, loadCorrection } from '../../lib/workloads/correction-files.js';
import { DnsClient } from '../../lib/workloads/dns-client.js';
import { describeOutcome } from '../../lib/workloads/nslookup.js';
import { applyGuideFixture, environment, GuideStatefulSet } from '../../lib/workloads/guide-workload.js';
import {
  COMPLETE_GUIDE_MYSQL,
  MysqlMembers,
  mysqlFidelity,
  readyWhileInitialising,
  temporaryServerWindow,
} from '../../lib/workloads/mysql-guide.js';
import { capCpuRequests, type Transform } from '../../lib/workloads/transforms.js';
import { STATEFULSET_DOCS } from '../core/docs.js';
import { noteAdaptations } from './common.js';
import { podList, watchUntilSettled } from './as-documented.js';
import { allOf } from './verdicts.js';

const SET = COMPLETE_GUIDE_MYSQL;
const ROWS_PER_MEMBER = 8;
/** A pod's requests that fit a 2-core node running the control plane and other scenario files beside 4 replicas. */
const CPU_REQUEST_CAP = environment(
  capCpuRequests(100, 'a 2-core node shared with the control plane and other tests cannot hold 4 x 250m'),
);

async function deploy(scenario: Scenario, corrections: readonly Transform[]): Promise<GuideStatefulSet> {
  await noteAdaptations(scenario, await applyGuideFixture(scenario, SET.fixture, [CPU_REQUEST_CAP, ...corrections]));
  return new GuideStatefulSet(scenario, SET.shape);
}

async function fidelityNote(scenario: Scenario): Promise<ReturnType<typeof mysqlFidelity>> {
  const fidelity = mysqlFidelity(scenario.cluster);
  await scenario.note('what runs for mysql:8.0', { image: fidelity.summary });
  return fidelity;
}

describe('complete guide: the MySQL "complete configuration" (mysql-statefulset.yaml)', () => {
  test("as documented: the guide's mysql-statefulset.yaml with only the environment adapted", async ({ scenario }) => {
    await scenario.about({ feature: 'Guides: MySQL complete configuration', docs: STATEFULSET_DOCS });
    await fidelityNote(scenario);
    const window = await scenario.checkpoint();
    // Whatever the probe does, the controller must create each pod only after its predecessor was Ready.
    const ordered = scenario.declare('ordered creation', SET.shape.name, (timeline) =>
      orderedCreation(timeline, { window, ordinals: [0] }),
    );
    const appliedAt = Date.now();
    const mysql = await scenario.step("apply the guide's mysql-statefulset.yaml (environment adaptations only)", () =>
      deploy(scenario, []),
    );
    const settled = await watchUntilSettled(scenario, mysql, window, appliedAt, 45_000);
    await scenario.expectHolds(ordered);

    const members = MysqlMembers.of(mysql);
    const existing = settled.members.filter((member) => member.exists).map((member) => member.pod);
    const ordinals = existing.map((pod) => Number(pod.slice(mysql.name.length + 1)));
    const accepting = await scenario.step(
      'each database that exists answers root over TCP with the password from mysql-secret',
      async () => {
        const answers: string[] = [];
        for (const ordinal of ordinals)
          answers.push(
            await members.waitAccepting(ordinal, 60_000).then(
              () => `${mysql.podName(ordinal)} accepts`,
              (error: Error) => `${mysql.podName(ordinal)} does not: ${error.message.split('\n')[0]}`,
            ),
          );
        return answers;
      },
    );
    const readiness = await scenario.step(
      `run the guide's readiness probe by hand in mysql-0: mysql -h localhost -e "SELECT 1"`,
      () => members.runAsTyped(0, ['mysql', '-h', 'localhost', '-e', 'SELECT 1']),
    );
    const liveness = await scenario.step(
      "run the guide's liveness probe by hand in mysql-0: mysqladmin ping -h localhost",
      () => members.runAsTyped(0, ['mysqladmin', 'ping', '-h', 'localhost']),
    );
    await scenario.note("the guide's probes, run by hand", {
      'databases up': accepting.join('; ') || 'no pod',
      readiness: `exit ${readiness.exitCode}: ${readiness.output}`,
      liveness: `exit ${liveness.exitCode}: ${liveness.output}`,
    });
    const claims = await scenario.step('kubectl get pvc -l app=mysql', () => mysql.claims());
    const claimNames = claims.map((claim) => claim.name).sort();

    const windows = await scenario.step(
      "read from each database's log when its entrypoint ran the temporary server (root without a password)",
      async () =>
        new Map(await Promise.all(ordinals.map(async (o) => [o, temporaryServerWindow(await mysql.logs(o))] as const))),
    );
    const readyAtEnd = settled.history.filter((entry) => entry.readyAtEnd).map((entry) => entry.pod);
    const briefly = settled.history.filter((entry) => entry.readySpells.length > 0 && !entry.readyAtEnd);
    const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
    const spellStory = briefly.map((entry) => {
      const window = windows.get(entry.ordinal);
      const during = readyWhileInitialising(entry.readyFrom, window);
      const seconds = ((entry.readySpells[0] ?? 0) / 1000).toFixed(1);
      return during !== undefined && window
        ? `${entry.pod} was Ready from ${clock(during)} for ${seconds} s, while its entrypoint's temporary server ran (${clock(window.from)}-${window.to ? clock(window.to) : 'on'}) and root had no password yet`
        : `${entry.pod} was Ready for ${seconds} s from ${clock(entry.readyFrom[0] ?? 0)}, then never again`;
    });
    const story = settled.history.map((entry) => entry.pod).join(', ');
    const stuck =
      readyAtEnd.length === existing.length
        ? `every pod stayed Ready`
        : `${podList(existing.filter((pod) => !readyAtEnd.includes(pod)))} not Ready at the end; the readiness probe prints "${readiness.output}" (exit ${readiness.exitCode}; the stand-in\'s words for mysql:8.0)${spellStory.length > 0 ? `; ${spellStory.join('; ')}` : ''}`;

    await scenario.decide({
      claim: 'complete-guide/mysql-ordered-creation',
      verdict: existing.length === 3 && readyAtEnd.length === 3 ? 'holds' : 'partly',
      observed: `pods created in this order: ${story || 'none'} (ordered-creation verdict holds: each after its predecessor was Ready); ${stuck}`,
      qualifier:
        existing.length === 3 && readyAtEnd.length === 3
          ? undefined
          : 'the order holds; what the reader then sees differs: the pods do not stay Ready, because the probe runs mysql as root without the password MYSQL_ROOT_PASSWORD gave root',
    });
    await scenario.decide({
      claim: 'complete-guide/mysql-health-checks-coordinate',
      verdict: readyAtEnd.length === existing.length && existing.length === 3 ? 'holds' : 'partly',
      observed: `the readiness probe is what the controller waited for (${settled.history.map((entry) => `${entry.pod} Ready ${entry.readySpells.length} time(s)`).join(', ')}); ${stuck}`,
      qualifier:
        readyAtEnd.length === existing.length && existing.length === 3
          ? undefined
          : "they gate the sequence, but the guide's readiness probe cannot pass once the database is initialised, so the sequence ends with no pod Ready",
    });
    await scenario.decide({
      claim: 'complete-guide/mysql-fully-ready',
      verdict: briefly.length === 0 && readyAtEnd.length === 3 ? 'holds' : 'partly',
      observed: `${settled.history.map((entry) => `${entry.pod}: Ready ${entry.readySpells.map((ms) => (ms === undefined ? 'to the end' : `${(ms / 1000).toFixed(1)} s`)).join(', ') || 'never'}`).join('; ')}`,
      qualifier:
        briefly.length === 0 && readyAtEnd.length === 3
          ? undefined
          : "the controller waits for Ready as the probe reports it and for nothing more: the next pod came after its predecessor's probe passed during initialisation, not after the database was ready",
    });
    await scenario.decide({
      claim: 'complete-guide/mysql-pvc-per-pod',
      verdict:
        claimNames.join() === ['mysql-data-mysql-0', 'mysql-data-mysql-1', 'mysql-data-mysql-2'].join()
          ? 'holds'
          : claimNames.length === existing.length
            ? 'partly'
            : 'does-not-hold',
      observed: `kubectl get pvc -l app=mysql lists ${podList(claimNames)}, for pods ${podList(existing)}`,
      qualifier:
        claimNames.length === 3
          ? undefined
          : `one claim per pod that was created, named as the guide says; ${existing.length} of 3 pods were created`,
    });
    await scenario.decide({
      claim: 'complete-guide/mysql-claim-names',
      verdict:
        claimNames.every((name, index) => name === `mysql-data-mysql-${index}`) && claimNames.length > 0
          ? 'holds'
          : 'does-not-hold',
      observed: `claims ${podList(claimNames)}`,
    });

    const before = await scenario.step('note the claim of mysql-0, then delete the pod mysql-0', async () => {
      const uid = await mysql.claims().then((all) => all.find((claim) => claim.name === 'mysql-data-mysql-0')?.uid);
      const podUid = await mysql.deletePod(0);
      await mysql.waitPodGone(0, podUid);
      return uid;
    });
    const after = await scenario.step('read the claim mysql-data-mysql-0 again', () =>
      mysql.claims().then((all) => all.find((claim) => claim.name === 'mysql-data-mysql-0')),
    );
    await scenario.decide({
      claim: 'complete-guide/mysql-pvcs-remain',
      verdict: after && after.uid === before ? 'holds' : 'does-not-hold',
      observed: after
        ? `after mysql-0 was deleted, mysql-data-mysql-0 is still there (uid ${after.uid.slice(0, 8)}, ${after.uid === before ? 'the same claim' : `not the claim before: ${before?.slice(0, 8)}`}), ${after.phase}`
        : 'mysql-data-mysql-0 is gone after mysql-0 was deleted',
    });

    const dns = await scenario.step("start the guide's DNS test pod (busybox) in the same namespace", () =>
      DnsClient.deploy(scenario),
    );
    const typed = await scenario.step(
      "run the guide's lookups in it: nslookup mysql-0.mysql, nslookup mysql",
      async () => [await dns.asTyped('mysql-0.mysql'), await dns.asTyped('mysql')],
    );
    await scenario.note(
      "the guide's nslookup, with no pod Ready (not decided here: the made-to-work run decides these lines once the pods are Ready)",
      Object.fromEntries(typed.map((lookup) => [lookup.command, describeOutcome(lookup.result.outcome)])),
      { name: 'nslookup output', content: typed.map((lookup) => `$ ${lookup.command}\n${lookup.output}`).join('\n\n') },
    );
  });

  test('made to work: the readiness probe given the root password; ordered creation, DNS, acknowledged rows through a pod deletion, the demo (scale 3 -> 4, partitioned rolling update, scale 4 -> 2), scaling to 0 and back', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: MySQL complete configuration', docs: STATEFULSET_DOCS });
    const fidelity = await fidelityNote(scenario);
    const correction = await loadCorrection('guides/complete-guide/corrections/readiness-probe-password.yaml');
    const start = await scenario.checkpoint();
    const ordered = scenario.declare('ordered creation', SET.shape.name, (timeline) =>
      orderedCreation(timeline, { window: start, ordinals: [0, 1, 2] }),
    );
    const appliedAt = Date.now();
    const mysql = await scenario.step(
      'apply mysql-statefulset.yaml with its readiness probe given the root password',
      () =>
        deploy(
          scenario,
          correctionTransforms(
            correction,
            "the guide's probe runs mysql as root without a password and is refused (ERROR 1045) once the database is initialised",
          ),
        ),
    );
    await scenario.step('mysql has 3 Ready replicas (kubectl wait --for=condition=Ready pod -l app=mysql)', () =>
      mysql.waitReady(3),
    );
    await scenario.figure('seconds from apply to 3 Ready replicas', Math.round((Date.now() - appliedAt) / 1000), 's');
    const creation = await ordered.verdict();
    await scenario.expectHolds(creation);
    await scenario.decide(
      decisionFromVerdict('complete-guide/mysql-creation-order-comment', creation, {
        holds:
          'mysql-0, mysql-1, mysql-2 created in that order, each once its predecessor was Running and Ready by the (corrected) readiness probe',
      }),
    );

    // "Advanced Example: Demonstrating Stable Network Identity"
    const dns = await scenario.step("start the guide's DNS test pod (busybox)", () => DnsClient.deploy(scenario));
    const servers = await scenario.step('find the DNS servers a pod reaches', () => dns.servers());
    const control = await scenario.step('read the control name kubernetes.default', () => dns.controlRecord());
    await scenario.step('wait until every server answers every member name and the Service 3 rounds in a row', () =>
      dns.waitUntilConverged(() => mysql.dnsRecords([0, 1, 2]), servers, { consecutive: 3 }),
    );
    const lookups = await scenario.step(
      'look up mysql-0..2.mysql.<ns>.svc.cluster.local and mysql.<ns>.svc.cluster.local via every server',
      async () => ({
        observations: await dns.lookUpAll(await mysql.dnsRecords([0, 1, 2]), servers),
        control: await dns.lookUpAll([control], servers),
      }),
    );
    const dnsVerdict = dnsMatchesPods(lookups.observations, { control: lookups.control });
    await scenario.expectHolds(dnsVerdict);
    await scenario.expectHolds(
      podIdentity(
        await scenario.step("read every pod's identity (hostname -f)", () =>
          Promise.all([0, 1, 2].map((o) => mysql.identity(o))),
        ),
        mysql.expectedIdentity([0, 1, 2]),
      ),
    );
    await scenario.decide(
      decisionFromVerdict('complete-guide/mysql-headless-dns-names', dnsVerdict, {
        holds: `mysql-0.mysql.${scenario.namespace.name}.svc.cluster.local and its siblings resolve to their pods via every CoreDNS (the guide's "default" is this run's namespace)`,
      }),
    );
    const typed = await scenario.step(
      "run the guide's lookups as typed: nslookup mysql-0.mysql, mysql-1.mysql, mysql-2.mysql, mysql",
      async () => {
        const results = [];
        for (const name of ['mysql-0.mysql', 'mysql-1.mysql', 'mysql-2.mysql', 'mysql'])
          results.push(await dns.asTyped(name));
        return results;
      },
    );
    const records = await mysql.dnsRecords([0, 1, 2]);
    await scenario.note(
      "the guide's nslookup, as typed",
      Object.fromEntries(typed.map((lookup) => [lookup.command, describeOutcome(lookup.result.outcome)])),
      { name: 'nslookup output', content: typed.map((lookup) => `$ ${lookup.command}\n${lookup.output}`).join('\n\n') },
    );
    const member0 = typed[0]!;
    const member0Ip = records[0]?.addresses[0];
    const fqdnResolves = dnsVerdict.holds;
    await scenario.decide({
      claim: 'complete-guide/nslookup-member',
      verdict:
        member0.result.outcome.kind === 'answer' && member0.result.outcome.addresses.join() === member0Ip
          ? 'holds'
          : 'does-not-hold',
      observed:
        member0.result.outcome.kind === 'answer'
          ? `\`nslookup mysql-0.mysql\` answers ${describeOutcome(member0.result.outcome)} (mysql-0's IP is ${member0Ip})`
          : `\`nslookup mysql-0.mysql\` in busybox 1.35 prints ${describeOutcome(member0.result.outcome)}: its nslookup does not try the resolv.conf search list for a name with a dot, so the short name never reaches mysql-0.mysql.<ns>.svc.cluster.local, ${fqdnResolves ? "which itself resolves to mysql-0's IP (DNS verdict above)" : 'and the full name did not resolve either'}. (busybox here: the suite's 1.35.0 build from Debian, standing in for busybox:1.35)`,
    });
    const service = typed[3]!;
    const allIps = records.at(-1)?.addresses ?? [];
    await scenario.decide({
      claim: 'complete-guide/nslookup-headless-service',
      verdict:
        service.result.outcome.kind === 'answer' &&
        service.result.outcome.addresses.join() === [...allIps].sort().join()
          ? 'holds'
          : 'does-not-hold',
      observed: `\`nslookup mysql\` answers ${describeOutcome(service.result.outcome)}; the three pods are ${allIps.join(', ')}`,
    });

    // The databases' own proof: rows each member acknowledged.
    const members = MysqlMembers.of(mysql);
    await scenario.step(`write ${ROWS_PER_MEMBER} acknowledged rows into each member's own database`, async () => {
      for (const ordinal of [0, 1, 2]) {
        await members.waitAccepting(ordinal);
        await members.ensureLedger(ordinal);
        await members.writeRows(ordinal, ROWS_PER_MEMBER, `m${ordinal}`);
      }
    });
    const checkLedgers = async (ordinals: readonly number[], after: string): Promise<Verdict[]> => {
      const verdicts: Verdict[] = [];
      for (const ordinal of ordinals) {
        const read = await scenario.step(`read mysql-${ordinal}'s rows ${after}`, () =>
          members.readBack(ordinal, after),
        );
        const figures = ledgerFigures(members.ledger(ordinal), read);
        await scenario.figure(`mysql-${ordinal} ${after}: rows acknowledged`, figures.acknowledged);
        await scenario.figure(`mysql-${ordinal} ${after}: rows read back`, figures.readBack);
        await scenario.figure(`mysql-${ordinal} ${after}: rows lost`, figures.lost);
        const verdict = ledgerIntact(members.ledger(ordinal), read);
        await scenario.expectHolds(verdict);
        verdicts.push(verdict);
      }
      return verdicts;
    };
    const markerOf = (ordinal: number) => async () => MysqlMembers.marker(await members.readBack(ordinal, 'marker'));

    const beforeDelete = await scenario.step('note mysql-1: pod UID, claim, volume and a digest of its rows', () =>
      mysql.storageIdentity(1, markerOf(1)),
    );
    await scenario.step('delete mysql-1 and wait for its replacement to be Ready', async () => {
      await mysql.deletePod(1);
      await mysql.waitPodGone(1, beforeDelete.podUid);
      await mysql.waitPodReady(1);
      await members.waitAccepting(1);
    });
    const reattached = storageReattached(
      beforeDelete,
      await scenario.step('read mysql-1 again', () => mysql.storageIdentity(1, markerOf(1))),
    );
    await scenario.expectHolds(reattached);
    const [afterDelete] = await checkLedgers([1], 'after its pod was deleted');
    await scenario.decide(
      decisionFromVerdict('complete-guide/mysql-pvcs-persist-data', allOf([reattached, afterDelete!]), {
        holds: `mysql-1 was deleted; its replacement mounts the same claim and volume and reads all ${ROWS_PER_MEMBER} rows its database acknowledged`,
      }),
    );

    // "Comprehensive Demo: Ordered Scaling and Updates"
    const scaleUp = await scenario.checkpoint();
    await scenario.step('kubectl scale statefulset mysql --replicas=4; wait for mysql-3 Ready', async () => {
      await mysql.scaleTo(4);
      await mysql.waitReady(4);
    });
    const fourth = orderedCreation(await scenario.timeline(mysql.name), { window: scaleUp, ordinals: [3] });
    await scenario.expectHolds(fourth);
    await scenario.decide(
      decisionFromVerdict('complete-guide/pods-created-strict-order', allOf([creation, fourth]), {
        holds:
          'mysql-0, mysql-1, mysql-2 at apply, then mysql-3 when scaled to 4, each once every lower ordinal was Running and Ready',
      }),
    );
    await scenario.decide(
      decisionFromVerdict('complete-guide/demo-mysql-3-after-all-ready', fourth, {
        holds: 'mysql-3 was created once mysql-0, mysql-1 and mysql-2 were Running and Ready',
      }),
    );
    await scenario.step(`write ${ROWS_PER_MEMBER} acknowledged rows into mysql-3`, async () => {
      await members.waitAccepting(3);
      await members.ensureLedger(3);
      await members.writeRows(3, ROWS_PER_MEMBER, 'm3');
    });

    await scenario.decide({
      claim: 'complete-guide/demo-set-image-8-0-33',
      verdict: 'not-run-here',
      observed: 'the rolling update below changes a pod template annotation instead of the image',
      qualifier: fidelity.standIn
        ? `a rollout from mysql:8.0 to mysql:8.0.33 ${fidelity.notRunHere} (one MariaDB version exists here, so every mysql tag maps to it)`
        : 'the suite does not pull a second MySQL version; the order of a rollout is the same for any template change',
    });
    const oldRevision = (await mysql.statefulSet()).status?.currentRevision as string;
    const updateStart = await scenario.checkpoint();
    await scenario.step(
      'set partition 2 and change the pod template (an annotation: the stand-in has one version)',
      async () => {
        await mysql.setPartition(2);
        await mysql.waitObserved();
        await mysql.changeTemplate('complete-guide-rollout');
      },
    );
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      mysql.waitNewUpdateRevision(oldRevision),
    );
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    const wholeUpdate = scenario.declare('rolling update order', mysql.name, (timeline) =>
      rollingUpdateOrder(timeline, { window: updateStart, ordinals: [3, 2, 1, 0], updateRevision, contract }),
    );
    await scenario.step('mysql-3 and mysql-2 run the new revision; mysql-1 and mysql-0 wait below the partition', () =>
      mysql.waitPartitionRolledOut(2),
    );
    const paused = await scenario.checkpoint();
    const partitionVerdict = partitionRespected(await scenario.timeline(mysql.name), {
      window: between(updateStart, paused),
      partition: 2,
      updateRevision,
    });
    await scenario.expectHolds(partitionVerdict);
    await scenario.decide(
      decisionFromVerdict('complete-guide/partition-pauses-updates', partitionVerdict, {
        holds:
          'with partition 2, mysql-3 then mysql-2 moved to the new revision; mysql-1 and mysql-0 stayed at the old one until the partition was lowered',
      }),
    );
    await scenario.step('lower the partition to 0 (kubectl rollout status statefulset mysql)', async () => {
      await mysql.setPartition(0);
      await mysql.waitObserved();
      await mysql.waitRolloutComplete();
    });
    const updateVerdict = await wholeUpdate.verdict();
    await scenario.expectHolds(updateVerdict);
    for (const claim of ['complete-guide/demo-updates-reverse-order', 'complete-guide/update-strategy-reverse-comment'])
      await scenario.decide(
        decisionFromVerdict(claim, updateVerdict, {
          holds:
            'mysql-3, mysql-2, mysql-1, mysql-0 were replaced in that order, one at a time, each once every higher ordinal was updated and Ready (a template annotation change, not a new image)',
        }),
      );
    await checkLedgers([0, 1, 2, 3], 'after the rolling update');

    const claimsBefore = await scenario.step('note the claims of mysql-2 and mysql-3', async () =>
      Object.fromEntries((await mysql.claims()).map((claim) => [claim.name, claim.uid])),
    );
    const scaleDown = await scenario.checkpoint();
    await scenario.step('kubectl scale statefulset mysql --replicas=2; mysql-3 and mysql-2 are gone', async () => {
      await mysql.scaleTo(2);
      await mysql.waitReady(2);
      await mysql.waitPodGone(3);
      await mysql.waitPodGone(2);
    });
    const reverse = reverseTermination(await scenario.timeline(mysql.name), { window: scaleDown, from: 4, to: 2 });
    await scenario.expectHolds(reverse);
    for (const claim of [
      'complete-guide/demo-scale-down-keeps-0-and-1',
      'complete-guide/scale-down-reverse-order',
      'complete-guide/patch-scales-down-highest-first',
    ])
      await scenario.decide(
        decisionFromVerdict(claim, reverse, {
          holds:
            'mysql-3 was asked to go first and mysql-2 only once mysql-3 was gone; mysql-0 and mysql-1 stayed Ready throughout',
        }),
      );
    const claimsKept = await scenario.step(
      'the claims of mysql-2 and mysql-3 are still there, the same claims',
      async () => {
        const now = Object.fromEntries((await mysql.claims()).map((claim) => [claim.name, claim.uid]));
        return ['mysql-data-mysql-2', 'mysql-data-mysql-3'].map((name) => ({
          name,
          kept: Boolean(now[name]) && now[name] === claimsBefore[name],
        }));
      },
    );

    // Scale to 0 and back: every member's claim, volume and rows come back.
    const beforeRestart = new Map<number, StorageIdentity>();
    await scenario.step('note mysql-0 and mysql-1: claim, volume, digest of rows', async () => {
      for (const ordinal of [0, 1]) beforeRestart.set(ordinal, await mysql.storageIdentity(ordinal, markerOf(ordinal)));
    });
    await scenario.step('scale mysql to 0 and wait until every pod is gone', async () => {
      await mysql.scaleTo(0);
      await mysql.waitReady(0);
      for (const ordinal of [0, 1]) await mysql.waitPodGone(ordinal);
    });
    await scenario.step('scale mysql back to 4', async () => {
      await mysql.scaleTo(4);
      await mysql.waitReady(4);
      for (const ordinal of [0, 1, 2, 3]) await members.waitAccepting(ordinal);
    });
    for (const ordinal of [0, 1])
      await scenario.expectHolds(
        storageReattached(
          beforeRestart.get(ordinal) as StorageIdentity,
          await scenario.step(`read mysql-${ordinal} again`, () => mysql.storageIdentity(ordinal, markerOf(ordinal))),
        ),
      );
    const afterRestart = await checkLedgers([0, 1, 2, 3], 'after scaling to 0 and back to 4');
    const volumesBack = allOf(afterRestart.slice(2));
    for (const claim of ['complete-guide/demo-volumes-remain-available', 'complete-guide/volumes-remain-for-scale-up'])
      await scenario.decide(
        claimsKept.every((entry) => entry.kept)
          ? decisionFromVerdict(claim, volumesBack, {
              holds:
                'after scaling 4 -> 2, mysql-data-mysql-2 and mysql-data-mysql-3 stayed (same UIDs); scaled back up, mysql-2 and mysql-3 read every row they had acknowledged',
            })
          : {
              claim,
              verdict: 'does-not-hold',
              observed: `after scaling 4 -> 2: ${claimsKept.map((entry) => `${entry.name} ${entry.kept ? 'kept' : 'not kept'}`).join(', ')}`,
            },
      );
  });
});
