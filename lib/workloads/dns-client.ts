import { podRunningAndReady } from '../kube/conditions.js';
import { waitFor } from '../support/wait.js';
import { execInPod } from '../kube/exec.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { loadFixture } from './fixtures.js';
import { addressesOf, describeOutcome, parseNslookup, type LookupResult } from './nslookup.js';

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
 * - Negative answers are cached by CoreDNS for up to 30 s, so a name is only looked up once the
 *   pod behind it is Ready and published; scenarios never probe a name that does not exist yet
 *   unless the point is that it must not resolve.
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

  async lookup(fullyQualifiedName: string): Promise<LookupResult> {
    const result = await execInPod(this.context.namespace, this.podName, ['nslookup', '-type=a', fullyQualifiedName], {
      timeoutMs: 30_000,
    });
    return parseNslookup(fullyQualifiedName, result.stdout, result.stderr);
  }

  /**
   * Waits until the name resolves to exactly these addresses. Only for names whose records just
   * changed: CoreDNS may serve the previous answer until its cache entry expires (the kubeadm
   * Corefile caches for up to 30 s), so convergence takes that long at most, plus the time the
   * EndpointSlice change takes to reach CoreDNS. What the scenario asserts is a fresh lookup after.
   */
  async waitUntilResolves(fullyQualifiedName: string, addresses: readonly string[], timeoutMs = 90_000): Promise<void> {
    const wanted = [...addresses].sort().join(', ');
    await waitFor(
      `${fullyQualifiedName} to resolve to ${wanted}`,
      async () => {
        const answer = await this.lookup(fullyQualifiedName);
        const resolved = [...addressesOf(answer)].sort().join(', ');
        return resolved === wanted
          ? { done: true, value: undefined }
          : { done: false, observed: describeOutcome(answer.outcome) };
      },
      { timeoutMs, intervalMs: 2000 },
    );
  }
}
