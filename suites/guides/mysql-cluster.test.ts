/**
 * The comprehensive guide's MySQL examples (002): the basic `database-cluster` with its headless
 * Service database-service, the "Real-World Implementation" `mysql-cluster` with its tcpSocket
 * probes, the "Health Monitoring" probes for it, and the "Backup and Recovery" CronJob. Each as
 * documented (only this cluster's needs adapted, then what it lacks added one piece at a time) and
 * made to work, down to the rows: the backup Job dumps mysql-cluster-0 by its DNS name onto its
 * claim, and a fresh server restored from that dump gives the rows back.
 */
import { ledgerFigures, ledgerIntact } from '../../lib/invariants/data.js';
import { dnsMatchesPods } from '../../lib/invariants/dns.js';
import { podIdentity } from '../../lib/invariants/identity.js';
import { orderedCreation, reverseTermination } from '../../lib/invariants/ordering.js';
import { storageReattached } from '../../lib/invariants/storage.js';
import { partitionRespected, rollingUpdateOrder } from '../../lib/invariants/updates.js';
import type { Verdict } from '../../lib/invariants/verdict.js';
import { decisionFromVerdict } from '../../lib/claims/ledger.js';
import { describe, test, type Scenario } from '../../lib/harness/scenario.js';
import { between } from '../../lib/observe/timeline.js';
import { BackupCronJob, RestoreCheck } from '../../lib/workloads/backup-job.js';
import {
  applyCorrectionObjects,
  correctionTransforms,
  guideFragment,
  loadCorrection,
  loadFragment,
} from '../../lib/workloads/correction-files.js';
import { DnsClient } from '../../lib/workloads/dns-client.js';
import { describeMember, distinctWarnings, type MemberState } from '../../lib/workloads/guide-observe.js';
import { applyGuideFixture, environment, GuideStatefulSet } from '../../lib/workloads/guide-workload.js';
import { DATABASE_CLUSTER, MYSQL_CLUSTER, MysqlMembers, mysqlFidelity } from '../../lib/workloads/mysql-guide.js';
import { describeOutcome } from '../../lib/workloads/nslookup.js';
import { capCpuRequests, type Transform } from '../../lib/workloads/transforms.js';
import { STATEFULSET_DOCS } from '../core/docs.js';
import { noteAdaptations } from './common.js';
import { bothRuns, podList, watchUntilSettled } from './as-documented.js';
import { allOf } from './verdicts.js';

const ROWS = 8;
const CPU_REQUEST_CAP = environment(
  capCpuRequests(100, 'a 2-core node shared with the control plane and other tests cannot hold 3 to 5 x 500m'),
);

async function deploy(
  scenario: Scenario,
  set: typeof MYSQL_CLUSTER,
  transforms: readonly Transform[],
): Promise<GuideStatefulSet> {
  await noteAdaptations(scenario, await applyGuideFixture(scenario, set.fixture, transforms));
  return new GuideStatefulSet(scenario, set.shape);
}

async function fidelityNote(scenario: Scenario) {
  const fidelity = mysqlFidelity(scenario.cluster);
  await scenario.note('what runs for mysql:8.0', { image: fidelity.summary });
  return fidelity;
}

const ordinalOf = (pod: string, set: GuideStatefulSet) => Number(pod.slice(set.name.length + 1));

describe('comprehensive guide: database-cluster, mysql-cluster, its probes and the backup CronJob', () => {
  test('database-cluster as documented: the basic example and its headless Service, with only the environment adapted', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: MySQL database-cluster', docs: STATEFULSET_DOCS });
    await fidelityNote(scenario);
    const window = await scenario.checkpoint();
    const ordered = scenario.declare('ordered creation', DATABASE_CLUSTER.shape.name, (timeline) =>
      orderedCreation(timeline, { window, ordinals: [0] }),
    );
    const appliedAt = Date.now();
    const set = await scenario.step("apply the guide's database-cluster and database-service", () =>
      deploy(scenario, DATABASE_CLUSTER, []),
    );
    const settled = await watchUntilSettled(scenario, set, window, appliedAt, 45_000);
    await scenario.expectHolds(ordered);
    const log = await scenario.step("read database-cluster-0's log", () => bothRuns(set, 0));
    const refusal = /Database is uninitialized and password option is not specified/.exec(log)?.[0];
    const created = settled.history.map((entry) => entry.pod);
    const podSpecs = await scenario.step('read the pods: volumes of their own?', async () =>
      Promise.all(created.map(async (pod) => ({ pod, spec: (await set.pod(ordinalOf(pod, set)))?.spec }))),
    );
    const ownVolumes = podSpecs.flatMap(({ pod, spec }) =>
      (spec?.volumes ?? []).filter((volume) => volume.persistentVolumeClaim).map((volume) => `${pod}:${volume.name}`),
    );

    await scenario.decide({
      claim: 'comprehensive-guide/database-cluster-created-in-sequence',
      verdict: created.length === 3 && settled.members.every((member) => member.ready) ? 'holds' : 'partly',
      observed: `created in this order: ${podList(created)} (ordered-creation verdict holds); ${settled.history.map((entry) => `${entry.pod} Ready ${entry.readySpells.length} time(s)${entry.readyAtEnd ? '' : ', not at the end'}`).join('; ')}; ${settled.members.map(describeMember).join(' | ')}`,
      qualifier:
        created.length === 3 && settled.members.every((member) => member.ready)
          ? undefined
          : `the controller keeps the order, but the example's server never runs: ${refusal ? `"${refusal}"` : 'its container exits'} (no MYSQL_ROOT_PASSWORD or alternative), so each later pod is created only when its predecessor's crash-looping container happened to be Ready for a moment`,
    });
    await scenario.decide({
      claim: 'comprehensive-guide/database-cluster-own-storage',
      verdict: ownVolumes.length === 0 ? 'partly' : 'holds',
      observed: `claims mounted by the example's pods: ${podList(ownVolumes)}`,
      qualifier:
        ownVolumes.length === 0
          ? 'a StatefulSet can give each pod a claim (mysql-cluster does, see its run), but this example declares no volumeClaimTemplates, so it demonstrates none'
          : undefined,
    });
  });

  test('database-cluster made to work: a root password from a Secret; creation in order, hostnames, DNS entries, a pod recreated with its identity', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: MySQL database-cluster', docs: STATEFULSET_DOCS });
    await fidelityNote(scenario);
    const password = await loadCorrection('guides/comprehensive-guide/corrections/database-cluster-root-password.yaml');
    const window = await scenario.checkpoint();
    const ordered = scenario.declare('ordered creation', DATABASE_CLUSTER.shape.name, (timeline) =>
      orderedCreation(timeline, { window, ordinals: [0, 1, 2] }),
    );
    const set = await scenario.step('apply database-cluster and database-service with a root password', () =>
      deploy(
        scenario,
        DATABASE_CLUSTER,
        correctionTransforms(password, 'the mysql image refuses to initialise without a root password option'),
      ),
    );
    await scenario.step('database-cluster has 3 Ready replicas', () => set.waitReady(3));
    await scenario.expectHolds(ordered);
    const dns = await scenario.step('start a busybox DNS client', () => DnsClient.deploy(scenario));
    const servers = await scenario.step('find the DNS servers a pod reaches', () => dns.servers());
    const control = await scenario.step('read the control name kubernetes.default', () => dns.controlRecord());
    const converge = () => dns.waitUntilConverged(() => set.dnsRecords([0, 1, 2]), servers, { consecutive: 3 });
    await scenario.step('wait until every server answers every pod name and the Service 3 rounds in a row', converge);
    const lookups = await scenario.step(
      'look up database-cluster-0..2.database-service.<ns>.svc.cluster.local',
      async () => ({
        observations: await dns.lookUpAll(await set.dnsRecords([0, 1, 2]), servers),
        control: await dns.lookUpAll([control], servers),
      }),
    );
    const dnsVerdict = dnsMatchesPods(lookups.observations, { control: lookups.control });
    await scenario.expectHolds(dnsVerdict);
    const identities = async () =>
      podIdentity(
        await Promise.all([0, 1, 2].map((ordinal) => set.identity(ordinal))),
        set.expectedIdentity([0, 1, 2]),
      );
    const first = await scenario.step("read every pod's identity (hostname -f)", identities);
    await scenario.expectHolds(first);
    const uid = await scenario.step('delete database-cluster-1 and wait for its replacement', async () => {
      const old = await set.deletePod(1);
      await set.waitPodGone(1, old);
      await set.waitPodReady(1);
      return old;
    });
    await scenario.step('wait until DNS follows the new pod', converge);
    const again = await scenario.step("read every pod's identity again", identities);
    await scenario.expectHolds(again);
    const lookupsAgain = await scenario.step('look up every name again', async () => ({
      observations: await dns.lookUpAll(await set.dnsRecords([0, 1, 2]), servers),
      control: await dns.lookUpAll([control], servers),
    }));
    const dnsAgain = dnsMatchesPods(lookupsAgain.observations, { control: lookupsAgain.control });
    await scenario.expectHolds(dnsAgain);

    await scenario.decide(
      decisionFromVerdict('comprehensive-guide/predictable-hostname', first, {
        holds:
          'database-cluster-0..2 have hostname = pod name and `hostname -f` = <pod>.database-service.<ns>.svc.cluster.local',
      }),
    );
    await scenario.decide(
      decisionFromVerdict('comprehensive-guide/dns-entries-format', dnsVerdict, {
        holds: `database-cluster-0.database-service.${scenario.namespace.name}.svc.cluster.local and its siblings resolve to their pods via every CoreDNS (the guide's "default" is this run's namespace)`,
      }),
    );
    await scenario.decide(
      decisionFromVerdict('comprehensive-guide/identity-kept-across-rescheduling', allOf([again, dnsAgain]), {
        holds: `database-cluster-1 was deleted (uid ${uid.slice(0, 8)}) and recreated: same name, hostname, FQDN, and its DNS record follows the new pod (on this one-node cluster the pod came back on the same node)`,
      }),
    );
  });

  test('mysql-cluster as documented, then with what it lacks added in turn: the Secret, the Service, the Health Monitoring probes; and the backup CronJob as documented', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: MySQL mysql-cluster', docs: STATEFULSET_DOCS });
    await fidelityNote(scenario);
    const window = await scenario.checkpoint();
    const appliedAt = Date.now();
    const set = await scenario.step("apply the guide's mysql-cluster (environment adaptations only)", () =>
      deploy(scenario, MYSQL_CLUSTER, [CPU_REQUEST_CAP]),
    );
    const asIs = await watchUntilSettled(scenario, set, window, appliedAt, 20_000);

    // The backup CronJob as the guide gives it.
    const applied = await scenario.step("kubectl apply the guide's CronJob database-backup (image map only)", () =>
      BackupCronJob.tryDeploy(scenario, []),
    );
    let job: { pod?: MemberState; log: string } | undefined;
    if ('cronJob' in applied) {
      await scenario.step('kubectl create job backup-now --from=cronjob/database-backup', () =>
        applied.cronJob.trigger('backup-now'),
      );
      job = await scenario.step("wait until the Job's pod runs, finishes, or is held", () =>
        applied.cronJob.waitStuckOrDone('backup-now'),
      );
    }
    await scenario.note('the backup CronJob as documented', {
      apply: 'refused' in applied ? `refused by the API server: ${applied.refused}` : 'created',
      'Job pod': job?.pod ? describeMember(job.pod) : 'none',
      warnings: job?.pod ? distinctWarnings([job.pod]).join(' | ') || 'none' : 'none',
      log: job?.log || '(none)',
    });

    // The Secret it lacks.
    const secret = await loadCorrection('guides/comprehensive-guide/corrections/mysql-cluster-secret.yaml');
    const secretAt = Date.now();
    await scenario.step('add the Secret mysql-secrets the StatefulSet reads', () =>
      applyCorrectionObjects(scenario, secret, 'the manifest reads it and the guide never defines it'),
    );
    await scenario.step('mysql-cluster has 3 Ready replicas (tcpSocket probes)', () => set.waitReady(3));
    await scenario.figure(
      'seconds from the Secret to 3 Ready replicas',
      Math.round((Date.now() - secretAt) / 1000),
      's',
    );
    const dns = await scenario.step('start a busybox DNS client', () => DnsClient.deploy(scenario));
    const fqdn = `${set.podName(0)}.mysql.${scenario.namespace.name}.svc.cluster.local`;
    const withoutService = await scenario.step(
      `look up ${fqdn} and, as the guide types it, mysql-cluster-0.mysql`,
      async () => [await dns.asTyped(fqdn), await dns.asTyped('mysql-cluster-0.mysql')],
    );
    const service = await loadCorrection('guides/comprehensive-guide/corrections/mysql-cluster-service.yaml');
    await scenario.step('add the headless Service mysql that serviceName names', () =>
      applyCorrectionObjects(
        scenario,
        service,
        "serviceName names it; the guide's database-service selects other pods",
      ),
    );
    const withService = await scenario.step(
      `look up ${fqdn} once it resolves (at most 60 s), and the short name`,
      async () => {
        // Pacing only: the lookups after it are the observation, whatever the wait saw.
        await dns
          .waitUntilConverged(() => set.dnsRecords([0]), [{ label: 'cluster DNS Service' }], {
            consecutive: 1,
            timeoutMs: 60_000,
          })
          .catch(() => undefined);
        return [await dns.asTyped(fqdn), await dns.asTyped('mysql-cluster-0.mysql')];
      },
    );
    await scenario.note('the names of mysql-cluster-0', {
      'without a Service mysql': withoutService
        .map((lookup) => `${lookup.command}: ${describeOutcome(lookup.result.outcome)}`)
        .join('; '),
      'with the Service': withService
        .map((lookup) => `${lookup.command}: ${describeOutcome(lookup.result.outcome)}`)
        .join('; '),
    });

    // The guide's "Health Monitoring" probes, put into mysql-cluster's container as a patch would.
    const probes = await loadFragment('guides/comprehensive-guide/health-monitoring-probes.yaml');
    const oldRevision = (await set.statefulSet()).status?.currentRevision as string;
    const probesAt = Date.now();
    const probeWindow = await scenario.checkpoint();
    await scenario.step("apply the guide's Health Monitoring probes to mysql-cluster (a new revision)", () =>
      deploy(scenario, MYSQL_CLUSTER, [
        CPU_REQUEST_CAP,
        guideFragment(
          probes,
          'the Health Monitoring probes (exec mysqladmin ping; exec mysql -h 127.0.0.1 -e "SELECT 1")',
        ),
      ]),
    );
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      set.waitNewUpdateRevision(oldRevision),
    );
    const monitored = await watchUntilSettled(scenario, set, probeWindow, probesAt, 45_000);
    const members = MysqlMembers.of(set);
    const readiness = await scenario.step("run the guide's readiness probe by hand in mysql-cluster-2", () =>
      members.runAsTyped(2, ['mysql', '-h', '127.0.0.1', '-e', 'SELECT 1']),
    );
    const liveness = await scenario.step("run the guide's liveness probe by hand in mysql-cluster-2", () =>
      members.runAsTyped(2, ['mysqladmin', 'ping']),
    );
    const pods = await scenario.step('read which revision each pod runs', async () =>
      Promise.all([0, 1, 2].map(async (ordinal) => ({ ordinal, pod: await set.pod(ordinal) }))),
    );
    const updated = pods
      .filter(({ pod }) => pod?.metadata?.labels?.['controller-revision-hash'] === updateRevision)
      .map(({ ordinal }) => set.podName(ordinal));

    // Decisions.
    await scenario.decide({
      claim: 'comprehensive-guide/complete-example',
      verdict: 'does-not-hold',
      observed: `as documented: ${asIs.members.map(describeMember).join(' | ') || 'no pod'}; only ${podList(asIs.history.map((entry) => entry.pod))} created. With the Secret mysql-secrets added, 3 Ready replicas; its serviceName mysql names no Service of the guide (${withoutService[0] ? `${withoutService[0].command}: ${describeOutcome(withoutService[0].result.outcome)}` : ''})`,
      qualifier: undefined,
    });
    await scenario.decide({
      claim: 'comprehensive-guide/headless-service-required',
      verdict:
        withoutService[0]?.result.outcome.kind !== 'answer' && withService[0]?.result.outcome.kind === 'answer'
          ? 'holds'
          : 'does-not-hold',
      observed: `with mysql-cluster's 3 pods Ready and no Service mysql: ${withoutService[0]?.command} -> ${describeOutcome(withoutService[0]!.result.outcome)}; with the headless Service mysql: ${describeOutcome(withService[0]!.result.outcome)}`,
    });
    await scenario.decide({
      claim: 'comprehensive-guide/comprehensive-monitoring',
      verdict: 'does-not-hold',
      observed: `after the probes were applied: ${monitored.members.map(describeMember).join(' | ')}; updated to the new revision: ${podList(updated)}; readiness probe by hand: exit ${readiness.exitCode} "${readiness.output}"; liveness probe by hand: exit ${liveness.exitCode} "${liveness.output}"`,
      qualifier: undefined,
    });
    await scenario.decide({
      claim: 'comprehensive-guide/backup-strategy',
      verdict: job?.pod?.containers.some((state) => state.state === 'terminated' && state.exitCode === 0)
        ? 'holds'
        : 'does-not-hold',
      observed: [
        'refused' in applied
          ? `kubectl apply of the CronJob fails: ${applied.refused} (a Job's pod template needs restartPolicy OnFailure or Never; the guide's has none, so it is Always)`
          : `the Job made from the CronJob: ${job?.pod ? `${describeMember(job.pod)}; ${distinctWarnings([job.pod]).join(' | ')}` : 'no pod'}`,
        'besides, the CronJob names no database to back up, no credentials and no command (backup-tool is a placeholder image), and mounts backup-pvc, which the guide never defines',
      ].join('; '),
    });
  });

  test('mysql-cluster made to work: the Secret and the Service; tcpSocket probes gating creation, acknowledged rows through a pod deletion, scaling to 5, a partitioned rolling update, the backup Job dumping mysql-cluster-0 and a fresh server restored from it, scaling back to 3 and to 0 and back, DNS', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: MySQL mysql-cluster', docs: STATEFULSET_DOCS });
    await fidelityNote(scenario);
    const secret = await loadCorrection('guides/comprehensive-guide/corrections/mysql-cluster-secret.yaml');
    const service = await loadCorrection('guides/comprehensive-guide/corrections/mysql-cluster-service.yaml');
    const start = await scenario.checkpoint();
    const ordered = scenario.declare('ordered creation', MYSQL_CLUSTER.shape.name, (timeline) =>
      orderedCreation(timeline, { window: start, ordinals: [0, 1, 2] }),
    );
    const appliedAt = Date.now();
    const set = await scenario.step('apply mysql-cluster with the Secret and the Service it names', () =>
      deploy(scenario, MYSQL_CLUSTER, [
        CPU_REQUEST_CAP,
        ...correctionTransforms(secret, 'the manifest reads it and the guide never defines it'),
        ...correctionTransforms(service, "serviceName names it; the guide's database-service selects other pods"),
      ]),
    );
    await scenario.step('mysql-cluster has 3 Ready replicas', () => set.waitReady(3));
    await scenario.figure('seconds from apply to 3 Ready replicas', Math.round((Date.now() - appliedAt) / 1000), 's');
    await scenario.expectHolds(ordered);

    const members = MysqlMembers.of(set);
    await scenario.step(`write ${ROWS} acknowledged rows into each member's own database`, async () => {
      for (const ordinal of [0, 1, 2]) {
        await members.waitAccepting(ordinal);
        await members.ensureLedger(ordinal);
        await members.writeRows(ordinal, ROWS, `c${ordinal}`);
      }
    });
    const checkLedgers = async (ordinals: readonly number[], after: string): Promise<Verdict[]> => {
      const verdicts: Verdict[] = [];
      for (const ordinal of ordinals) {
        const read = await scenario.step(`read ${set.podName(ordinal)}'s rows ${after}`, () =>
          members.readBack(ordinal, after),
        );
        const figures = ledgerFigures(members.ledger(ordinal), read);
        await scenario.figure(`${set.podName(ordinal)} ${after}: rows acknowledged`, figures.acknowledged);
        await scenario.figure(`${set.podName(ordinal)} ${after}: rows read back`, figures.readBack);
        await scenario.figure(`${set.podName(ordinal)} ${after}: rows lost`, figures.lost);
        const verdict = ledgerIntact(members.ledger(ordinal), read);
        await scenario.expectHolds(verdict);
        verdicts.push(verdict);
      }
      return verdicts;
    };
    const claims = await scenario.step('kubectl get pvc -l app=mysql', () => set.claims());
    const names = claims.map((claim) => claim.name).sort();
    await scenario.decide({
      claim: 'comprehensive-guide/get-pvc-by-label',
      verdict:
        names.join() === ['data-mysql-cluster-0', 'data-mysql-cluster-1', 'data-mysql-cluster-2'].join()
          ? 'holds'
          : 'does-not-hold',
      observed: `lists ${podList(names)}: the controller labels each claim with the StatefulSet's selector (app=mysql), though the template names no label`,
    });
    await scenario.decide({
      claim: 'comprehensive-guide/describe-pvc-name',
      verdict: names.includes('data-mysql-cluster-0') ? 'holds' : 'does-not-hold',
      observed: `claims ${podList(names)}`,
    });

    const markerOf = (ordinal: number) => async () => MysqlMembers.marker(await members.readBack(ordinal, 'marker'));
    const before = await scenario.step('note mysql-cluster-1: pod UID, claim, volume, digest of its rows', () =>
      set.storageIdentity(1, markerOf(1)),
    );
    await scenario.step('delete mysql-cluster-1 and wait for its replacement to be Ready', async () => {
      await set.deletePod(1);
      await set.waitPodGone(1, before.podUid);
      await set.waitPodReady(1);
      await members.waitAccepting(1);
    });
    const reattached = storageReattached(
      before,
      await scenario.step('read mysql-cluster-1 again', () => set.storageIdentity(1, markerOf(1))),
    );
    await scenario.expectHolds(reattached);
    const [rows] = await checkLedgers([1], 'after its pod was deleted');
    const storageKept = allOf([reattached, rows!]);
    for (const claim of [
      'comprehensive-guide/own-storage-volume',
      'comprehensive-guide/storage-persists-rescheduling',
      'comprehensive-guide/volumes-retained-pod-deleted',
    ])
      await scenario.decide(
        decisionFromVerdict(claim, storageKept, {
          holds: `mysql-cluster-1 was deleted; its replacement mounts the same claim data-mysql-cluster-1 and volume and reads all ${ROWS} rows its database acknowledged (on this one-node cluster the pod came back on the same node)`,
        }),
      );

    // Manual scaling, as the guide shows it (kubectl scale ... --replicas=5).
    const scaleUp = await scenario.checkpoint();
    await scenario.step('kubectl scale statefulset mysql-cluster --replicas=5', async () => {
      await set.scaleTo(5);
      await set.waitReady(5);
    });
    const upVerdict = orderedCreation(await scenario.timeline(set.name), { window: scaleUp, ordinals: [3, 4] });
    await scenario.expectHolds(upVerdict);
    await scenario.decide({
      claim: 'comprehensive-guide/manual-and-automatic-scaling',
      verdict: upVerdict.holds ? 'partly' : 'does-not-hold',
      observed: `kubectl scale to 5: mysql-cluster-3 then mysql-cluster-4 created in order and Ready (${upVerdict.checked})`,
      qualifier:
        "manual scaling holds; automatic scaling (kubectl autoscale: a HorizontalPodAutoscaler on CPU) was not run: it needs a metrics API (metrics-server), which the suite's clusters do not install",
    });
    for (const ordinal of [3, 4]) {
      await members.waitAccepting(ordinal);
      await members.ensureLedger(ordinal);
      await members.writeRows(ordinal, ROWS, `c${ordinal}`);
    }

    // The guide's partition: 2 ("Only update Pods with index >= 2").
    const oldRevision = (await set.statefulSet()).status?.currentRevision as string;
    const updateStart = await scenario.checkpoint();
    await scenario.step(
      'set partition 2 and change the pod template (an annotation: the stand-in has one version)',
      async () => {
        await set.setPartition(2);
        await set.waitObserved();
        await set.changeTemplate('comprehensive-guide-partition');
      },
    );
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      set.waitNewUpdateRevision(oldRevision),
    );
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    await scenario.step('mysql-cluster-4, -3 and -2 run the new revision; -1 and -0 stay', () =>
      set.waitPartitionRolledOut(2),
    );
    const partitioned = await scenario.checkpoint();
    const timeline = await scenario.timeline(set.name);
    const partitionVerdict = allOf([
      partitionRespected(timeline, { window: between(updateStart, partitioned), partition: 2, updateRevision }),
      rollingUpdateOrder(timeline, {
        window: between(updateStart, partitioned),
        ordinals: [4, 3, 2],
        updateRevision,
        contract,
      }),
    ]);
    await scenario.expectHolds(partitionVerdict);
    await scenario.decide(
      decisionFromVerdict('comprehensive-guide/partition-index-ge-2', partitionVerdict, {
        holds:
          'with partition 2, mysql-cluster-4, -3 and -2 were replaced, highest first; -1 and -0 kept the old revision (a template annotation change, not a new image)',
      }),
    );
    await checkLedgers([0, 1, 2, 3, 4], 'after the partitioned update');

    // The backup CronJob, made to work, run now instead of at 02:00; then a restore.
    const backupFix = await loadCorrection('guides/comprehensive-guide/corrections/backup.yaml');
    const backup = await scenario.step(
      'apply the CronJob database-backup with the claim backup-pvc and what to back up',
      () =>
        BackupCronJob.deploy(
          scenario,
          correctionTransforms(
            backupFix,
            'the guide defines no backup-pvc, and its CronJob names no server, credentials or command',
          ),
        ),
    );
    await scenario.step('kubectl create job backup-now --from=cronjob/database-backup', () =>
      backup.trigger('backup-now'),
    );
    const backupStarted = Date.now();
    const result = await scenario.step('the backup Job completes', () => backup.waitFinished('backup-now'));
    await scenario.figure('seconds for the backup Job', Math.round((Date.now() - backupStarted) / 1000), 's');
    await scenario.note(
      'the backup Job',
      { outcome: result.outcome, pod: result.pod ? describeMember(result.pod) : 'none' },
      {
        name: 'backup Job log',
        content: result.log,
      },
    );
    const restore = await scenario.step(
      'start a fresh MySQL server that loads the dumps on backup-pvc when it initialises',
      () => RestoreCheck.deploy(scenario),
    );
    const restoreStarted = Date.now();
    await scenario.step('the restored server is Ready', () => restore.waitReady());
    await scenario.figure(
      'seconds to restore into a fresh server',
      Math.round((Date.now() - restoreStarted) / 1000),
      's',
    );
    const files = await scenario.step('list the dumps on backup-pvc', () => restore.dumps());
    await scenario.note('what the backup Job left on backup-pvc', { files });
    const restored = await scenario.step('read the ledger from the restored server', () =>
      restore.database().readBack(0, 'restored from the backup of mysql-cluster-0'),
    );
    const restoredFigures = ledgerFigures(members.ledger(0), restored);
    await scenario.figure(
      'restore: rows acknowledged by mysql-cluster-0 before the backup',
      restoredFigures.acknowledged,
    );
    await scenario.figure('restore: rows read back', restoredFigures.readBack);
    await scenario.figure('restore: rows lost', restoredFigures.lost);
    await scenario.expectHolds(ledgerIntact(members.ledger(0), restored));

    // Scale back down: highest first, claims kept.
    const down = await scenario.checkpoint();
    await scenario.step('kubectl scale statefulset mysql-cluster --replicas=3', async () => {
      await set.scaleTo(3);
      await set.waitReady(3);
      await set.waitPodGone(4);
      await set.waitPodGone(3);
    });
    await scenario.expectHolds(reverseTermination(await scenario.timeline(set.name), { window: down, from: 5, to: 3 }));

    // Scale to 0 and back: every member's claim and rows come back.
    await scenario.step('scale mysql-cluster to 0 and wait until every pod is gone', async () => {
      await set.scaleTo(0);
      await set.waitReady(0);
      for (const ordinal of [0, 1, 2]) await set.waitPodGone(ordinal);
    });
    await scenario.step('scale mysql-cluster back to 3', async () => {
      await set.scaleTo(3);
      await set.waitReady(3);
      for (const ordinal of [0, 1, 2]) await members.waitAccepting(ordinal);
    });
    await checkLedgers([0, 1, 2], 'after scaling to 0 and back');

    // DNS of every member and the Service, and the guide's own test (busybox:1.28 there, 1.35 here).
    const dns = await scenario.step('start a busybox DNS client', () => DnsClient.deploy(scenario));
    const servers = await scenario.step('find the DNS servers a pod reaches', () => dns.servers());
    const control = await scenario.step('read the control name kubernetes.default', () => dns.controlRecord());
    await scenario.step('wait until every server answers every member name and the Service 3 rounds in a row', () =>
      dns.waitUntilConverged(() => set.dnsRecords([0, 1, 2]), servers, { consecutive: 3 }),
    );
    const lookups = await scenario.step(
      'look up mysql-cluster-0..2.mysql.<ns>.svc.cluster.local and the Service',
      async () => ({
        observations: await dns.lookUpAll(await set.dnsRecords([0, 1, 2]), servers),
        control: await dns.lookUpAll([control], servers),
      }),
    );
    await scenario.expectHolds(dnsMatchesPods(lookups.observations, { control: lookups.control }));
    const typed = await scenario.step(
      'nslookup mysql-cluster-0.mysql, as the guide types it, and the full name',
      async () => [
        await dns.asTyped('mysql-cluster-0.mysql'),
        await dns.asTyped(`${set.podName(0)}.mysql.${scenario.namespace.name}.svc.cluster.local`),
      ],
    );
    await scenario.decide({
      claim: 'comprehensive-guide/dns-test-busybox-1-28',
      verdict: 'not-run-here',
      observed: `busybox 1.35 here: ${typed.map((lookup) => `${lookup.command} -> ${describeOutcome(lookup.result.outcome)}`).join('; ')}`,
      qualifier:
        "needs busybox:1.28, whose nslookup resolves through the C library and its search list; the stand-in is BusyBox 1.35.0 (Debian's build), whose own resolver tries the search list only for names without a dot, so the guide's short name fails here whatever the cluster does",
    });
  });
});
