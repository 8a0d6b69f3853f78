/**
 * The complete guide's MongoDB mini-project (000_353d8b84a67e90ff.txt, mongodb-cluster-complete.sh,
 * lines 401-738): the script's objects and its own commands (kubectl wait, kubectl exec ... mongo
 * --eval "rs.initiate(...)", the dns-test nslookup). mongo:6.0 is not obtainable here: the image
 * map runs the FerretDB stand-in (SQLite backend, the real mongosh 2.12.0, a mongod wrapper that
 * says what it ignores). What the stand-in cannot show is decided "not run here", never judged
 * from it: it has no replica sets, no keyfile authentication, no mongod access control, and it is
 * always a writable primary, so primary discovery and secondary reads are never judged from it.
 */
import { expect } from 'vitest';
import { orderedCreation } from '../../lib/invariants/ordering.js';
import { storageReattached } from '../../lib/invariants/storage.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { GuideMongo } from '../../lib/workloads/guide-mongo.js';
import { describeOutcome } from '../../lib/workloads/nslookup.js';
import type { LedgerBook } from '../../lib/workloads/guide-workload.js';
import { checkDns, decideAll, decideFromVerdict, judgeLedgers, noteAdaptations, STATEFULSET_DOCS } from './common.js';

const NEEDS_MONGO = 'needs mongo:6.0 (online mode or --images DIR)';
/** How long mongo-1 must stay absent once the controller has seen mongo-0 not Ready. */
const HOLD_MS = 20_000;
const ROWS = 20;

/** The guide's rs.initiate, as its script sends it (lines 675-684), $NAMESPACE expanded. */
function rsInitiate(namespace: string): string {
  const member = (id: number, priority: number) =>
    `    { _id: ${id}, host: 'mongo-${id}.mongo.${namespace}.svc.cluster.local:27017', priority: ${priority} }`;
  return `\nrs.initiate({\n  _id: 'rs0',\n  members: [\n${[member(0, 2), member(1, 1), member(2, 1)].join(',\n')}\n  ]\n});\n`;
}

describe('the complete guide: MongoDB replica set', () => {
  test("as documented: the guide's MongoDB script objects with $NAMESPACE expanded and only the environment adapted", async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: MongoDB', docs: `${STATEFULSET_DOCS}#deployment-and-scaling-guarantees` });
    const window = await scenario.checkpoint();
    const { mongo, fixture } = await scenario.step(
      'apply the four heredocs of mongodb-cluster-complete.sh (fixtures/guides/complete-guide/mongodb-cluster.yaml)',
      () => GuideMongo.deploy(scenario),
    );
    await noteAdaptations(scenario, fixture);
    const image = await mongo.podImage(0);

    const probe = await scenario.step("mongo-0's readiness probe runs the guide's `mongo --eval`", () =>
      mongo.waitPodEvent(0, 'Unhealthy', /[Rr]eadiness probe/),
    );
    const init = (await mongo.containerStates(0)).find((state) => state.container === 'setup-keyfile');
    const keyfile = await scenario.step('mode and owner of /etc/mongodb-keyfile in the mongodb container', () =>
      mongo.fileMode(0, '/etc/mongodb-keyfile'),
    );
    const startLog = await scenario.step("mongo-0's container log (the mongod wrapper's own lines)", () =>
      mongo.logs(0),
    );
    const restarted = await scenario.step(
      'the liveness probe (also `mongo --eval`) fails until the kubelet restarts mongod',
      () => mongo.waitContainerRestarted(0, 1),
    );
    await scenario.step('the controller has observed mongo-0', () => mongo.waitObserved());
    await scenario.step(`mongo-1 is not created while mongo-0 is not Ready (${HOLD_MS / 1000}s)`, () =>
      mongo.confirmPodAbsentFor(1, HOLD_MS),
    );
    const initiate = await scenario.step('the guide\'s `kubectl exec mongo-0 -- mongo --eval "rs.initiate(...)"`', () =>
      mongo.shell(0, ['mongo', '--eval', rsInitiate(scenario.namespace.name)]),
    );
    await scenario.note(
      "what the guide's script gets",
      {
        image: image ?? '',
        'readiness probe': probe.message,
        'setup-keyfile': init ? `${init.state} ${init.reason ?? ''} exit ${init.exitCode ?? ''}` : 'not reported',
        '/etc/mongodb-keyfile': keyfile,
        'mongo-0': `${restarted.restartCount} restart(s), last ${restarted.lastReason ?? ''} exit ${restarted.lastExitCode ?? ''}`,
        'mongo --eval rs.initiate': initiate.started
          ? `exit ${initiate.exitCode}: ${initiate.output}`
          : `did not start: ${initiate.output}`,
      },
      { name: "mongo-0's log", content: startLog },
    );
    const created = orderedCreation(await scenario.timeline('mongo'), { window, ordinals: [0] });
    await scenario.expectHolds(created);

    const noShell = `mongo-0's probes call \`mongo\`, which the image does not have (${probe.message}); mongo:6.0 has no legacy mongo shell either (it ships mongosh), so this is not the stand-in's doing`;
    const neverReady = `${noShell}: mongo-0 is never Ready, the liveness probe restarts it (${restarted.restartCount} restart(s) so far), and OrderedReady never creates mongo-1 or mongo-2 (absent ${HOLD_MS / 1000}s after the controller observed the set)`;
    await decideAll(
      scenario,
      ['complete-guide/mongo-health-checks', 'complete-guide/mongo-demonstrates-health-checks'],
      {
        verdict: 'does-not-hold',
        observed: neverReady,
      },
    );
    await scenario.decide({
      claim: 'complete-guide/mongo-kubectl-wait-ready',
      verdict: 'does-not-hold',
      observed: `${neverReady}; a probe that cannot run cannot pass, so the guide's kubectl wait can only time out after its 300s`,
    });
    await decideAll(
      scenario,
      ['complete-guide/mongo-eval-rs-initiate', 'complete-guide/mongo-demonstrates-replica-set-init'],
      {
        verdict: 'does-not-hold',
        observed: `the script's \`kubectl exec mongo-0 -- mongo --eval "rs.initiate(...)"\` ${initiate.started ? `exited ${initiate.exitCode}: ${initiate.output}` : `did not start: ${initiate.output}`}; the replica set is never initiated (the ConfigMap's init-replica-set.js is mounted nowhere either)`,
      },
    );
    await scenario.decide({
      claim: 'complete-guide/mongo-setup-complete',
      verdict: 'does-not-hold',
      observed: `the wait and the initiate fail as above; the script has no \`set -e\`, so it goes on to print "MongoDB cluster setup complete!" anyway`,
    });
    await scenario.decide({
      claim: 'complete-guide/mongo-production-ready',
      verdict: 'does-not-hold',
      observed: neverReady,
    });
    await scenario.decide({
      claim: 'complete-guide/mongo-demonstrates-ordered-management',
      verdict: 'holds',
      observed: `OrderedReady held mongo-1 back while mongo-0 was not Ready (${created.checked}); with these probes the set never grows past mongo-0`,
    });
    await scenario.decide({
      claim: 'complete-guide/mongo-init-container-keyfile',
      verdict: keyfile === '400 999:999' && init?.exitCode === 0 ? 'holds' : 'does-not-hold',
      observed: `setup-keyfile ran (${init?.reason ?? 'state unknown'}, exit ${init?.exitCode ?? '?'}) and /etc/mongodb-keyfile is ${keyfile} (mode, uid:gid); whether mongod accepts its content is not run here (${NEEDS_MONGO}): the key has '-', outside the base64 alphabet mongod requires (read in mongod's security_file.cpp)`,
    });
    await scenario.decide({
      claim: 'complete-guide/mongo-startup-with-authentication',
      verdict: 'not-run-here',
      observed: `the stand-in's mongod ignores --auth and --keyFile and says so in its log; the pod's \`command:\` replaces the image's entrypoint, so MONGO_INITDB_ROOT_USERNAME/PASSWORD create no user on mongo:6.0 either (then only the localhost exception lets a client in), and mongod 6.0 would refuse the key file before that (read, not run)`,
      qualifier: NEEDS_MONGO,
    });
    await scenario.decide({
      claim: 'complete-guide/mongo-demonstrates-keyfiles',
      verdict: 'not-run-here',
      observed: `the key file is written with mode 400 and owner 999 (${keyfile}); the stand-in never reads it`,
      qualifier: NEEDS_MONGO,
    });
    await scenario.decide({
      claim: 'complete-guide/mongo-initiate-once-on-primary',
      verdict: 'not-run-here',
      observed: `in the guide's script the initiate never runs (no mongo shell); there is no replica set to have a primary on the stand-in`,
      qualifier: NEEDS_MONGO,
    });
    expect(probe.message, "why mongo-0's readiness probe fails").toMatch(/mongo/);
  });

  test('made to work on the FerretDB stand-in: mongosh probes, creation in order, DNS, acknowledged documents through a pod deletion and scaling to 0 and back', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Guides: MongoDB', docs: `${STATEFULSET_DOCS}#stable-storage` });
    const start = await scenario.checkpoint();
    const created = scenario.declare('ordered creation gated by mongosh probes', 'mongo', (timeline) =>
      orderedCreation(timeline, { window: start, ordinals: [0, 1, 2] }),
    );
    const { mongo, fixture } = await scenario.step(
      "apply the script's objects with mongosh probes and a base64 key",
      () => GuideMongo.deploy(scenario, { madeToWork: true }),
    );
    await noteAdaptations(scenario, fixture);
    await scenario.step('mongo has 3 Ready replicas', () => mongo.waitReady(3));
    const readyAt = Date.now();
    await scenario.expectHolds(created);
    const version = await scenario.step('buildInfo of mongo-0', () => mongo.adapter(0).serverVersion());
    await scenario.note('what answers as mongod', {
      image: (await mongo.podImage(0)) ?? '',
      buildInfo: `version ${version.version}${version.ferretdbVersion ? `, FerretDB ${version.ferretdbVersion}` : ''} (${version.product})`,
    });

    const dns = await checkDns(scenario, mongo, [0, 1, 2], readyAt);
    await decideFromVerdict(
      scenario,
      [
        'complete-guide/mongo-headless-stable-dns',
        'complete-guide/mongo-demonstrates-network-identity',
        'master-stateful-applications/mongo-dns-names',
      ],
      dns.verdict,
      {
        holds: `mongo-0..2.mongo.${scenario.namespace.name}.svc.cluster.local resolve to their pods, the Service mongo to all three (the guides' examples say namespace default)`,
      },
    );
    await scenario.decide({
      claim: 'day-11/mongo-stable-dns',
      verdict: 'partly',
      observed: `every member has a stable DNS name (${dns.verdict.outcome}); the replica set configuration that would use those names does not exist on the stand-in`,
      qualifier: `stable DNS holds; its use in a replica set config is not run here: ${NEEDS_MONGO}`,
    });
    const shortName = await scenario.step("the guide's dns-test: busybox 1.35 `nslookup mongo-0.mongo`", () =>
      dns.dns.lookup('mongo-0.mongo'),
    );
    const fullName = await scenario.step(`busybox 1.35 \`nslookup ${mongo.podDnsName(0)}\``, () =>
      dns.dns.lookup(mongo.podDnsName(0)),
    );
    const shortResolves = shortName.outcome.kind === 'answer';
    await scenario.decide({
      claim: 'complete-guide/mongo-dns-test-nslookup',
      verdict: shortResolves ? 'holds' : 'does-not-hold',
      observed: `busybox 1.35's nslookup mongo-0.mongo: ${describeOutcome(shortName.outcome)}; the full name ${mongo.podDnsName(0)}: ${describeOutcome(fullName.outcome)}. busybox's own resolver queries a name with a dot as it is, without the search domains (networking/nslookup.c, add_query_with_search), so only the full name resolves; the DNS client is Debian's busybox-static 1.35 standing in for busybox:1.35`,
    });

    const primaryService = await scenario.step('the addresses behind the Service mongo-primary', () =>
      mongo.serviceAddresses('mongo-primary'),
    );
    const podIps = await Promise.all([0, 1, 2].map((ordinal) => mongo.podIp(ordinal)));
    await scenario.decide({
      claim: 'complete-guide/mongo-primary-service-drivers',
      verdict: 'not-run-here',
      observed: `mongo-primary is a ClusterIP Service over every mongodb pod: it routes to ${primaryService.join(', ')} (pods ${podIps.join(', ')}), any of them; finding the primary is the driver's part, and the stand-in is every time a writable primary, so it is not judged`,
      qualifier: NEEDS_MONGO,
    });
    const initiate = await scenario.step("the guide's rs.initiate with mongosh in mongo-0", () =>
      mongo.shell(0, ['mongosh', '--quiet', '--eval', rsInitiate(scenario.namespace.name)]),
    );
    const replicaSet = `the stand-in has no replica sets: mongosh's rs.initiate in mongo-0 ${initiate.started ? `exited ${initiate.exitCode}: ${initiate.output.split('\n').slice(0, 2).join(' ')}` : `did not start: ${initiate.output}`}`;
    for (const claim of [
      'complete-guide/mongo-three-member-replica-set',
      'complete-guide/mongo-read-from-secondary',
      'day-11/mongo-primary-secondary',
      'day-11/mongo-automatic-failover',
      'master-stateful-applications/mongo-0-primary',
    ])
      await scenario.decide({ claim, verdict: 'not-run-here', observed: replicaSet, qualifier: NEEDS_MONGO });
    await scenario.decide({
      claim: 'complete-guide/mongo-rolling-update-6.0.1',
      verdict: 'not-run-here',
      observed:
        'one FerretDB version stands in for every mongo tag: mongo:6.0.1 would map to the same image, so there is no update to make',
      qualifier: NEEDS_MONGO,
    });
    const hello = await scenario.step("the guide's test data: insertOne on mongo-0 with mongosh", () =>
      mongo.shell(0, [
        'mongosh',
        '--quiet',
        '--eval',
        'db.test.insertOne({message: "Hello from StatefulSet!", timestamp: new Date()}).acknowledged',
      ]),
    );
    await scenario.decide({
      claim: 'complete-guide/mongo-test-data-on-primary',
      verdict: 'not-run-here',
      observed: `with mongosh (the guide's mongo shell does not exist) the insert on mongo-0 answered ${hello.output || '(nothing)'}; mongo-0 is a standalone stand-in, not a primary`,
      qualifier: NEEDS_MONGO,
    });

    // The data: a ledger of acknowledged documents on each member, through deletion and a scale to 0.
    const books = new Map<number, LedgerBook>();
    const markers = new Map<number, string>();
    await scenario.step(`write ${ROWS} acknowledged documents and a marker to each of mongo-0..2`, async () => {
      for (const ordinal of [0, 1, 2]) {
        const book = await mongo.openLedger(ordinal);
        await mongo.writeRows(ordinal, book, ROWS);
        books.set(ordinal, book);
        markers.set(ordinal, await mongo.writeMarker(ordinal));
      }
    });
    const claims = await scenario.step('kubectl get pvc -n $NAMESPACE', () => mongo.claims());
    const before = await scenario.step('note mongo-1: pod UID, claim, volume, marker', () =>
      mongo.storageIdentity(1, () => mongo.readMarker(1)),
    );
    await scenario.step('delete mongo-1; it comes back Ready', async () => {
      await mongo.deletePod(1);
      await mongo.waitPodGone(1, before.podUid);
      await mongo.waitPodReady(1);
      await mongo.waitAccepting(1);
    });
    const after = await scenario.step('read mongo-1 again', () => mongo.storageIdentity(1, () => mongo.readMarker(1)));
    const reattached = storageReattached(before, after);
    await scenario.expectHolds(reattached);
    const [afterDelete] = await judgeLedgers(
      scenario,
      [{ ledger: books.get(1)!.ledger(), read: await mongo.readLedger(1, 'mongo-1 after its deletion') }],
      'mongo-1 deleted',
    );
    await scenario.expectHolds(afterDelete!);

    const identities = new Map<number, Awaited<ReturnType<typeof mongo.storageIdentity>>>();
    for (const ordinal of [0, 1, 2])
      identities.set(ordinal, await mongo.storageIdentity(ordinal, () => mongo.readMarker(ordinal)));
    await scenario.step('scale mongo to 0 and wait until every pod is gone', async () => {
      await mongo.scaleTo(0);
      await mongo.waitReady(0);
      for (const ordinal of [0, 1, 2]) await mongo.waitPodGone(ordinal);
    });
    await scenario.step('scale mongo back to 3', async () => {
      await mongo.scaleTo(3);
      await mongo.waitReady(3);
      for (const ordinal of [0, 1, 2]) await mongo.waitAccepting(ordinal);
    });
    const back = [];
    for (const ordinal of [0, 1, 2]) {
      const again = await scenario.step(`read mongo-${ordinal} again`, () =>
        mongo.storageIdentity(ordinal, () => mongo.readMarker(ordinal)),
      );
      back.push(storageReattached(identities.get(ordinal)!, again));
    }
    const kept = await judgeLedgers(
      scenario,
      await Promise.all(
        [0, 1, 2].map(async (ordinal) => ({
          ledger: books.get(ordinal)!.ledger(),
          read: await mongo.readLedger(ordinal, `mongo-${ordinal} after scaling 3 -> 0 -> 3`),
        })),
      ),
      'mongo scaled 3 -> 0 -> 3',
    );
    const broken = [reattached, ...back, afterDelete!, ...kept].find((verdict) => !verdict.holds);
    const ownClaims = claims.map((claim) => `${claim.name} ${claim.phase}`).join(', ');
    await decideFromVerdict(
      scenario,
      [
        'complete-guide/mongo-persistent-storage',
        'complete-guide/mongo-dedicated-storage',
        'complete-guide/mongo-demonstrates-persistent-storage',
      ],
      broken ?? kept[0]!,
      {
        holds: `each member got its own claim (${ownClaims}); mongo-1 came back on its claim with its marker and every acknowledged document, and so did every member after scaling to 0 and back (documents written with the real mongosh to the FerretDB stand-in: its SQLite files live on the claim as mongod's would)`,
      },
    );
    for (const verdict of [...back, ...kept]) await scenario.expectHolds(verdict);
  });
});
