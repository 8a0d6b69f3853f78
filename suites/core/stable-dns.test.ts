/**
 * "Each Pod in a StatefulSet derives its hostname from the name of the StatefulSet and the
 * ordinal of the Pod." "A StatefulSet can use a Headless Service to control the domain of its
 * Pods ... As each Pod is created, it gets a matching DNS subdomain, taking the form:
 * $(podname).$(governing service domain)". Looked up the way the docs' DNS debugging guide does:
 * busybox nslookup from a pod (quirks handled in lib/workloads/dns-client.ts).
 */
import { dnsMatchesPods, type DnsObservation } from '../../lib/invariants/dns.js';
import { podIdentity } from '../../lib/invariants/identity.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { DnsClient } from '../../lib/workloads/dns-client.js';
import { addressesOf, describeOutcome } from '../../lib/workloads/nslookup.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { DOCS } from './docs.js';

const ORDINALS = [0, 1, 2];

/** One lookup per pod name and one of the headless Service, against the pods' current IPs. */
async function lookUpEveryName(web: WebStatefulSet, dns: DnsClient): Promise<DnsObservation[]> {
  const observations: DnsObservation[] = [];
  const ips: string[] = [];
  for (const ordinal of ORDINALS) {
    const ip = await web.podIp(ordinal);
    if (ip) ips.push(ip);
    const answer = await dns.lookup(web.podDnsName(ordinal));
    observations.push({
      name: answer.name,
      expected: ip ? [ip] : [],
      resolved: addressesOf(answer),
      outcome: describeOutcome(answer.outcome),
    });
  }
  const service = await dns.lookup(web.serviceDnsName());
  observations.push({
    name: service.name,
    expected: ips,
    resolved: addressesOf(service),
    outcome: describeOutcome(service.outcome),
  });
  return observations;
}

async function readIdentities(web: WebStatefulSet) {
  return Promise.all(ORDINALS.map((ordinal) => web.identity(ordinal)));
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
    const dns = await scenario.step('start a busybox DNS client in the same namespace', () =>
      DnsClient.deploy(scenario),
    );

    await scenario.expectHolds(
      dnsMatchesPods(await scenario.step('look up every pod name and the Service', () => lookUpEveryName(web, dns))),
    );
    await scenario.expectHolds(
      podIdentity(
        await scenario.step("read every pod's identity", () => readIdentities(web)),
        web.expectedIdentity(ORDINALS),
      ),
    );

    const oldUid = await scenario.step('delete web-1', () => web.deletePod(1));
    await scenario.step('web-1 is recreated and Ready', async () => {
      await web.waitPodGone(1, oldUid);
      await web.waitPodReady(1);
    });
    await scenario.step("web-1's name converges to the new pod's IP (CoreDNS cache)", async () => {
      await dns.waitUntilResolves(web.podDnsName(1), [(await web.podIp(1)) as string]);
    });
    await scenario.expectHolds(
      dnsMatchesPods(await scenario.step('look up every name again', () => lookUpEveryName(web, dns))),
    );
    await scenario.expectHolds(
      podIdentity(
        await scenario.step("read every pod's identity again", () => readIdentities(web)),
        web.expectedIdentity(ORDINALS),
      ),
    );
  });

  test('negative control: without the headless Service, the same lookups report violations', async ({ scenario }) => {
    await scenario.about({ feature: 'Stable network identity', docs: DOCS.identity, negativeControl: true });
    const web = await scenario.step('apply web with 3 replicas but no headless Service', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3, headlessService: false }),
    );
    await scenario.step('web has 3 Ready replicas', () => web.waitReady(3));
    const dns = await scenario.step('start a busybox DNS client in the same namespace', () =>
      DnsClient.deploy(scenario),
    );
    await scenario.expectViolated(
      dnsMatchesPods(await scenario.step('look up every pod name and the Service', () => lookUpEveryName(web, dns))),
      ['dns-answer-mismatch'],
    );
  });
});
