/**
 * The Day 11 guide's PostgreSQL example (001_b670cc917e1993a6.txt, "Creating a StatefulSet" and
 * the walkthroughs after it): the StatefulSet postgres with its headless Service database, run
 * as documented and made to work, down to the rows in the databases.
 */
import { expect } from 'vitest';
import { ledgerIntact } from '../../lib/invariants/data.js';
import { orderedCreation, reverseTermination } from '../../lib/invariants/ordering.js';
import { replicasCaughtUp, replicasRefuseWrites } from '../../lib/invariants/replication.js';
import { storageReattached } from '../../lib/invariants/storage.js';
import { partitionRespected, rollingUpdateOrder } from '../../lib/invariants/updates.js';
import { between } from '../../lib/observe/timeline.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { GuidePostgres } from '../../lib/workloads/guide-postgres.js';
import type { LedgerBook } from '../../lib/workloads/guide-workload.js';
import {
  checkDns,
  decideAll,
  decideFromVerdict,
  judgeLedgers,
  noteAdaptations,
  secondsSince,
  STATEFULSET_DOCS,
} from './common.js';

/** How long the controller must keep postgres-1 away while postgres-0 is not Ready. */
const HOLD_MS = 20_000;
/** Rows written to each database before a disruption. */
const ROWS = 20;
/** How long a replica gets to show the primary's rows (the same deadline the replication scenario gives). */
const REPLICA_DEADLINE_MS = 15_000;

describe('the Day 11 guide: PostgreSQL', () => {
  test("as documented: the guide's postgres StatefulSet and database Service with only the environment adapted", async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: PostgreSQL', docs: `${STATEFULSET_DOCS}#components` });
    const window = await scenario.checkpoint();
    const { postgres, fixture } = await scenario.step(
      'apply fixtures/guides/day-11/postgres.yaml (lines 123-174) as written',
      () => GuidePostgres.deploy(scenario),
    );
    await noteAdaptations(scenario, fixture);

    const waiting = await scenario.step('postgres-0 is created and its container cannot start', () =>
      postgres.waitContainerWaiting(0, ['CreateContainerConfigError', 'CrashLoopBackOff', 'Error']),
    );
    await scenario.step('the controller has observed postgres-0', () => postgres.waitObserved());
    await scenario.step(`postgres-1 is not created while postgres-0 is not Ready (${HOLD_MS / 1000}s)`, () =>
      postgres.confirmPodAbsentFor(1, HOLD_MS),
    );
    const claims = await scenario.step('kubectl get pvc', () => postgres.claims());
    await scenario.note("what the guide's manifest gives", {
      'postgres-0': `${waiting.reason}: ${waiting.message ?? ''}`,
      claims: claims.map((claim) => `${claim.name} ${claim.phase} ${claim.capacity ?? ''}`).join(', ') || 'none',
    });
    const ordered = orderedCreation(await scenario.timeline('postgres'), { window, ordinals: [0] });
    await scenario.expectHolds(ordered);

    const stuck = `postgres-0 never starts: ${waiting.reason} (${waiting.message ?? 'no message'}); the guide never defines the Secret postgres-secret its POSTGRES_PASSWORD reads, so postgres-0 is never Ready and OrderedReady never creates postgres-1 or postgres-2 (absent ${HOLD_MS / 1000}s after the controller observed the set)`;
    await scenario.decide({ claim: 'day-11/postgres-pods-created', verdict: 'does-not-hold', observed: stuck });
    await scenario.decide({
      claim: 'day-11/postgres-pvcs-created',
      verdict: 'does-not-hold',
      observed: `only ${claims.map((claim) => `${claim.name} (${claim.phase})`).join(', ') || 'no claim'}: the claims of postgres-1 and postgres-2 are made with their pods, which never come. ${stuck}`,
    });
    expect(waiting.message ?? '', 'the reason postgres-0 cannot start').toMatch(/postgres-secret/);
  });

  test("made to work: the guide's walkthrough with its missing Secret added, creation in order, names, DNS, claims and acknowledged rows through a pod deletion and scaling 3 -> 5 -> 2 -> 5, three independent servers", async ({
    scenario,
  }) => {
    await scenario.about({
      feature: 'Guides: PostgreSQL',
      docs: `${STATEFULSET_DOCS}#deployment-and-scaling-guarantees`,
    });
    const start = await scenario.checkpoint();
    const created = scenario.declare('ordered creation of postgres-0..2', 'postgres', (timeline) =>
      orderedCreation(timeline, { window: start, ordinals: [0, 1, 2] }),
    );
    const appliedAt = Date.now();
    const { postgres, fixture } = await scenario.step(
      "apply the guide's postgres set with the Secret postgres-secret it refers to",
      () => GuidePostgres.deploy(scenario, { addSecret: true }),
    );
    await noteAdaptations(scenario, fixture);

    // Without a readiness probe, Ready is the container having started: how far that is from the
    // database accepting connections is what the guide's "Wait for postgres-0 to be Ready" glosses over.
    const readiness = await scenario.step('postgres-0 is Ready; connect at once, then until it accepts', async () => {
      await postgres.waitPodReady(0);
      const readyAt = Date.now();
      const first = await postgres.tryConnect(0);
      await postgres.waitAccepting(0);
      return { first, seconds: secondsSince(readyAt) };
    });
    const readyToAccepting = readiness.seconds;
    await scenario.figure('postgres-0 seen Ready to accepting connections', readyToAccepting, 's');
    const firstAnswer = readiness.first.ok
      ? 'the first connection right after it was seen Ready already succeeded'
      : `the first connection right after it was seen Ready failed (${readiness.first.detail})`;
    await scenario.step('postgres has 3 Ready replicas', () => postgres.waitReady(3));
    const allReady = secondsSince(appliedAt);
    const allReadyAt = Date.now();
    await scenario.figure('apply to 3 Ready pods', allReady, 's');
    await scenario.step('every server accepts connections', async () => {
      for (const ordinal of [0, 1, 2]) await postgres.waitAccepting(ordinal);
    });

    const creation = await created.verdict();
    await decideFromVerdict(
      scenario,
      ['day-11/creates-in-order', 'day-11/never-parallel', 'day-11/box-created-sequentially'],
      creation,
      { holds: 'postgres-0, postgres-1, postgres-2 were created in that order, one at a time' },
    );
    await decideFromVerdict(
      scenario,
      ['day-11/postgres-1-after-0-ready', 'day-11/postgres-2-after-1-ready'],
      creation,
      {
        holds: `each pod was created only once its predecessor was Running and Ready; the guide's set has no readiness probe, so Ready meant the container had started: ${firstAnswer}, and postgres-0 accepted connections ${readyToAccepting}s after it was seen Ready`,
      },
    );
    await scenario.decide({
      claim: 'day-11/total-time-50s',
      verdict: 'depends',
      observed: `${allReady}s from apply to 3 Ready pods here`,
      qualifier:
        'on the image being present, the provisioner and the node: the guide gives an example timeline, not a bound; here the images were local, volumes local-path, the node 2 cores shared with other work',
    });

    const claims = await scenario.step('kubectl get pvc', () => postgres.claims());
    const names = claims.map((claim) => claim.name).sort();
    const ownVolumes = new Set(claims.map((claim) => claim.volume)).size === claims.length;
    const perPod =
      names.join(',') === 'data-postgres-0,data-postgres-1,data-postgres-2' &&
      claims.every((claim) => claim.phase === 'Bound') &&
      ownVolumes;
    await decideAll(scenario, ['day-11/own-pvc-automatically', 'day-11/box-own-pvc'], {
      verdict: perPod ? 'holds' : 'does-not-hold',
      observed: claims.map((claim) => `${claim.name} ${claim.phase} ${claim.volume}`).join(', '),
    });
    await scenario.decide({
      claim: 'day-11/postgres-pv-each',
      verdict: perPod && claims.every((claim) => claim.capacity === '10Gi') ? 'holds' : 'does-not-hold',
      observed: `${claims.map((claim) => `${claim.name} -> ${claim.volume} (${claim.capacity})`).join(', ')}; local-path reports the requested 10Gi and enforces no size`,
    });

    const dns = await checkDns(scenario, postgres, [0, 1, 2], allReadyAt);
    await decideFromVerdict(scenario, ['day-11/postgres-dns-names', 'day-11/box-stable-dns'], dns.verdict, {
      holds: `${postgres.podDnsName(0)} and the others resolve to their pods' IPs, the Service database to all three (the guide's names say namespace default; this run's namespace is ${scenario.namespace.name})`,
    });
    const addressed = await scenario.step(
      "from postgres-2, connect to postgres-N.database:5432 as the guide's app would, and ask which server answered",
      async () =>
        Promise.all(
          [0, 1, 2].map(async (ordinal) => ({
            host: `${postgres.podName(ordinal)}.database`,
            answered: await postgres.serverAddressVia(2, `${postgres.podName(ordinal)}.database`),
            podIp: await postgres.podIp(ordinal),
          })),
        ),
    );
    const individually = addressed.every((entry) => entry.answered && entry.answered === entry.podIp);
    await decideAll(scenario, ['day-11/postgres-accessed-individually', 'day-11/box-individually-addressable'], {
      verdict: individually ? 'holds' : 'does-not-hold',
      observed: addressed
        .map((entry) => `${entry.host}:5432 answered from ${entry.answered ?? 'nowhere'} (pod IP ${entry.podIp})`)
        .join('; '),
    });

    // Three independent servers: what the guide's app pod calls primary and replica are not.
    const books = new Map<number, LedgerBook>();
    const writeTo = async (ordinal: number) => {
      const book = books.get(ordinal) ?? (await postgres.openLedger(ordinal));
      books.set(ordinal, book);
      await postgres.writeRows(ordinal, book, ROWS);
      return book;
    };
    const primaryWrittenAt = await scenario.step(
      `write ${ROWS} acknowledged rows to each of postgres-0..2`,
      async () => {
        for (const ordinal of [0, 1, 2]) await writeTo(ordinal);
        return Date.now();
      },
    );
    const roles = await scenario.step('pg_is_in_recovery() on each server', async () =>
      Promise.all([0, 1, 2].map(async (ordinal) => ({ ordinal, inRecovery: await postgres.inRecovery(ordinal) }))),
    );
    const asReplicas = await scenario.step(
      `write to postgres-1 and postgres-2 (the app pod's "replica") and look for postgres-0's rows there for ${REPLICA_DEADLINE_MS / 1000}s`,
      async () => ({
        writes: [await postgres.tryWrite(1), await postgres.tryWrite(2)],
        catchUp: await Promise.all(
          [1, 2].map((ordinal) =>
            postgres.catchUp(ordinal, books.get(0)!.ledger().acknowledged, primaryWrittenAt, REPLICA_DEADLINE_MS),
          ),
        ),
      }),
    );
    // Negative controls of the replication judges: a set with no replication must trip both.
    const refuse = replicasRefuseWrites(asReplicas.writes);
    const caughtUp = replicasCaughtUp(books.get(0)!.ledger(), asReplicas.catchUp);
    await scenario.expectViolated(refuse, ['replica-accepted-write']);
    await scenario.expectViolated(caughtUp, ['replica-behind']);
    const standalone = `pg_is_in_recovery() is ${roles.map((role) => `${role.inRecovery ? 't' : 'f'} on postgres-${role.ordinal}`).join(', ')}; postgres-1 and postgres-2 acknowledged writes and never saw postgres-0's rows: three independent primaries, nothing replicates`;
    await scenario.decide({
      claim: 'day-11/app-postgres-0-always-primary',
      verdict: 'does-not-hold',
      observed: standalone,
    });
    await scenario.decide({
      claim: 'day-11/app-postgres-1-always-replica',
      verdict: 'does-not-hold',
      observed: standalone,
    });
    await decideAll(scenario, ['day-11/no-replication-setup', 'master-stateful-applications/app-handles-roles'], {
      verdict: 'holds',
      observed: `the StatefulSet gave every pod the same template and nothing else: ${standalone}`,
    });

    // "Delete postgres-1 (simulate failure)": same name, same claim, same data.
    const before = await scenario.step('note postgres-1: pod UID, claim, volume, system identifier', () =>
      postgres.storageIdentity(1, () => postgres.systemIdentifier(1)),
    );
    await scenario.step('kubectl delete pod postgres-1; it is recreated and accepts connections', async () => {
      await postgres.deletePod(1);
      await postgres.waitPodGone(1, before.podUid);
      await postgres.waitPodReady(1);
      await postgres.waitAccepting(1);
    });
    const after = await scenario.step('read postgres-1 again', () =>
      postgres.storageIdentity(1, () => postgres.systemIdentifier(1)),
    );
    const reattached = storageReattached(before, after);
    const [afterDelete] = await judgeLedgers(
      scenario,
      [{ ledger: books.get(1)!.ledger(), read: await postgres.readLedger(1, 'postgres-1 after its deletion') }],
      'postgres-1 deleted',
    );
    await decideFromVerdict(
      scenario,
      [
        'day-11/analogy-pod-recreated',
        'day-11/deleted-pod-recreated',
        'day-11/analogy-same-locker',
        'day-11/deleted-pod-same-pvc',
        'day-11/box-pvc-survives',
        'day-11/box-same-pvc',
        'day-11/takeaway-same-pvc',
      ],
      reattached,
      { holds: 'postgres-1 came back under its name with the same claim, volume and database (system identifier)' },
    );
    await decideFromVerdict(
      scenario,
      ['day-11/data-survived-pod-deletion', 'day-11/takeaway-data-survives'],
      afterDelete!,
      { holds: `every row postgres-1 acknowledged before its deletion is there after it` },
    );

    // "kubectl scale statefulset postgres --replicas=5", then 2, then 5 again.
    const scaleUp = await scenario.checkpoint();
    await scenario.step('kubectl scale statefulset postgres --replicas=5', async () => {
      await postgres.scaleTo(5);
      await postgres.waitReady(5);
      for (const ordinal of [3, 4]) await postgres.waitAccepting(ordinal);
    });
    const scaledUp = orderedCreation(await scenario.timeline('postgres'), { window: scaleUp, ordinals: [3, 4] });
    await decideFromVerdict(scenario, ['day-11/scale-up-in-order', 'day-11/scale-up-waits-for-ready'], scaledUp, {
      holds: 'postgres-3 was created once postgres-0..2 were Ready, postgres-4 once postgres-3 was',
    });
    const withFive = await postgres.claims();
    await scenario.decide({
      claim: 'day-11/takeaway-scale-up-new-pvcs',
      verdict: ['data-postgres-3', 'data-postgres-4'].every((name) => withFive.some((claim) => claim.name === name))
        ? 'holds'
        : 'does-not-hold',
      observed: withFive.map((claim) => `${claim.name} ${claim.phase}`).join(', '),
    });
    await scenario.step(`write ${ROWS} acknowledged rows to postgres-3 and postgres-4`, async () => {
      for (const ordinal of [3, 4]) await writeTo(ordinal);
    });
    const identities = new Map<number, Awaited<ReturnType<typeof postgres.storageIdentity>>>();
    await scenario.step('note postgres-2..4: pod UID, claim, volume, system identifier', async () => {
      for (const ordinal of [2, 3, 4])
        identities.set(ordinal, await postgres.storageIdentity(ordinal, () => postgres.systemIdentifier(ordinal)));
    });

    const scaleDown = await scenario.checkpoint();
    await scenario.step('kubectl scale statefulset postgres --replicas=2', async () => {
      await postgres.scaleTo(2);
      await postgres.waitReady(2);
      for (const ordinal of [4, 3, 2]) await postgres.waitPodGone(ordinal);
    });
    const reversed = reverseTermination(await scenario.timeline('postgres'), { window: scaleDown, from: 5, to: 2 });
    await decideFromVerdict(
      scenario,
      ['day-11/scale-down-reverse', 'day-11/scale-down-waits-for-termination', 'day-11/box-deleted-in-reverse'],
      reversed,
      {
        holds:
          "postgres-4, then postgres-3, then postgres-2 went, each once the higher one was gone (scaling to 2 also removes postgres-2, which the guide's listing leaves out)",
      },
    );
    const remaining = await scenario.step('kubectl get pvc', () => postgres.claims());
    const allFive = [0, 1, 2, 3, 4].every((ordinal) =>
      remaining.some(
        (claim) => claim.name === postgres.claimName(ordinal) && claim.phase === 'Bound' && !claim.terminating,
      ),
    );
    await decideAll(scenario, ['day-11/pvcs-not-deleted-on-scale-down', 'day-11/takeaway-scale-down-pvcs-remain'], {
      verdict: allFive ? 'holds' : 'does-not-hold',
      observed: remaining.map((claim) => `${claim.name} ${claim.phase}`).join(', '),
    });

    // The ledger's negative control: postgres-4's claim is deleted before it comes back.
    const deletedClaim = await scenario.step(
      'negative control: delete data-postgres-4 (no pod mounts it) and wait until it and its volume are gone',
      async () => {
        const volume = identities.get(4)!.claim!.volume!;
        const uid = await postgres.deleteClaim(4);
        await postgres.waitClaimGone(4, uid);
        await postgres.waitVolumesReclaimed([volume]);
        return uid;
      },
    );
    await scenario.step('kubectl scale statefulset postgres --replicas=5', async () => {
      await postgres.scaleTo(5);
      await postgres.waitReady(5);
      for (const ordinal of [2, 3, 4]) await postgres.waitAccepting(ordinal);
    });
    const backAgain = new Map<number, Awaited<ReturnType<typeof postgres.storageIdentity>>>();
    for (const ordinal of [2, 3, 4])
      backAgain.set(
        ordinal,
        await scenario.step(`read postgres-${ordinal} again`, () =>
          postgres.storageIdentity(ordinal, () => postgres.systemIdentifier(ordinal)),
        ),
      );
    for (const ordinal of [2, 3])
      await scenario.expectHolds(storageReattached(identities.get(ordinal)!, backAgain.get(ordinal)!));
    const preserved = await judgeLedgers(
      scenario,
      await Promise.all(
        [2, 3].map(async (ordinal) => ({
          ledger: books.get(ordinal)!.ledger(),
          read: await postgres.readLedger(ordinal, `postgres-${ordinal} after scaling 5 -> 2 -> 5`),
        })),
      ),
      'scaled 5 -> 2 -> 5',
    );
    const firstBroken = preserved.find((verdict) => !verdict.holds);
    await decideFromVerdict(scenario, ['day-11/scale-back-data-preserved'], firstBroken ?? preserved[0]!, {
      holds: `postgres-2 and postgres-3 came back on their claims with every row they had acknowledged`,
    });
    for (const verdict of preserved) await scenario.expectHolds(verdict);
    await scenario.note('negative control: data-postgres-4 was deleted before scaling back', {
      'deleted claim uid': deletedClaim.slice(0, 8),
      'claim after': `${backAgain.get(4)?.claim?.name} uid ${backAgain.get(4)?.claim?.uid.slice(0, 8)}`,
    });
    await scenario.expectViolated(
      ledgerIntact(books.get(4)!.ledger(), await postgres.readLedger(4, 'postgres-4 on a new claim')),
      ['acknowledged-write-lost'],
    );

    await scenario.step('every server still holds every row it acknowledged', async () => {
      const all = await judgeLedgers(
        scenario,
        await Promise.all(
          [0, 1, 2, 3].map(async (ordinal) => ({
            ledger: books.get(ordinal)!.ledger(),
            read: await postgres.readLedger(ordinal, `postgres-${ordinal} at the end`),
          })),
        ),
        'walkthrough end (postgres-0..3)',
      );
      for (const verdict of all) await scenario.expectHolds(verdict);
    });
  });

  test("made to work: a partitioned rolling update from postgres 14.22 to the guide's postgres:14 (14.23) behind a pg_isready probe, then the guide's update to postgres:15", async ({
    scenario,
  }) => {
    const contract = { maxUnavailableGate: scenario.contract.maxUnavailableStatefulSet };
    await scenario.about({ feature: 'Guides: PostgreSQL', docs: `${STATEFULSET_DOCS}#partitions` });
    const start = await scenario.checkpoint();
    const created = scenario.declare('ordered creation gated by pg_isready', 'postgres', (timeline) =>
      orderedCreation(timeline, { window: start, ordinals: [0, 1, 2] }),
    );
    const { postgres, fixture } = await scenario.step(
      "apply the guide's postgres set on postgres:14.22 with its Secret, a pg_isready readiness probe and partition 2",
      () =>
        GuidePostgres.deploy(scenario, {
          addSecret: true,
          readinessProbe: true,
          partition: 2,
          image: {
            name: 'postgres:14.22',
            reason:
              "one patch release below the guide's postgres:14 (14.23), so the update moves between two real versions",
          },
        }),
    );
    await noteAdaptations(scenario, fixture);
    const initial = await scenario.step('postgres has 3 Ready replicas', () => postgres.waitReady(3));
    await scenario.expectHolds(created);
    const versionsOf = async () =>
      new Map(await Promise.all([0, 1, 2].map(async (ordinal) => [ordinal, await postgres.version(ordinal)] as const)));
    const before = await scenario.step('SELECT version() on each server', versionsOf);
    for (const [ordinal, version] of before) expect(version.version, `postgres-${ordinal}`).toBe('14.22');

    const books = new Map<number, LedgerBook>();
    await scenario.step(`write ${ROWS} acknowledged rows to each server`, async () => {
      for (const ordinal of [0, 1, 2]) {
        const book = await postgres.openLedger(ordinal);
        books.set(ordinal, book);
        await postgres.writeRows(ordinal, book, ROWS);
      }
    });

    const updateStart = await scenario.checkpoint();
    const target = await scenario.step('kubectl set image statefulset/postgres postgres=postgres:14', () =>
      postgres.setImage('postgres:14'),
    );
    const updateRevision = await scenario.step('the controller makes a new update revision', () =>
      postgres.waitNewUpdateRevision(initial.status?.currentRevision as string),
    );
    const wholeUpdate = scenario.declare('rolling update order 2, 1, 0', 'postgres', (timeline) =>
      rollingUpdateOrder(timeline, { window: updateStart, ordinals: [2, 1, 0], updateRevision, contract }),
    );
    await scenario.step('postgres-2 runs the new revision', () => postgres.waitPartitionRolledOut(2));
    await scenario.step('delete postgres-0 below the partition; it comes back', async () => {
      const uid = await postgres.deletePod(0);
      await postgres.waitPodGone(0, uid);
      await postgres.waitPodReady(0);
    });
    const canaryDone = await scenario.checkpoint();
    const canary = await scenario.step('SELECT version() on each server', versionsOf);
    const partitionVerdict = partitionRespected(await scenario.timeline('postgres'), {
      window: between(updateStart, canaryDone),
      partition: 2,
      updateRevision,
    });
    const versionsText = (versions: typeof canary) =>
      [...versions].map(([ordinal, version]) => `postgres-${ordinal}: ${version.reported}`).join('; ');
    const canaryHolds =
      canary.get(2)?.version === '14.23' && canary.get(1)?.version === '14.22' && canary.get(0)?.version === '14.22';
    await scenario.decide({
      claim: 'master-stateful-applications/partition-canary',
      verdict: partitionVerdict.holds && canaryHolds ? 'holds' : 'does-not-hold',
      observed: `with partition 2, only postgres-2 moved to ${target}; postgres-0 (even deleted and recreated) and postgres-1 stayed: ${versionsText(canary)}`,
    });
    await scenario.expectHolds(partitionVerdict);
    expect(canaryHolds, versionsText(canary)).toBe(true);

    await scenario.step('lower the partition to 0; the rollout completes', async () => {
      await postgres.setPartition(0);
      await postgres.waitObserved();
      await postgres.waitRolloutComplete();
      for (const ordinal of [0, 1, 2]) await postgres.waitAccepting(ordinal);
    });
    const updated = await scenario.step('SELECT version() on each server', versionsOf);
    const order = await wholeUpdate.verdict();
    await decideFromVerdict(scenario, ['day-11/update-highest-ordinal-first'], order, {
      holds: `postgres-2, then postgres-1, then postgres-0 were replaced, each once the higher one ran the new revision and pg_isready passed: ${versionsText(updated)}`,
    });
    for (const [ordinal, version] of updated) expect(version.version, `postgres-${ordinal}`).toBe('14.23');
    const kept = await judgeLedgers(
      scenario,
      await Promise.all(
        [0, 1, 2].map(async (ordinal) => ({
          ledger: books.get(ordinal)!.ledger(),
          read: await postgres.readLedger(ordinal, `postgres-${ordinal} on 14.23`),
        })),
      ),
      'rolled 14.22 -> 14.23',
    );
    for (const verdict of kept) await scenario.expectHolds(verdict);

    // The guide's own update: a new major version on the same data directories.
    const majorStart = await scenario.checkpoint();
    const fifteen = await scenario.step(
      "kubectl set image statefulset/postgres postgres=postgres:15 (the guide's command)",
      () => postgres.setImage('postgres:15'),
    );
    const majorRevision = await scenario.step('the controller makes a new update revision', () =>
      postgres.waitNewUpdateRevision(updateRevision),
    );
    const crashed = await scenario.step('postgres-2 is replaced and its server exits', () =>
      postgres.waitContainerRestarted(2, 1),
    );
    const { line: fatal, log } = await scenario.step("postgres-2's log says why its server exits", () =>
      postgres.waitLogLine(2, /FATAL|incompatible/),
    );
    const podOne = (await postgres.podUid(1)) ?? '';
    await scenario.step(`postgres-1 keeps its pod while postgres-2 is not Ready (${HOLD_MS / 1000}s)`, () =>
      postgres.confirmPodKeptFor(1, podOne, HOLD_MS),
    );
    await scenario.note(
      "postgres-2 after the guide's update to postgres:15",
      {
        image: fifteen,
        container: `${crashed.restartCount} restarts, last exit ${crashed.lastExitCode ?? crashed.exitCode} (${crashed.lastReason ?? crashed.reason})`,
        log: fatal,
      },
      { name: 'postgres-2 log', content: log },
    );
    await scenario.decide({
      claim: 'day-11/update-to-15-postgres-2-running',
      verdict: 'does-not-hold',
      observed: `postgres-2 was replaced with ${fifteen} and never ran: its server exits on the data directory that PostgreSQL 14 made (${fatal.trim()}), ${crashed.restartCount} restart(s); a major version needs pg_upgrade or a dump and restore, not an image change`,
    });
    const stalled = rollingUpdateOrder(await scenario.timeline('postgres'), {
      window: majorStart,
      ordinals: [2],
      updateRevision: majorRevision,
      contract,
    });
    await decideFromVerdict(scenario, ['day-11/update-waits-for-healthy'], stalled, {
      holds: `the controller replaced postgres-2 and then waited: postgres-1 kept its pod for ${HOLD_MS / 1000}s while postgres-2 was not Ready`,
    });
  });
});
