import { applyObjects } from '../kube/apply.js';
import { execInPod } from '../kube/exec.js';
import type { WorkloadContext } from './context.js';
import { firstLines } from './db-exec.js';
import { loadFixture, type AdaptedFixture } from './fixtures.js';
import {
  applyGuideFixture,
  correction,
  guideEnvironment,
  GuideStatefulSet,
  type GuideSetShape,
} from './guide-workload.js';
import { containerImage, renameStatefulSet, replicas, statefulSetField, type Transform } from './transforms.js';

/**
 * The myapp StatefulSet and its headless Service of the "Master of Stateful Applications" guide
 * (fixtures/guides/master-stateful-applications/), on the suite's myapp image: BusyBox httpd on
 * port 8080 answering its version and hostname, and keeping values under /data (the claim).
 * Requests go from one pod to another by DNS name, as a peer would send them.
 */
export const MYAPP_SHAPE: GuideSetShape = {
  name: 'myapp',
  serviceName: 'myapp',
  claimTemplate: 'myapp-storage',
  container: 'myapp',
  selector: 'app=myapp',
};

const STATEFULSET = 'guides/master-stateful-applications/myapp-statefulset.yaml';
const SERVICE = 'guides/master-stateful-applications/myapp-service.yaml';

export interface HttpAnswer {
  readonly ok: boolean;
  readonly body: string;
  /** What went wrong when not ok: wget's own message. */
  readonly error?: string;
}

export class GuideMyapp extends GuideStatefulSet {
  /** The StatefulSet as the guide writes it (myapp:latest), or pinned to another tag. */
  static async deploy(
    context: WorkloadContext,
    options: { image?: { name: string; reason: string }; replicas?: number } = {},
  ): Promise<{ myapp: GuideMyapp; fixture: AdaptedFixture }> {
    const transforms: Transform[] = [];
    if (options.image) transforms.push(correction(containerImage('myapp', options.image.name, options.image.reason)));
    if (options.replicas !== undefined) transforms.push(replicas(options.replicas));
    const fixture = await applyGuideFixture(context, STATEFULSET, transforms);
    return { myapp: new GuideMyapp(context, MYAPP_SHAPE), fixture };
  }

  /** The guide's headless Service myapp ("Don't forget: Create a Headless Service"). */
  async applyService(): Promise<AdaptedFixture> {
    return applyGuideFixture(this.context, SERVICE, []);
  }

  /**
   * The guide's StatefulSet under another name with this podManagementPolicy and no replicas:
   * what the API server says to the value. Returns its refusal, or undefined if it took it.
   */
  async tryPodManagementPolicy(policy: string): Promise<{ accepted: boolean; message: string }> {
    const fixture = await loadFixture(STATEFULSET, this.context.cluster, [
      renameStatefulSet('myapp', 'myapp-policy-probe'),
      replicas(0),
      statefulSetField('myapp-policy-probe', 'podManagementPolicy', policy, 'the value the guide names'),
      ...(await guideEnvironment(this.context)),
    ]);
    this.context.applied?.(fixture, this.context.namespace);
    try {
      await applyObjects(this.context.namespace, fixture.objects, fixture.source);
      return { accepted: true, message: `the API server accepted podManagementPolicy ${policy}` };
    } catch (error) {
      // call() names the verb and gives the API server's status line: `... failed: 422 Invalid: ...`.
      const message = firstLines(error instanceof Error ? error.message : String(error), 1);
      return { accepted: false, message };
    }
  }

  /**
   * One HTTP request from the pod of `fromOrdinal` (its BusyBox wget, which resolves `host` with
   * the pod's resolv.conf, as a peer would) to myapp on `host`:8080. No `-T`: this BusyBox's wget
   * crashes with it; the exec deadline bounds the request instead.
   */
  async request(fromOrdinal: number, host: string, path: string, postData?: string): Promise<HttpAnswer> {
    const url = `http://${host}:8080${path}`;
    const command = ['wget', '-q', '-O', '-', ...(postData !== undefined ? ['--post-data', postData] : []), url];
    const result = await execInPod(this.ns, this.podName(fromOrdinal), command, {
      container: 'myapp',
      timeoutMs: 30_000,
    });
    return result.exitCode === 0
      ? { ok: true, body: result.stdout.trim() }
      : {
          ok: false,
          body: result.stdout.trim(),
          error: `wget ${url} exited ${result.exitCode}: ${firstLines(result.stderr || result.stdout, 1)}`,
        };
  }

  /** Another ordinal than this one, to send requests from (a peer). */
  private peerOf(ordinal: number, ordinals: readonly number[]): number {
    return ordinals.find((candidate) => candidate !== ordinal) ?? ordinal;
  }

  /** GET / of myapp-N through its DNS name, from a peer: "myapp <version> on <hostname>". */
  about(ordinal: number, peers: readonly number[]): Promise<HttpAnswer> {
    return this.request(this.peerOf(ordinal, peers), this.podDnsName(ordinal), '/');
  }

  /** The version myapp-N answers through its DNS name. */
  async version(ordinal: number, peers: readonly number[]): Promise<string | undefined> {
    const answer = await this.request(this.peerOf(ordinal, peers), this.podDnsName(ordinal), '/cgi-bin/myapp/version');
    return answer.ok ? answer.body : undefined;
  }

  async store(ordinal: number, peers: readonly number[], key: string, value: string): Promise<HttpAnswer> {
    return this.request(this.peerOf(ordinal, peers), this.podDnsName(ordinal), `/cgi-bin/myapp/data/${key}`, value);
  }

  async fetch(ordinal: number, peers: readonly number[], key: string): Promise<string | undefined> {
    const answer = await this.request(
      this.peerOf(ordinal, peers),
      this.podDnsName(ordinal),
      `/cgi-bin/myapp/data/${key}`,
    );
    return answer.ok ? answer.body : undefined;
  }
}
