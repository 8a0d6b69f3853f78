/**
 * Day 11's "Real-World Example: MySQL Primary-Replica" (001): a ConfigMap with primary.cnf and
 * replica.cnf, and a StatefulSet whose init container picks one by ordinal. The guide's result:
 * "mysql-0: Primary (accepts writes)", "mysql-1: Replica (read-only, replicates from primary)".
 *
 * As documented, then with what it lacks added one piece at a time (the Secret and Service it
 * names; read-only where MariaDB has no super-read-only), each piece's effect observed; then made
 * to work with the replication the manifest never sets up (a clone of the primary and a replica
 * pointed at it, as the kubernetes.io replicated-MySQL tutorial does it), and the StatefulSet
 * behaviours proven on a replicating database: rows written on mysql-0 reach every replica, the
 * replicas refuse writes, a replica rebuilt from nothing catches up.
 */
import { ledgerFigures, ledgerIntact } from '../../lib/invariants/data.js';
import { dnsMatchesPods } from '../../lib/invariants/dns.js';
import { podIdentity } from '../../lib/invariants/identity.js';
import { orderedCreation, reverseTermination } from '../../lib/invariants/ordering.js';
import { replicasCaughtUp, replicasRefuseWrites } from '../../lib/invariants/replication.js';
import { storageReattached } from '../../lib/invariants/storage.js';
import { partitionRespected, rollingUpdateOrder } from '../../lib/invariants/updates.js';
import { describeViolations } from '../../lib/invariants/verdict.js';
import { describe, test, type Scenario } from '../../lib/harness/scenario.js';
import { between } from '../../lib/observe/timeline.js';
import {
  applyCorrectionObjects,
  correctionTransforms,
  editConfigMap,
  loadCorrection,
} from '../../lib/workloads/correction-files.js';
import { DnsClient } from '../../lib/workloads/dns-client.js';
import { describeMember } from '../../lib/workloads/guide-observe.js';
import { applyGuideFixture, GuideStatefulSet } from '../../lib/workloads/guide-workload.js';
import { DAY_11_MYSQL, describeSettings, MysqlMembers, mysqlFidelity } from '../../lib/workloads/mysql-guide.js';
import { describeOutcome } from '../../lib/workloads/nslookup.js';
import type { Transform } from '../../lib/workloads/transforms.js';
import { STATEFULSET_DOCS } from '../core/docs.js';
import { noteAdaptations } from './common.js';
import { bothRuns, podList, watchUntilSettled } from './as-documented.js';

const SET = DAY_11_MYSQL;
/** How long a row acknowledged by mysql-0 may take to be readable on a replica. */
const REPLICATION_DEADLINE_MS = 30_000;
const ROWS = 10;

const SUPER_READ_ONLY = editConfigMap(
  'mysql-config',
  'replica.cnf',
  'super-read-only',
  'read-only',
  'MariaDB, standing in for mysql:8.0, has no super_read_only and refuses to start with it; read_only is the nearest it has',
);

async function deploy(scenario: Scenario, transforms: readonly Transform[]): Promise<GuideStatefulSet> {
  await noteAdaptations(scenario, await applyGuideFixture(scenario, SET.fixture, transforms));
  return new GuideStatefulSet(scenario, SET.shape);
}

describe('Day 11: the MySQL primary/replica example', () => {
  test('as documented, then with what it lacks added in turn: the Secret and Service it names, then read-only where MariaDB has no super-read-only', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: MySQL primary/replica', docs: STATEFULSET_DOCS });
    const fidelity = mysqlFidelity(scenario.cluster);
    await scenario.note('what runs for mysql:8.0', { image: fidelity.summary });
    const window = await scenario.checkpoint();
    const ordered = scenario.declare('ordered creation', SET.shape.name, (timeline) =>
      orderedCreation(timeline, { window, ordinals: [0] }),
    );

    // 1. The guide's manifest as it is.
    const appliedAt = Date.now();
    const mysql = await scenario.step(
      "apply the guide's ConfigMap and StatefulSet (environment adaptations only)",
      () => deploy(scenario, []),
    );
    const asIs = await watchUntilSettled(scenario, mysql, window, appliedAt, 20_000);
    const dns = await scenario.step('start a busybox DNS client in the same namespace', () =>
      DnsClient.deploy(scenario),
    );
    const primaryName = `mysql-0.mysql.${scenario.namespace.name}.svc.cluster.local`;
    const beforeService = await scenario.step(`look up ${primaryName} (the guide's "Writes -> mysql-0.mysql")`, () =>
      dns.asTyped(primaryName),
    );

    // 2. The Secret and Service it names.
    const missing = await loadCorrection('guides/day-11/corrections/secret-and-service.yaml');
    const stage2At = Date.now();
    await scenario.step('add the Secret mysql-secret and the headless Service mysql the manifest names', () =>
      applyCorrectionObjects(scenario, missing, 'the manifest refers to both and the guide defines neither'),
    );
    const withObjects = await watchUntilSettled(scenario, mysql, window, stage2At, 45_000);
    const members = MysqlMembers.of(mysql);
    const primaryWrites = await scenario.step(`write ${ROWS} rows into mysql-0 as root`, async () => {
      await members.waitAccepting(0);
      await members.ensureLedger(0);
      return members.writeRows(0, ROWS, 'primary');
    });
    const primarySettings = await scenario.step("read mysql-0's server_id, read_only, binary log", () =>
      members.settings(0),
    );
    const refusals = await scenario.step("read each replica's log: what did its server say?", async () => {
      const refused = new Map<string, string>();
      for (const member of withObjects.members.filter((candidate) => candidate.pod !== 'mysql-0')) {
        const ordinal = Number(member.pod.slice('mysql-'.length));
        const log = await bothRuns(mysql, ordinal);
        const option = /unknown (?:option|variable) '?-*super[-_]read[-_]only'?/i.exec(log)?.[0];
        if (option) refused.set(member.pod, option);
      }
      return refused;
    });
    const afterService = await scenario.step(`look up ${primaryName} again`, () => dns.asTyped(primaryName));

    // 3. On the stand-in the replicas refuse super-read-only: read-only instead, and the replicas
    // started again so their init container copies it. (With mysql:8.0 they run as they are.)
    let running = withObjects.members.filter((member) => member.pod !== 'mysql-0' && member.ready);
    if (running.length === 0 && fidelity.standIn) {
      const stage3At = Date.now();
      await scenario.step(
        'replace super-read-only with read-only in mysql-config, and delete the replicas so their init container copies it again',
        async () => {
          await applyGuideFixture(scenario, SET.fixture, [SUPER_READ_ONLY]);
          for (const member of withObjects.members.filter((candidate) => candidate.pod !== 'mysql-0'))
            await mysql.deletePod(Number(member.pod.slice('mysql-'.length)));
        },
      );
      const readOnly = await watchUntilSettled(scenario, mysql, window, stage3At, 45_000);
      running = readOnly.members.filter((member) => member.pod !== 'mysql-0' && member.ready);
    }
    const replicaOrdinals = running.map((member) => Number(member.pod.slice('mysql-'.length)));
    const settingsAfter = await scenario.step(
      "read every running member's server_id, read_only, binary log and replication status",
      async () => {
        const all = [];
        for (const ordinal of [0, ...replicaOrdinals]) {
          await members.waitAccepting(ordinal);
          all.push(await members.settings(ordinal));
        }
        return all;
      },
    );
    let catchUp: ReturnType<typeof replicasCaughtUp> | undefined;
    let reads: Awaited<ReturnType<MysqlMembers['waitReplicated']>> = [];
    let writeAttempts: Awaited<ReturnType<MysqlMembers['tryWrite']>>[] = [];
    if (replicaOrdinals.length > 0) {
      await scenario.step(`write ${ROWS} more rows into mysql-0`, () => members.writeRows(0, ROWS, 'primary'));
      reads = await scenario.step(
        `read the replicas until they hold mysql-0's rows, for at most ${REPLICATION_DEADLINE_MS / 1000} s`,
        () => members.waitReplicated(0, replicaOrdinals, REPLICATION_DEADLINE_MS),
      );
      catchUp = replicasCaughtUp(members.ledger(0), reads);
      await scenario.note('do the replicas hold what mysql-0 acknowledged?', {
        verdict: `${catchUp.outcome}: ${catchUp.checked}`,
        violations: describeViolations(catchUp) || 'none',
      });
      writeAttempts = await scenario.step(
        'on each replica, create the ledger tables and an account with rights on them only (as root), then try a write as that account and as root',
        async () => {
          const attempts = [];
          for (const ordinal of replicaOrdinals) {
            // Nothing replicated the ledger here: root creates its tables (read_only lets root through).
            await members.ensureLedger(ordinal);
            const writer = await members.createWriter(ordinal);
            attempts.push(await members.tryWrite(ordinal, writer));
            attempts.push(await members.tryWrite(ordinal, members.options.root));
          }
          return attempts;
        },
      );
      await scenario.note('writes tried on the replicas', {
        attempts: writeAttempts
          .map((attempt) => `${attempt.replica} ${attempt.outcome} (${attempt.detail})`)
          .join('; '),
      });
    }
    await scenario.expectHolds(ordered);

    // Decisions.
    const asIsPrimary = asIs.members.find((member) => member.pod === 'mysql-0');
    const asIsText = asIsPrimary ? describeMember(asIsPrimary) : 'mysql-0 absent';
    const serverIds = settingsAfter;
    await scenario.decide({
      claim: 'day-11/mysql-0-primary-accepts-writes',
      verdict: primaryWrites === ROWS ? 'partly' : 'does-not-hold',
      observed: `as documented: ${asIsText}. With the Secret added: mysql-0 acknowledged ${primaryWrites} of ${ROWS} rows; ${describeSettings(primarySettings)}`,
      qualifier:
        'mysql-0 is a writable server with a binary log once the Secret the manifest names exists; the guide never defines it, so as documented its container never starts',
    });
    const replicaSettings = settingsAfter.filter((settings) => settings.pod !== 'mysql-0');
    for (const [claim, pod] of [
      ['day-11/mysql-1-replica', 'mysql-1'],
      ['day-11/mysql-2-replica', 'mysql-2'],
    ] as const) {
      const settings = replicaSettings.find((candidate) => candidate.pod === pod);
      const attempts = writeAttempts.filter((attempt) => attempt.replica === pod);
      const read = reads.find((candidate) => candidate.replica === pod);
      const acknowledged = members.ledger(0).acknowledged;
      const held = read?.ids ? acknowledged.filter((id) => read.ids!.includes(id)).length : undefined;
      const refusedOption = refusals.get(pod);
      await scenario.decide({
        claim,
        verdict: settings ? 'does-not-hold' : 'not-run-here',
        observed: [
          `with the Secret and Service added, ${pod} ${refusedOption ? `does not start on the stand-in: the server refuses "${refusedOption}"` : describeMember(withObjects.members.find((member) => member.pod === pod) ?? { pod, exists: false, ready: false, containers: [], warnings: [] })}`,
          settings
            ? `with read-only instead: ${describeSettings(settings)}; it holds ${held ?? 'an unreadable number'} of the ${acknowledged.length} rows mysql-0 acknowledged, ${REPLICATION_DEADLINE_MS / 1000} s after the last; writes: ${attempts.map((attempt) => `${attempt.outcome} (${attempt.detail})`).join(', ')}`
            : `${pod} never ran as a replica here`,
        ].join('. '),
        qualifier: settings
          ? `replication: nothing in the manifest copies mysql-0's data or names a source for ${pod} (no CHANGE REPLICATION SOURCE or CHANGE MASTER anywhere), so no server replicates, MySQL 8.0 no more than MariaDB. read-only: super-read-only, which would refuse root as well, ${fidelity.notRunHere}; MariaDB's read_only refuses an ordinary account but lets root through (READ_ONLY ADMIN is part of ALL PRIVILEGES)`
          : `super-read-only ${fidelity.notRunHere}`,
      });
    }
    await scenario.decide({
      claim: 'day-11/writes-to-mysql-0-mysql',
      verdict: afterService.result.outcome.kind === 'answer' ? 'partly' : 'does-not-hold',
      observed: `as documented, ${primaryName} resolves to ${describeOutcome(beforeService.result.outcome)} (the guide defines no Service mysql); with the headless Service added, ${describeOutcome(afterService.result.outcome)}; mysql-0 takes writes (${primaryWrites} rows acknowledged)`,
      qualifier:
        'the name exists only with a headless Service named mysql, which the manifest names in serviceName and the guide never defines',
    });
    await scenario.decide({
      claim: 'day-11/reads-from-replicas',
      verdict: catchUp ? (catchUp.holds ? 'holds' : 'does-not-hold') : 'not-run-here',
      observed: catchUp
        ? `reads from ${podList(replicaOrdinals.map((ordinal) => `mysql-${ordinal}`))} ${catchUp.holds ? 'return' : 'miss'} what was written to mysql-0: ${describeViolations(catchUp) || catchUp.checked}`
        : 'the replicas never ran',
      qualifier: catchUp ? undefined : `the replicas need super-read-only: ${fidelity.notRunHere}`,
    });
    await scenario.decide({
      claim: 'day-11/init-chooses-primary-or-replica',
      verdict:
        serverIds.length > 1 &&
        serverIds.every((settings) =>
          settings.pod === 'mysql-0' ? settings.serverId === 1 && !settings.readOnly : settings.readOnly,
        )
          ? 'holds'
          : 'not-run-here',
      observed: serverIds.map(describeSettings).join('; '),
      qualifier: serverIds.length > 1 ? undefined : `no replica ran: ${fidelity.notRunHere}`,
    });
    await scenario.decide({
      claim: 'day-11/init-unique-server-id',
      verdict:
        serverIds.length > 1 && new Set(serverIds.map((settings) => settings.serverId)).size === serverIds.length
          ? 'holds'
          : 'not-run-here',
      observed: serverIds.map((settings) => `${settings.pod} server_id ${settings.serverId}`).join(', '),
      qualifier: serverIds.length > 1 ? undefined : `no replica ran: ${fidelity.notRunHere}`,
    });
  });

  test('made to work: the Secret and Service, read-only, a readiness probe, and replication by clone (init container) and replica setup (sidecar); ordered creation, DNS, rows replicated to every replica, replicas refusing writes, a pod deletion, a replica rebuilt from nothing, a partitioned rolling update, scaling to 0 and back', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: MySQL primary/replica', docs: STATEFULSET_DOCS });
    const fidelity = mysqlFidelity(scenario.cluster);
    await scenario.note('what runs for mysql:8.0', { image: fidelity.summary });
    const missing = await loadCorrection('guides/day-11/corrections/secret-and-service.yaml');
    const replication = await loadCorrection('guides/day-11/corrections/replication.yaml');
    const start = await scenario.checkpoint();
    const ordered = scenario.declare('ordered creation', SET.shape.name, (timeline) =>
      orderedCreation(timeline, { window: start, ordinals: [0, 1, 2] }),
    );
    const appliedAt = Date.now();
    const mysql = await scenario.step('apply the example with its corrections', () =>
      deploy(scenario, [
        ...correctionTransforms(missing, 'the manifest names them and the guide defines neither'),
        ...(fidelity.standIn ? [SUPER_READ_ONLY] : []),
        ...correctionTransforms(
          replication,
          "nothing in the guide copies the primary's data to a replica or tells a replica where its primary is",
        ),
      ]),
    );
    await scenario.step('mysql has 3 Ready replicas, each created once the previous one answered over TCP', () =>
      mysql.waitReady(3),
    );
    await scenario.figure('seconds from apply to 3 Ready replicas', Math.round((Date.now() - appliedAt) / 1000), 's');
    await scenario.expectHolds(ordered);

    const dns = await scenario.step('start a busybox DNS client', () => DnsClient.deploy(scenario));
    const servers = await scenario.step('find the DNS servers a pod reaches', () => dns.servers());
    const control = await scenario.step('read the control name kubernetes.default', () => dns.controlRecord());
    await scenario.step('wait until every server answers every member name and the Service 3 rounds in a row', () =>
      dns.waitUntilConverged(() => mysql.dnsRecords([0, 1, 2]), servers, { consecutive: 3 }),
    );
    const lookups = await scenario.step('look up every member and the Service via every server', async () => ({
      observations: await dns.lookUpAll(await mysql.dnsRecords([0, 1, 2]), servers),
      control: await dns.lookUpAll([control], servers),
    }));
    await scenario.expectHolds(dnsMatchesPods(lookups.observations, { control: lookups.control }));
    await scenario.expectHolds(
      podIdentity(
        await scenario.step("read every pod's identity (hostname -f)", () =>
          Promise.all([0, 1, 2].map((ordinal) => mysql.identity(ordinal))),
        ),
        mysql.expectedIdentity([0, 1, 2]),
      ),
    );

    const members = MysqlMembers.of(mysql);
    const replicated = async (label: string, replicas: readonly number[] = [1, 2]) => {
      await scenario.step(`write ${ROWS} rows into mysql-0 (${label})`, () => members.writeRows(0, ROWS, 'primary'));
      const reads = await scenario.step(
        `read ${podList(replicas.map((ordinal) => `mysql-${ordinal}`))} until they hold every row mysql-0 acknowledged (at most ${REPLICATION_DEADLINE_MS / 1000} s)`,
        () => members.waitReplicated(0, replicas, REPLICATION_DEADLINE_MS),
      );
      const verdict = replicasCaughtUp(members.ledger(0), reads);
      for (const read of reads)
        if (read.caughtUpAfterMs !== undefined)
          await scenario.figure(`${read.replica} caught up (${label})`, read.caughtUpAfterMs, 'ms');
      return verdict;
    };
    const primaryIntact = async (label: string) => {
      const read = await scenario.step(`read mysql-0's rows ${label}`, () => members.readBack(0, label));
      const figures = ledgerFigures(members.ledger(0), read);
      await scenario.figure(`mysql-0 ${label}: rows acknowledged`, figures.acknowledged);
      await scenario.figure(`mysql-0 ${label}: rows read back`, figures.readBack);
      await scenario.figure(`mysql-0 ${label}: rows lost`, figures.lost);
      await scenario.expectHolds(ledgerIntact(members.ledger(0), read));
    };

    await scenario.step('create the ledger and an application account on mysql-0 (both replicate)', async () => {
      await members.waitAccepting(0);
      await members.ensureLedger(0);
      await members.createWriter(0);
    });
    const settings = await scenario.step("read every member's server_id, read_only and replication status", () =>
      Promise.all([0, 1, 2].map((ordinal) => members.settings(ordinal))),
    );
    await scenario.note('the members as configured', { members: settings.map(describeSettings).join(' | ') });
    await scenario.expectHolds(await replicated('first'));

    const refusals = await scenario.step('try a write on each replica as the application account', async () => [
      await members.tryWrite(1, members.writer()),
      await members.tryWrite(2, members.writer()),
    ]);
    await scenario.expectHolds(replicasRefuseWrites(refusals));
    // Negative control of the refusal judge, and what the stand-in cannot show: root on a MariaDB
    // replica holds READ_ONLY ADMIN and writes through read_only; super_read_only would stop it.
    const rootWrite = await scenario.step('try a write on mysql-1 as root', () =>
      members.tryWrite(1, members.options.root),
    );
    await scenario.expectViolated(replicasRefuseWrites([rootWrite]), ['replica-accepted-write']);
    // Negative control of the catch-up judge: a replica that does not replicate is caught.
    await scenario.step('stop replication on mysql-2', () => members.pauseReplication(2));
    await scenario.step(`write ${ROWS} rows into mysql-0 while mysql-2 does not replicate`, () =>
      members.writeRows(0, ROWS, 'while-paused'),
    );
    const paused = await scenario.step('read mysql-2 for at most 10 s', () => members.waitReplicated(0, [2], 10_000));
    await scenario.expectViolated(replicasCaughtUp(members.ledger(0), paused), ['replica-behind']);
    await scenario.step('start replication on mysql-2 again', () => members.resumeReplication(2));
    await scenario.expectHolds(await replicated('after mysql-2 resumed'));

    // A pod deleted: the same claim, the same data, replication resumes.
    const markerOf = (ordinal: number) => async () => MysqlMembers.marker(await members.readBack(ordinal, 'marker'));
    const before = await scenario.step('note mysql-1: pod UID, claim, volume and a digest of its rows', () =>
      mysql.storageIdentity(1, markerOf(1)),
    );
    await scenario.step('delete mysql-1 and wait for its replacement to be Ready', async () => {
      await mysql.deletePod(1);
      await mysql.waitPodGone(1, before.podUid);
      await mysql.waitPodReady(1);
    });
    await scenario.expectHolds(
      storageReattached(before, await scenario.step('read mysql-1 again', () => mysql.storageIdentity(1, markerOf(1)))),
    );
    await scenario.expectHolds(await replicated('after mysql-1 was recreated'));

    // A replica rebuilt from nothing: its claim deleted, it clones the primary again and catches up.
    const doomed = await scenario.step("note mysql-2's claim and volume", () =>
      mysql.storageIdentity(2, async () => undefined),
    );
    await scenario.step('scale mysql to 2; mysql-2 is gone', async () => {
      await mysql.scaleTo(2);
      await mysql.waitReady(2);
      await mysql.waitPodGone(2);
    });
    const oldClaim = await scenario.step('delete the claim data-mysql-2; it and its volume are gone', async () => {
      const uid = await mysql.deleteClaim(2);
      await mysql.waitClaimGone(2, uid);
      if (doomed.claim?.volume) await mysql.waitVolumesReclaimed([doomed.claim.volume]);
      return uid;
    });
    await scenario.step(`write ${ROWS} rows into mysql-0 while mysql-2 is away`, () =>
      members.writeRows(0, ROWS, 'while-away'),
    );
    const rebuild = await scenario.checkpoint();
    const rebuildStarted = Date.now();
    await scenario.step('scale mysql back to 3: mysql-2 gets a new, empty claim and clones mysql-0', async () => {
      await mysql.scaleTo(3);
      await mysql.waitReady(3);
    });
    await scenario.figure(
      'seconds to rebuild mysql-2 from nothing (scale-up to Ready)',
      Math.round((Date.now() - rebuildStarted) / 1000),
      's',
    );
    await scenario.expectHolds(
      orderedCreation(await scenario.timeline(mysql.name), { window: rebuild, ordinals: [2] }),
    );
    const newClaim = (await mysql.claims()).find((claim) => claim.name === mysql.claimName(2));
    await scenario.note('mysql-2 was rebuilt from nothing', {
      claim: `${mysql.claimName(2)}: uid ${oldClaim.slice(0, 8)} deleted, now uid ${newClaim?.uid.slice(0, 8) ?? 'none'}`,
      clone: await mysql.logs(2, { container: 'clone-mysql' }).then(
        (log) =>
          log
            .split('\n')
            .filter((line) => /cloning|completed OK/.test(line))
            .join(' / ') || 'no clone lines',
      ),
    });
    await scenario.expectHolds(await replicated('after mysql-2 was rebuilt from nothing'));

    // A partitioned rolling update (an annotation: one MariaDB version here).
    const oldRevision = (await mysql.statefulSet()).status?.currentRevision as string;
    const updateStart = await scenario.checkpoint();
    await scenario.step(
      'set partition 1 and change the pod template (an annotation: the stand-in has one version)',
      async () => {
        await mysql.setPartition(1);
        await mysql.waitObserved();
        await mysql.changeTemplate('day-11-rollout');
      },
    );
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      mysql.waitNewUpdateRevision(oldRevision),
    );
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    const wholeUpdate = scenario.declare('rolling update order', mysql.name, (timeline) =>
      rollingUpdateOrder(timeline, { window: updateStart, ordinals: [2, 1, 0], updateRevision, contract }),
    );
    await scenario.step('mysql-2 and mysql-1 (the replicas) run the new revision; mysql-0 waits', () =>
      mysql.waitPartitionRolledOut(1),
    );
    const canary = await scenario.checkpoint();
    await scenario.expectHolds(
      partitionRespected(await scenario.timeline(mysql.name), {
        window: between(updateStart, canary),
        partition: 1,
        updateRevision,
      }),
    );
    await scenario.expectHolds(await replicated('with the replicas updated and the primary not'));
    await scenario.step('lower the partition to 0 and wait for the rollout to complete', async () => {
      await mysql.setPartition(0);
      await mysql.waitObserved();
      await mysql.waitRolloutComplete();
    });
    await scenario.expectHolds(wholeUpdate);
    await primaryIntact('after the rolling update');
    await scenario.expectHolds(await replicated('after the rolling update'));

    // Scale to 0 and back.
    const down = await scenario.checkpoint();
    await scenario.step('scale mysql to 0 and wait until every pod is gone', async () => {
      await mysql.scaleTo(0);
      await mysql.waitReady(0);
      for (const ordinal of [0, 1, 2]) await mysql.waitPodGone(ordinal);
    });
    await scenario.expectHolds(
      reverseTermination(await scenario.timeline(mysql.name), { window: down, from: 3, to: 0 }),
    );
    await scenario.step('scale mysql back to 3', async () => {
      await mysql.scaleTo(3);
      await mysql.waitReady(3);
      await members.waitAccepting(0);
    });
    await primaryIntact('after scaling to 0 and back');
    await scenario.expectHolds(await replicated('after scaling to 0 and back'));
  });
});
