import { setTimeout as delay } from 'node:timers/promises';
import type { V1Pod } from '@kubernetes/client-node';
import { runningContainers, type RuntimeContainer } from '../cluster/kind-runtime.js';
import { call } from '../kube/client.js';
import type { OwnedNamespace } from '../kube/namespace.js';
import { waitFor } from '../support/wait.js';

/**
 * Samples, every few seconds while a cluster is upgraded, what the continuity judges need: the
 * sets' pods and claims as the API server lists them, each set's ready count against its replicas,
 * the nodes' versions, and (on kind) what every node's container runtime really runs. A list the
 * API server does not answer is an outage span, not a sample: the judges never read an absence of
 * samples as an absence of pods. Times are milliseconds since the epoch.
 *
 * The lists go out without the client's retry budget: a sample that waited out a restart would
 * hide the outage it fell into.
 */

/** A pod of a set seen with its containers running at a moment (a recorder sample). */
export interface PodSighting {
  readonly at: number;
  readonly set: string;
  readonly ordinal: number;
  readonly uid: string;
  /** Running with at least one container started: the pod holds the identity at this moment. */
  readonly alive: boolean;
}

export interface ClaimSighting {
  readonly at: number;
  readonly claim: string;
  readonly uid: string;
}

export interface AvailabilitySample {
  readonly at: number;
  readonly set: string;
  readonly replicas: number;
  readonly ready: number;
}

export interface NodeSample {
  readonly at: number;
  readonly name: string;
  readonly kubelet: string;
  readonly ready: boolean;
  readonly unschedulable: boolean;
}

export interface Outage {
  readonly from: number;
  readonly to: number;
  /** The first error of the span. */
  readonly error: string;
}

export interface ContinuitySamples {
  readonly apiPods: readonly PodSighting[];
  /** From the nodes' container runtimes (kind only); empty where the runtime cannot be asked. */
  readonly runtimePods: readonly PodSighting[];
  readonly claims: readonly ClaimSighting[];
  readonly availability: readonly AvailabilitySample[];
  readonly nodes: readonly NodeSample[];
  readonly apiOutages: readonly Outage[];
  readonly apiSamples: number;
  readonly runtimeSamples: number;
  readonly runtimeFailures: number;
}

export interface SamplerOptions {
  readonly namespace: OwnedNamespace;
  /** The StatefulSets whose identities are followed. */
  readonly sets: readonly string[];
  /** Node containers to ask crictl (kind); absent on a cluster whose nodes the suite cannot enter. */
  readonly runtimeNodes?: () => Promise<readonly string[]>;
  readonly intervalMs?: number;
  readonly runtimeIntervalMs?: number;
}

/** "web-3" of set "web" -> 3; undefined for pods of other sets (the probes). */
export function ordinalOf(pod: string, set: string): number | undefined {
  const match = new RegExp(`^${set.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(pod);
  return match ? Number(match[1]) : undefined;
}

/** Pod sightings from one API list: alive while Running with a running container, terminating or not. */
export function podSightings(pods: readonly V1Pod[], sets: readonly string[], at: number): PodSighting[] {
  const sightings: PodSighting[] = [];
  for (const pod of pods)
    for (const set of sets) {
      const ordinal = ordinalOf(pod.metadata?.name ?? '', set);
      if (ordinal === undefined) continue;
      const running = (pod.status?.containerStatuses ?? []).some((status) => status.state?.running);
      sightings.push({
        at,
        set,
        ordinal,
        uid: pod.metadata?.uid ?? '',
        alive: pod.status?.phase === 'Running' && running,
      });
    }
  return sightings;
}

/** Pod sightings from the runtimes: one per pod UID with a running container, on whichever node. */
export function runtimeSightings(
  containers: readonly RuntimeContainer[],
  sets: readonly string[],
  at: number,
): PodSighting[] {
  const byUid = new Map<string, PodSighting>();
  for (const container of containers)
    for (const set of sets) {
      const ordinal = ordinalOf(container.pod, set);
      if (ordinal !== undefined) byUid.set(container.podUid, { at, set, ordinal, uid: container.podUid, alive: true });
    }
  return [...byUid.values()];
}

export class ContinuitySampler {
  private readonly apiPods: PodSighting[] = [];
  private readonly runtimePods: PodSighting[] = [];
  private readonly claims: ClaimSighting[] = [];
  private readonly availability: AvailabilitySample[] = [];
  private readonly nodes: NodeSample[] = [];
  private readonly outages: Outage[] = [];
  private openOutage: { from: number; error: string } | undefined;
  private apiSamples = 0;
  private lastApiSampleAt = 0;
  private runtimeSamples = 0;
  private runtimeFailures = 0;
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(private readonly options: SamplerOptions) {}

  start(): void {
    this.loops = [
      this.loop(this.options.intervalMs ?? 2000, () => this.sampleApi()),
      ...(this.options.runtimeNodes
        ? [this.loop(this.options.runtimeIntervalMs ?? 3000, () => this.sampleRuntime())]
        : []),
    ];
  }

  async stop(): Promise<ContinuitySamples> {
    this.stopping.abort();
    await Promise.all(this.loops);
    if (this.openOutage) this.outages.push({ ...this.openOutage, to: Date.now() });
    this.openOutage = undefined;
    return this.samples();
  }

  /** Resolves once an API sample taken after `moment` has been recorded. */
  sampledAfter(moment: number, timeoutMs = 60_000): Promise<void> {
    return waitFor(
      `an API sample of ${this.options.namespace.name} after ${new Date(moment).toISOString()}`,
      async () =>
        this.lastApiSampleAt > moment
          ? { done: true, value: undefined }
          : { done: false, observed: `last sample at ${new Date(this.lastApiSampleAt).toISOString()}` },
      { timeoutMs, intervalMs: 500, bookkeeping: true },
    );
  }

  /** What was sampled so far (the sampler keeps running). */
  samples(): ContinuitySamples {
    return {
      apiPods: [...this.apiPods],
      runtimePods: [...this.runtimePods],
      claims: [...this.claims],
      availability: [...this.availability],
      nodes: [...this.nodes],
      apiOutages: [...this.outages, ...(this.openOutage ? [{ ...this.openOutage, to: Date.now() }] : [])],
      apiSamples: this.apiSamples,
      runtimeSamples: this.runtimeSamples,
      runtimeFailures: this.runtimeFailures,
    };
  }

  /** A sampling period, not a wait for a condition: the loop samples until stopped. */
  private async loop(intervalMs: number, sample: () => Promise<void>): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      await sample();
      await delay(intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  private async sampleApi(): Promise<void> {
    const { namespace, sets } = this.options;
    const { kube, name } = namespace;
    const at = Date.now();
    try {
      const [pods, claims, statefulSets, nodes] = await Promise.all([
        call(`list Pods in ${name}`, () => kube.core.listNamespacedPod({ namespace: name }), { retry: false }),
        call(
          `list PersistentVolumeClaims in ${name}`,
          () => kube.core.listNamespacedPersistentVolumeClaim({ namespace: name }),
          {
            retry: false,
          },
        ),
        call(`list StatefulSets in ${name}`, () => kube.apps.listNamespacedStatefulSet({ namespace: name }), {
          retry: false,
        }),
        call('list Nodes', () => kube.core.listNode(), { retry: false }),
      ]);
      if (this.openOutage) this.outages.push({ ...this.openOutage, to: at });
      this.openOutage = undefined;
      this.apiSamples += 1;
      this.lastApiSampleAt = at;
      this.apiPods.push(...podSightings(pods.items, sets, at));
      for (const claim of claims.items)
        this.claims.push({ at, claim: claim.metadata?.name ?? '', uid: claim.metadata?.uid ?? '' });
      for (const set of statefulSets.items) {
        const setName = set.metadata?.name ?? '';
        if (!sets.includes(setName)) continue;
        const ready = pods.items.filter(
          (pod) =>
            ordinalOf(pod.metadata?.name ?? '', setName) !== undefined &&
            !pod.metadata?.deletionTimestamp &&
            pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'),
        ).length;
        this.availability.push({ at, set: setName, replicas: set.spec?.replicas ?? 0, ready });
      }
      for (const node of nodes.items)
        this.nodes.push({
          at,
          name: node.metadata?.name ?? '',
          kubelet: node.status?.nodeInfo?.kubeletVersion ?? '',
          ready:
            node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ??
            false,
          unschedulable: node.spec?.unschedulable === true,
        });
    } catch (error) {
      this.openOutage ??= { from: at, error: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
    }
  }

  private async sampleRuntime(): Promise<void> {
    const at = Date.now();
    try {
      const nodes = (await this.options.runtimeNodes?.()) ?? [];
      const containers = (
        await Promise.all(nodes.map((node) => runningContainers(node, this.options.namespace.name)))
      ).flat();
      this.runtimeSamples += 1;
      this.runtimePods.push(...runtimeSightings(containers, this.options.sets, at));
    } catch {
      // A node whose runtime does not answer (its kubelet and containerd restarting) gives no sample.
      this.runtimeFailures += 1;
    }
  }
}
