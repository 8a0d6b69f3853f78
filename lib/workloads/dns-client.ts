import type { V1Pod } from '@kubernetes/client-node';
import type { DnsObservation } from '../invariants/dns.js';
import { isRunningAndReady, podRunningAndReady } from '../kube/conditions.js';
import { execInPod } from '../kube/exec.js';
import { clusterReads } from '../kube/verbs.js';
import { waitFor } from '../support/wait.js';
import { applyFixture, type WorkloadContext } from './context.js';
import {
  Convergence,
  observationOf,
  type ConvergenceResult,
  type DnsServer,
  type ExpectedRecord,
} from './dns-convergence.js';
import { loadFixture } from './fixtures.js';
import { parseNslookup, type LookupResult } from './nslookup.js';

export type { ConvergenceResult, DnsServer, ExpectedRecord } from './dns-convergence.js';

/** How long CoreDNS may take to serve a changed record: an answer cache (up to 30 s) plus the EndpointSlice's way to it. */
const CONVERGENCE_DEADLINE_MS = 120_000;
const CORE_DNS_READY_DEADLINE_MS = 120_000;

/**
 * A busybox pod that looks names up with nslookup, as the Kubernetes DNS debugging guide does.
 *
 * Quirks of busybox's nslookup, each handled on purpose:
 * - Names are always fully qualified (<pod>.<service>.<namespace>.svc.cluster.local): recent
 *   busybox does not apply resolv.conf search domains to a name that contains a dot, so a short
 *   `web-0.web` fails even where a libc resolver would find it.
 * - `-type=a` asks for the A record only; without it busybox also asks for AAAA and prints
 *   "Can't find ...: No answer" for the missing IPv6 record next to a good IPv4 answer.
 * - The exit code is ignored (see nslookup.ts); the printed answer is parsed instead.
 * - Negative answers may be cached by CoreDNS (where its Corefile caches cluster names; kubeadm
 *   1.34's exempts cluster.local), so a name is only looked up once the pod behind it is Ready
 *   and published; scenarios never probe a name that does not exist yet unless the point is that
 *   it must not resolve.
 * - `nslookup -type=a NAME SERVER` asks that server only: how each CoreDNS replica is asked
 *   directly, past the Service that would pick one at random.
 */
export class DnsClient {
  readonly podName = 'dns-client';

  private constructor(readonly context: WorkloadContext) {}

  static async deploy(context: WorkloadContext): Promise<DnsClient> {
    await applyFixture(context, await loadFixture('dns-client/pod.yaml', context.cluster));
    const client = new DnsClient(context);
    await podRunningAndReady(context.namespace, client.podName);
    return client;
  }

  /** Looks the name up via this server, or via the nameserver of resolv.conf. */
  async lookup(fullyQualifiedName: string, server?: DnsServer): Promise<LookupResult> {
    const command = ['nslookup', '-type=a', fullyQualifiedName, ...(server?.address ? [server.address] : [])];
    const result = await execInPod(this.context.namespace, this.podName, command, { timeoutMs: 30_000 });
    return parseNslookup(fullyQualifiedName, result.stdout, result.stderr);
  }

  /**
   * A guide's own command, as its reader types it in a busybox pod: `nslookup NAME`, no record
   * type, no server, a short name left to the resolv.conf search list. What it prints is the
   * evidence; the parsed answer is what the reader would conclude from it.
   */
  async asTyped(name: string): Promise<{ command: string; output: string; result: LookupResult }> {
    const run = await execInPod(this.context.namespace, this.podName, ['nslookup', name], { timeoutMs: 30_000 });
    return {
      command: `nslookup ${name}`,
      output: `${run.stdout}${run.stderr}`.trim(),
      result: parseNslookup(name, run.stdout, run.stderr),
    };
  }

  /**
   * The servers a pod's lookup can reach: the cluster DNS Service (the nameserver the kubelet
   * wrote into resolv.conf) and every CoreDNS pod behind it, asked by IP. Waits until every
   * CoreDNS pod is Ready: one that is not gets no queries through the Service, and asking it
   * directly would judge a replica the pods never talk to. kube-system is only read.
   */
  async servers(): Promise<DnsServer[]> {
    const nameserver = await this.nameserver();
    const pods = await waitFor(
      'every CoreDNS pod (kube-system, k8s-app=kube-dns) to be Running and Ready with an IP',
      async () => {
        const found = await clusterReads.clusterDnsPods(this.context.namespace.kube);
        const live = found.filter((pod) => !pod.metadata?.deletionTimestamp);
        const waiting = live.filter((pod) => !isRunningAndReady(pod) || !pod.status?.podIP);
        if (live.length > 0 && waiting.length === 0) return { done: true, value: live };
        return {
          done: false,
          observed:
            live.length === 0
              ? 'no CoreDNS pod'
              : `not Ready: ${waiting.map((pod) => `${pod.metadata?.name} ${pod.status?.phase ?? 'no phase'}`).join(', ')}`,
        };
      },
      { timeoutMs: CORE_DNS_READY_DEADLINE_MS, intervalMs: 1000 },
    );
    return [
      { label: `cluster DNS Service ${nameserver}` },
      ...pods
        .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
        .map((pod: V1Pod) => ({
          label: `CoreDNS ${pod.metadata?.name} ${pod.status?.podIP}`,
          address: pod.status?.podIP as string,
        })),
    ];
  }

  /**
   * The control name: kubernetes.default.svc.<domain> must resolve to the API server Service's
   * ClusterIP on any working cluster DNS, whatever a scenario did in its namespace.
   */
  async controlRecord(clusterDomain = 'cluster.local'): Promise<ExpectedRecord> {
    const service = await clusterReads.apiServerService(this.context.namespace.kube);
    const clusterIp = service.spec?.clusterIP;
    return { name: `kubernetes.default.svc.${clusterDomain}`, addresses: clusterIp ? [clusterIp] : [] };
  }

  /** One lookup of every name via every server: the servers side by side, the names of each one after another. */
  async lookUpAll(records: readonly ExpectedRecord[], servers: readonly DnsServer[]): Promise<DnsObservation[]> {
    const perServer = await Promise.all(
      servers.map(async (server) => {
        const observations: DnsObservation[] = [];
        for (const record of records)
          observations.push(observationOf(record, server, await this.lookup(record.name, server)));
        return observations;
      }),
    );
    return perServer.flat();
  }

  /**
   * Waits until every server answers every name with exactly its addresses in `consecutive`
   * rounds in a row (see dns-convergence.ts for why one answer is not enough). `records` is read
   * again before each round, so a pod IP that changes meanwhile restarts the count. Only for
   * pacing: what a scenario asserts is a fresh round of lookups after this.
   */
  async waitUntilConverged(
    records: () => Promise<readonly ExpectedRecord[]>,
    servers: readonly DnsServer[],
    options: { consecutive?: number; timeoutMs?: number } = {},
  ): Promise<ConvergenceResult> {
    const convergence = new Convergence(options.consecutive ?? 3);
    return waitFor(
      `every DNS server (${servers.map((server) => server.label).join(', ')}) to answer every name as expected in ${convergence.consecutive} rounds in a row`,
      async () => {
        const started = Date.now();
        const lookups = await this.lookUpAll(await records(), servers);
        convergence.record(started, Date.now(), lookups);
        return convergence.converged
          ? { done: true, value: convergence.result() }
          : { done: false, observed: convergence.describe() };
      },
      // Rounds close together: the convergence time is measured to the round, and a round of
      // 4 names via 3 servers already takes about a second.
      { timeoutMs: options.timeoutMs ?? CONVERGENCE_DEADLINE_MS, intervalMs: 500 },
    );
  }

  /** The nameserver the kubelet wrote into the client's resolv.conf: the cluster DNS Service's ClusterIP. */
  private async nameserver(): Promise<string> {
    const result = await execInPod(this.context.namespace, this.podName, ['cat', '/etc/resolv.conf']);
    const nameserver = /^nameserver\s+(\S+)/m.exec(result.stdout)?.[1];
    if (!nameserver) throw new Error(`no nameserver in /etc/resolv.conf of Pod ${this.podName}: ${result.stdout}`);
    return nameserver;
  }
}
