/**
 * Smoke check of a cluster the suite runs on (on CI: a fresh kind cluster from the offline node
 * image): the node is Ready, the system pods run, CoreDNS answers, the default StorageClass
 * provisions a claim a pod can write to, a small StatefulSet becomes Ready, and nothing anywhere
 * tried to pull an image.
 */
import { ClaimWriter } from '../../lib/workloads/claim-writer.js';
import { readClusterHealth } from '../../lib/workloads/cluster-health.js';
import { DnsClient } from '../../lib/workloads/dns-client.js';
import { addressesOf, describeOutcome } from '../../lib/workloads/nslookup.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { describe, expect, test } from '../../lib/harness/scenario.js';

const DOCS = 'https://kind.sigs.k8s.io/docs/user/quick-start/';

describe('offline cluster smoke check', () => {
  test('a fresh cluster is ready for StatefulSets and never pulls an image', async ({ scenario }) => {
    await scenario.about({ feature: 'Cluster smoke check', docs: DOCS });

    const health = await scenario.step('read nodes, system pods and storage classes', () =>
      readClusterHealth(scenario.kube),
    );
    await scenario.step('every node is Ready', async () => {
      expect(health.nodes.length, 'nodes').toBeGreaterThan(0);
      expect(
        health.nodes.filter((node) => !node.ready),
        'nodes that are not Ready',
      ).toEqual([]);
    });
    await scenario.step('every kube-system pod is Running', async () => {
      expect(health.systemPods.length, 'kube-system pods').toBeGreaterThan(0);
      expect(
        health.systemPods.filter((pod) => pod.phase !== 'Running'),
        'kube-system pods not Running',
      ).toEqual([]);
    });
    await scenario.step('the standard StorageClass is the default', async () => {
      expect(
        health.storageClasses.filter((storageClass) => storageClass.isDefault).map((storageClass) => storageClass.name),
      ).toEqual(['standard']);
    });

    const dns = await scenario.step('start a busybox DNS client', () => DnsClient.deploy(scenario));
    await scenario.step('CoreDNS resolves kubernetes.default.svc.cluster.local', async () => {
      const answer = await dns.lookup('kubernetes.default.svc.cluster.local');
      expect(
        addressesOf(answer),
        `kubernetes.default.svc.cluster.local resolved to ${describeOutcome(answer.outcome)}`,
      ).toHaveLength(1);
    });

    const writer = await scenario.step('a pod uses a claim of the default class', () => ClaimWriter.deploy(scenario));
    await scenario.step('the claim binds and the pod writes to it', async () => {
      const claim = await writer.waitWritten();
      expect(claim.status?.phase).toBe('Bound');
      expect(await writer.storageClassOfClaim()).toBe('standard');
      expect(await writer.readBack()).toBe('written-by-claim-writer');
    });

    const web = await scenario.step('apply a 3-replica StatefulSet with a headless Service and a claim template', () =>
      WebStatefulSet.deploy(scenario, { replicas: 3 }),
    );
    await scenario.step('it becomes Ready', () => web.waitReady(3));

    await scenario.step('no image pull was attempted anywhere in the cluster', async () => {
      const after = await readClusterHealth(scenario.kube);
      expect(after.pullFailures, 'containers waiting on an image pull').toEqual([]);
      expect(after.pullEvents, 'events about pulling images').toEqual([]);
      expect(after.presentImageEvents, '"already present on machine" events').toBeGreaterThan(0);
    });
  });
});
