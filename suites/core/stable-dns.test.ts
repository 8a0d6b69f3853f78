/**
 * "Each Pod in a StatefulSet derives its hostname from the name of the StatefulSet and the
 * ordinal of the Pod." "A StatefulSet can use a Headless Service to control the domain of its
 * Pods ... As each Pod is created, it gets a matching DNS subdomain, taking the form:
 * $(podname).$(governing service domain)". Looked up the way the docs' DNS debugging guide does:
 * busybox nslookup from a pod (quirks handled in lib/workloads/dns-client.ts), via every DNS
 * server a pod can reach: the cluster DNS Service and each CoreDNS replica asked directly, since
 * each replica answers from its own state (lib/workloads/dns-convergence.ts).
 */
import { dnsMatchesPods } from '../../lib/invariants/dns.js';
import { podIdentity } from '../../lib/invariants/identity.js';
import { describe, test, type Scenario } from '../../lib/harness/scenario.js';
import { GuideStatements, placement } from '../../lib/harness/guide-statements.js';
import { DnsClient, type DnsServer, type ExpectedRecord } from '../../lib/workloads/dns-client.js';
import { convergenceNote, ipChangeNote, type ReportNote } from '../../lib/workloads/dns-convergence.js';
import { LookalikePods } from '../../lib/workloads/lookalike-pods.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from './docs.js';

const ORDINALS = [0, 1, 2];
/** Agreeing rounds in a row before DNS counts as converged: with two replicas, one lucky answer is likely. */
const CONSECUTIVE = 3;

/** What the users' guides say that this scenario decides (fixtures/claims/*.general.yaml). */
const GUIDES = {
  /** Names and hostnames: <set>-<ordinal>, the same after a pod is recreated. */
  names: [
    'complete-guide/stable-names',
    'day-11/analogy-same-apartment-number',
    'day-11/box-ordered-names',
    'day-11/box-unique-identifiable',
    'day-11/takeaway-names-never-change',

    'statefulsets-overview/guarantees-ordering-uniqueness',
    'statefulsets-overview/sticky-identity',
    'statefulsets-overview/ordered-naming',
    'statefulsets-overview/table-identity-ordinal-based',
    'master-stateful-applications/guarantees-ordering-uniqueness',
    'master-stateful-applications/table-identity-fixed',
    'master-stateful-applications/summary-identity-fixed',
  ],
  /** DNS: <pod>.<service>.<namespace>.svc.cluster.local answers the pod, also once it was recreated. */
  /** DNS names that stay when a pod moves to another node: decided only if web-1 did move. */
  acrossNodes: [
    'complete-guide/stable-dns-name-across-nodes',
    'complete-guide/names-valid-on-other-nodes',
    'complete-guide/dns-stable-between-nodes',
  ],
  dns: [
    'day-11/analogy-same-mailbox-address',
    'day-11/box-headless-direct-access',
    'day-11/takeaway-dns-names-stable',

    'statefulsets-overview/field-service-name',
    'master-stateful-applications/table-dns-predictable',
    'master-stateful-applications/dns-pattern',
    'master-stateful-applications/summary-dns-predictable',
  ],
};

/** Every pod name and the Service via every server, and the control name via every server. */
async function lookUpEverything(web: WebStatefulSet, dns: DnsClient, servers: DnsServer[], control: ExpectedRecord) {
  return {
    observations: await dns.lookUpAll(await web.dnsRecords(ORDINALS), servers),
    control: await dns.lookUpAll([control], servers),
  };
}

/** A fact beside the verdicts: a step of its title, its facts as parameters; its short form goes into `checked`. */
async function report(scenario: Scenario, note: ReportNote): Promise<string> {
  await scenario.note(note.title, note.facts, note.attachment);
  return note.context;
}

/** A busybox DNS client in the scenario's namespace, the servers it can ask, and the control name every working DNS answers. */
async function startDnsClient(scenario: Scenario) {
  const dns = await scenario.step('start a busybox DNS client in the same namespace', () => DnsClient.deploy(scenario));
  const servers = await scenario.step(
    'find the DNS servers a pod reaches: the cluster DNS Service and every CoreDNS pod (read from kube-system)',
    () => dns.servers(),
  );
  const control = await scenario.step(
    'read the control name: kubernetes.default must resolve to the API server Service on any working DNS',
    () => dns.controlRecord(),
  );
  return { dns, servers, control };
}

describe('stable network identity', () => {
  test('each pod resolves as <pod>.web.<ns>.svc.cluster.local, the Service to every pod, and web-1 keeps its name and DNS record when recreated', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Stable network identity', docs: DOCS.identity });
    const web = await scenario.step('apply web with 3 replicas and its headless Service', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3 }),
    );
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));
    // Convergence is timed from when the suite saw the pods Ready (it polls every 500 ms).
    const allReadyAt = Date.now();
    const { dns, servers, control } = await startDnsClient(scenario);

    // The records were just published: wait until no server still answers from before.
    const first = await scenario.step(
      `wait until every server answers every pod name and the Service as expected ${CONSECUTIVE} rounds in a row`,
      () => dns.waitUntilConverged(() => web.dnsRecords(ORDINALS), servers, { consecutive: CONSECUTIVE }),
    );
    const firstContext = await report(
      scenario,
      convergenceNote('web had 3 Ready replicas', allReadyAt, first, servers),
    );
    const initial = await scenario.step('look up every name via every server, and the control name', () =>
      lookUpEverything(web, dns, servers, control),
    );
    const guides = new GuideStatements(scenario, GUIDES);
    await guides.expectHolds(
      dnsMatchesPods(initial.observations, { control: initial.control, context: firstContext }),
      'dns',
      'acrossNodes',
    );
    await guides.expectHolds(
      podIdentity(
        await scenario.step("read every pod's identity", () =>
          Promise.all(ORDINALS.map((ordinal) => web.identity(ordinal))),
        ),
        web.expectedIdentity(ORDINALS),
      ),
      'names',
    );

    const before = await scenario.step("note web-1's IP and UID", async () => ({
      ip: (await web.podIp(1)) ?? 'none',
      uid: (await web.podUid(1)) ?? '',
    }));
    await scenario.step('delete web-1', () => web.deletePod(1));
    const recreated = await scenario.step('web-1 is recreated and Ready', async () => {
      await web.waitPodGone(1, before.uid);
      const pod = await web.waitPodReady(1);
      return { readyAt: Date.now(), ip: pod.status?.podIP ?? 'none' };
    });
    const ipContext = await report(scenario, ipChangeNote('web-1', before.ip, recreated.ip));

    const second = await scenario.step(
      `wait until every server answers web-1's name and the Service with the new pod's IP ${CONSECUTIVE} rounds in a row`,
      () => dns.waitUntilConverged(() => web.dnsRecords(ORDINALS), servers, { consecutive: CONSECUTIVE }),
    );
    const secondContext = await report(
      scenario,
      convergenceNote("web-1's new pod was Ready", recreated.readyAt, second, servers),
    );
    const again = await scenario.step('look up every name again via every server, and the control name', () =>
      lookUpEverything(web, dns, servers, control),
    );
    await guides.expectHolds(
      dnsMatchesPods(again.observations, { control: again.control, context: `${secondContext}; ${ipContext}` }),
      'dns',
      'acrossNodes',
    );
    await guides.expectHolds(
      podIdentity(
        await scenario.step("read every pod's identity again", () =>
          Promise.all(ORDINALS.map((ordinal) => web.identity(ordinal))),
        ),
        web.expectedIdentity(ORDINALS),
      ),
      'names',
    );
    const web1 = placement(await scenario.timeline('web'), 'web-1');
    const dnsObserved = `via every DNS server, web-N.web.<ns>.svc.cluster.local answered each pod's IP and web.<ns>.svc.cluster.local every pod's IP; after web-1 was recreated (${ipContext}) its name answered the new pod's IP (${web1.note})`;
    await guides.decide({
      names: `the pods were web-0, web-1, web-2, each with hostname = its name, subdomain = the Service web and hostname -f = <pod>.web.<ns>.svc.cluster.local; web-1, deleted, came back with the same name and identity (${web1.note})`,
      dns: dnsObserved,
    });
    if (web1.moved) await guides.decide({ acrossNodes: dnsObserved });
    else await guides.notRunHere('acrossNodes', { observed: dnsObserved, qualifier: web1.note });
  });

  test('negative control: without the headless Service, the pod names and the Service do not resolve while DNS answers the control name', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Stable network identity', docs: DOCS.identity, negativeControl: true });
    const web = await scenario.step('apply web with 3 replicas but no headless Service', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3, headlessService: false }),
    );
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));
    const { dns, servers, control } = await startDnsClient(scenario);
    // No convergence wait: there is nothing to converge to. If DNS does not answer the control
    // name, the verdict is inconclusive and this control fails rather than pass on a DNS outage.
    const lookups = await scenario.step('look up every name via every server, and the control name', () =>
      lookUpEverything(web, dns, servers, control),
    );
    await scenario.expectViolated(dnsMatchesPods(lookups.observations, { control: lookups.control }), [
      'dns-answer-mismatch',
    ]);
  });

  test('negative control: bare pods named web-0..web-2 behind the same headless Service, made by no StatefulSet, have no stable identity', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Stable network identity', docs: DOCS.identity, negativeControl: true });
    const pods = await scenario.step(
      'apply three bare pods web-0..web-2 and the headless Service web, without a StatefulSet',
      () => LookalikePods.deploy(scenario),
    );
    await scenario.step('the three pods are Ready', () => pods.waitReady());
    await scenario.expectViolated(
      podIdentity(
        await scenario.step("read every pod's identity", () =>
          Promise.all(ORDINALS.map((ordinal) => pods.identity(ordinal))),
        ),
        pods.expectedIdentity(ORDINALS),
      ),
      ['hostname-mismatch', 'subdomain-mismatch', 'fqdn-mismatch'],
    );
  });
});
