import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { CoreV1Event, V1ContainerStatus, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  claimBound,
  controllerObserved,
  controllerReports,
  newUpdateRevision,
  partitionRolledOut,
  podGone,
  podRunningAndReady,
  podStaysAbsent,
  rolloutComplete,
  statefulSetReady,
  volumesReclaimed,
  isPodReady,
} from '../kube/conditions.js';
import { parseManifests, type KubeObject } from '../kube/manifests.js';
import {
  clusterReads,
  deleteClaim,
  deletePod,
  deleteStatefulSet,
  findClaim,
  findPod,
  getPod,
  getStatefulSet,
  getVolume,
  listClaims,
  listEvents,
  listPods,
  patchStatefulSet,
  podLogs,
  scaleStatefulSet,
} from '../kube/verbs.js';
import type { ExpectedIdentity, PodIdentityObservation } from '../invariants/identity.js';
import type { StorageIdentity } from '../invariants/storage.js';
import { waitFor } from '../support/wait.js';
import { applyFixture, type WorkloadContext } from './context.js';
import type { ExpectedRecord } from './dns-convergence.js';
import { loadFixture, type AdaptedFixture } from './fixtures.js';
import { environmentAdaptations, type ClusterStorage, type RequestCaps } from './guide-transforms.js';
import { readPodIdentity } from './pod-identity.js';
import type { PodSpec, Transform } from './transforms.js';
import { volumeIdentity } from './web.js';

/**
 * A StatefulSet from one of the guides (fixtures/guides/<guide>/<example>.yaml), with the verbs
 * the guides' commands stand for: apply, wait, scale, delete a pod, roll the template, look at
 * what happened. Nothing here knows the database inside: that is the adapters' part
 * (lib/workloads/mysql.ts and friends); this is the StatefulSet around it.
 */

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Requests a 2-core node shared with the control plane and other scenario files can hold per replica. */
export const SHARED_NODE_REQUEST_CAPS: RequestCaps = { cpuMillis: 100, memoryMiB: 256 };

export interface GuideSetShape {
  /** Under fixtures/, e.g. guides/complete-guide/mysql-statefulset.yaml. */
  readonly fixture: string;
  readonly statefulSet: string;
  /** spec.serviceName as the guide wrote it (the Service may not exist). */
  readonly serviceName: string;
  /** The main container: where commands run and whose state a report shows first. */
  readonly container: string;
  /** The volumeClaimTemplate holding the data, if the guide gives one. */
  readonly claimTemplate?: string;
  /** Label selector of the set's pods, as the guide's commands use it (`-l app=mysql`). */
  readonly selector: string;
}

/** A correction file: objects to add and a pod spec fragment to merge, with a header saying why. */
export interface CorrectionFile {
  readonly objects: KubeObject[];
  readonly podSpec?: PodSpec;
}

/** Reads fixtures/<path> as a correction file (`objects:` and `podSpec:`). */
export async function loadCorrection(path: string): Promise<CorrectionFile> {
  const data = parse(await readFile(`${FIXTURES_DIR}${path}`, 'utf8')) as {
    objects?: unknown[];
    podSpec?: PodSpec;
  };
  const objects = data.objects?.length
    ? parseManifests(data.objects.map((object) => JSON.stringify(object)).join('\n---\n'), `fixtures/${path}`)
    : [];
  return { objects, podSpec: data.podSpec };
}

/** A fixture file that is a fragment of a spec (the guide's "Health Monitoring" probes): plain YAML data. */
export async function loadFragment(path: string): Promise<unknown> {
  return parse(await readFile(`${FIXTURES_DIR}${path}`, 'utf8')) as unknown;
}

/** The cluster's StorageClasses and its default, for the environment adaptations. */
export async function clusterStorage(context: WorkloadContext): Promise<ClusterStorage> {
  const classes = await clusterReads.storageClasses(context.namespace.kube);
  const isDefault = (annotations: Record<string, string> | undefined) =>
    annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
  return {
    storageClasses: classes.map((storageClass) => storageClass.metadata?.name ?? ''),
    defaultClass: classes.find((storageClass) => isDefault(storageClass.metadata?.annotations))?.metadata?.name,
  };
}

/**
 * Loads a guide's fixture with the environment adaptations this cluster needs first, then the
 * scenario's transforms (corrections), then the image map. Returns what will be applied.
 */
export async function loadGuideFixture(
  context: WorkloadContext,
  fixture: string,
  transforms: readonly Transform[] = [],
): Promise<AdaptedFixture> {
  const original = await loadFixture(fixture, context.cluster);
  const environment = environmentAdaptations(original.objects, await clusterStorage(context), SHARED_NODE_REQUEST_CAPS);
  return loadFixture(fixture, context.cluster, [...environment, ...transforms]);
}

// --- what a member is doing, for the as-documented runs -----------------------------------------

export interface ContainerState {
  readonly name: string;
  readonly init: boolean;
  readonly ready: boolean;
  readonly restarts: number;
  /** running, waiting (with reason), terminated (with reason and exit code). */
  readonly state: string;
  /** The message of a waiting or terminated state (CreateContainerConfigError's names the Secret). */
  readonly message?: string;
  readonly lastTermination?: string;
}

export interface MemberState {
  readonly pod: string;
  readonly exists: boolean;
  readonly phase?: string;
  readonly ready: boolean;
  readonly containers: readonly ContainerState[];
  /** Messages of the pod's Warning events (probe failures, mount errors), latest last, with counts. */
  readonly warnings: readonly string[];
}

function containerState(status: V1ContainerStatus, init: boolean): ContainerState {
  const { running, waiting, terminated } = status.state ?? {};
  const last = status.lastState?.terminated;
  return {
    name: status.name,
    init,
    ready: status.ready,
    restarts: status.restartCount,
    state: running
      ? 'running'
      : waiting
        ? `waiting: ${waiting.reason ?? 'no reason'}`
        : terminated
          ? `terminated: ${terminated.reason ?? 'no reason'}, exit ${terminated.exitCode}`
          : 'unknown',
    message: waiting?.message ?? terminated?.message ?? undefined,
    lastTermination: last ? `${last.reason ?? 'terminated'}, exit ${last.exitCode}` : undefined,
  };
}

export function memberState(name: string, pod: V1Pod | undefined, events: readonly CoreV1Event[]): MemberState {
  if (!pod) return { pod: name, exists: false, ready: false, containers: [], warnings: [] };
  const warnings = events
    .filter((event) => event.type === 'Warning' && event.involvedObject?.uid === pod.metadata?.uid)
    .sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
    .map((event) => `${event.reason}: ${event.message?.trim()}${(event.count ?? 1) > 1 ? ` (x${event.count})` : ''}`);
  return {
    pod: name,
    exists: true,
    phase: pod.status?.phase,
    ready: isPodReady(pod),
    containers: [
      ...(pod.status?.initContainerStatuses ?? []).map((status) => containerState(status, true)),
      ...(pod.status?.containerStatuses ?? []).map((status) => containerState(status, false)),
    ],
    warnings,
  };
}

function eventTime(event: CoreV1Event): string {
  const time = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp;
  return time ? new Date(time as unknown as string).toISOString() : '';
}

/** "mysql-0: Running, not Ready; mysql waiting: CreateContainerConfigError (secret ... not found), restarts 0" */
export function describeMember(member: MemberState): string {
  if (!member.exists) return `${member.pod}: absent`;
  const containers = member.containers
    .filter((container) => !container.init || container.state !== 'terminated: Completed, exit 0')
    .map(
      (container) =>
        `${container.init ? 'init ' : ''}${container.name} ${container.state}${container.message ? ` (${container.message})` : ''}, restarts ${container.restarts}${container.lastTermination ? `, last ${container.lastTermination}` : ''}`,
    );
  return `${member.pod}: ${member.phase ?? 'no phase'}, ${member.ready ? 'Ready' : 'not Ready'}${containers.length ? `; ${containers.join('; ')}` : ''}`;
}

/** The distinct warnings, each with its latest count: "Unhealthy: Readiness probe failed: ERROR 1045 ... (x31)". */
export function distinctWarnings(members: readonly MemberState[]): string[] {
  const latest = new Map<string, string>();
  for (const member of members)
    for (const warning of member.warnings) latest.set(warning.replace(/ \(x\d+\)$/, ''), `${member.pod}: ${warning}`);
  return [...latest.values()];
}

export class GuideStatefulSet {
  constructor(
    readonly context: WorkloadContext,
    readonly shape: GuideSetShape,
  ) {}

  /** Applies the guide's fixture with the environment adaptations and these transforms. */
  static async deploy(
    context: WorkloadContext,
    shape: GuideSetShape,
    transforms: readonly Transform[] = [],
  ): Promise<GuideStatefulSet> {
    await applyFixture(context, await loadGuideFixture(context, shape.fixture, transforms));
    return new GuideStatefulSet(context, shape);
  }

  get name(): string {
    return this.shape.statefulSet;
  }

  get ns() {
    return this.context.namespace;
  }

  podName(ordinal: number): string {
    return `${this.name}-${ordinal}`;
  }

  /** <template>-<set>-<ordinal>, as the controller names the claims of a volumeClaimTemplate. */
  claimName(ordinal: number): string {
    if (!this.shape.claimTemplate) throw new Error(`StatefulSet ${this.name} has no volumeClaimTemplate`);
    return `${this.shape.claimTemplate}-${this.podName(ordinal)}`;
  }

  podDnsName(ordinal: number, clusterDomain = 'cluster.local'): string {
    return `${this.podName(ordinal)}.${this.shape.serviceName}.${this.ns.name}.svc.${clusterDomain}`;
  }

  serviceDnsName(clusterDomain = 'cluster.local'): string {
    return `${this.shape.serviceName}.${this.ns.name}.svc.${clusterDomain}`;
  }

  expectedIdentity(ordinals: readonly number[]): ExpectedIdentity {
    return {
      pods: ordinals.map((ordinal) => this.podName(ordinal)),
      serviceName: this.shape.serviceName,
      namespace: this.ns.name,
    };
  }

  /** Each pod's name its IP, the Service every listed pod's IP (see WebStatefulSet.dnsRecords). */
  async dnsRecords(ordinals: readonly number[]): Promise<ExpectedRecord[]> {
    const ips = await Promise.all(
      ordinals.map(async (ordinal) => (await findPod(this.ns, this.podName(ordinal)))?.status?.podIP),
    );
    return [
      ...ordinals.map((ordinal, index) => ({
        name: this.podDnsName(ordinal),
        addresses: ips[index] ? [ips[index]] : [],
      })),
      { name: this.serviceDnsName(), addresses: ips.filter((ip): ip is string => Boolean(ip)) },
    ];
  }

  identity(ordinal: number): Promise<PodIdentityObservation> {
    return readPodIdentity(this.ns, this.podName(ordinal), this.shape.container);
  }

  // --- waiting ---------------------------------------------------------------------------------

  waitReady(count: number): Promise<V1StatefulSet> {
    return statefulSetReady(this.ns, this.name, count);
  }

  waitObserved(): Promise<V1StatefulSet> {
    return controllerObserved(this.ns, this.name);
  }

  waitControllerReports(expected: { replicas: number; readyReplicas: number }): Promise<V1StatefulSet> {
    return controllerReports(this.ns, this.name, expected);
  }

  waitPodReady(ordinal: number): Promise<V1Pod> {
    return podRunningAndReady(this.ns, this.podName(ordinal));
  }

  waitPodGone(ordinal: number, uid?: string): Promise<V1Pod | undefined> {
    return podGone(this.ns, this.podName(ordinal), uid);
  }

  confirmPodAbsentFor(ordinal: number, durationMs: number): Promise<void> {
    return podStaysAbsent(this.ns, this.podName(ordinal), durationMs);
  }

  async waitNewUpdateRevision(previous: string): Promise<string> {
    return (await newUpdateRevision(this.ns, this.name, previous)).status?.updateRevision as string;
  }

  waitRolloutComplete(): Promise<V1StatefulSet> {
    return rolloutComplete(this.ns, this.name);
  }

  waitPartitionRolledOut(value: number): Promise<V1StatefulSet> {
    return partitionRolledOut(this.ns, this.name, value);
  }

  /**
   * Until the set's pods stop changing (which exist, which are Ready, what each container is
   * doing, restarts aside) for `quietMs`: how an as-documented run knows it has seen what the
   * guide's example settles into, be it Ready, stuck or crash-looping.
   */
  waitSettled(quietMs: number, timeoutMs = 300_000): Promise<MemberState[]> {
    let last = '';
    let changedAt = Date.now();
    return waitFor(
      `the pods of StatefulSet ${this.ns.name}/${this.name} to stay the same (which exist, Ready, container states) for ${quietMs / 1000}s`,
      async () => {
        const members = await this.observe();
        const signature = members.map(settledSignature).join('; ');
        if (signature !== last) {
          last = signature;
          changedAt = Date.now();
        }
        return Date.now() - changedAt >= quietMs
          ? { done: true, value: members }
          : { done: false, observed: members.map(describeMember).join(' | ') };
      },
      { timeoutMs, intervalMs: 2000 },
    );
  }

  // --- acting ----------------------------------------------------------------------------------

  async scaleTo(count: number): Promise<void> {
    await scaleStatefulSet(this.ns, this.name, count);
  }

  /** Deletes the pod of this ordinal and returns the UID it had. */
  async deletePod(ordinal: number): Promise<string> {
    const pod = await getPod(this.ns, this.podName(ordinal));
    await deletePod(this.ns, this.podName(ordinal));
    return pod.metadata?.uid ?? '';
  }

  /**
   * A pod template annotation bump: a new revision without a new image, for an image that exists
   * in one version here (the report says so next to the update's verdicts).
   */
  async changeTemplate(label: string): Promise<void> {
    await patchStatefulSet(
      this.ns,
      this.name,
      { spec: { template: { metadata: { annotations: { 'sts-conformance.io/template-change': label } } } } },
      `template change ${label}`,
    );
  }

  async setPartition(value: number): Promise<void> {
    await patchStatefulSet(
      this.ns,
      this.name,
      { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: value } } } },
      `partition ${value}`,
    );
  }

  /** `kubectl delete statefulset NAME [--cascade=orphan]`. */
  async deleteSet(cascade: 'orphan' | 'background'): Promise<void> {
    await deleteStatefulSet(this.ns, this.name, cascade === 'orphan' ? 'Orphan' : 'Background');
  }

  /** Until the StatefulSet object is gone (its pods may stay, with --cascade=orphan). */
  waitSetGone(): Promise<void> {
    return waitFor(
      `StatefulSet ${this.ns.name}/${this.name} to be gone`,
      async () => {
        const set = await getStatefulSet(this.ns, this.name).catch(() => undefined);
        return set ? { done: false, observed: 'still there' } : { done: true, value: undefined };
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }

  /** Deletes the claim of this ordinal; its pod must be gone first, or the claim waits for it. */
  async deleteClaim(ordinal: number): Promise<{ name: string; uid: string; volume?: { name: string; uid: string } }> {
    const name = this.claimName(ordinal);
    const claim = await findClaim(this.ns, name);
    if (!claim) throw new Error(`PersistentVolumeClaim ${this.ns.name}/${name} does not exist`);
    const volumeName = claim.spec?.volumeName;
    const volume = volumeName ? await getVolume(this.ns.kube, volumeName) : undefined;
    await deleteClaim(this.ns, name);
    return {
      name,
      uid: claim.metadata?.uid ?? '',
      volume: volume ? { name: volume.metadata?.name ?? '', uid: volume.metadata?.uid ?? '' } : undefined,
    };
  }

  /** The claim (by UID) is gone and so is its volume, reclaimed by its provisioner. */
  async waitClaimAndVolumeGone(deleted: {
    name: string;
    uid: string;
    volume?: { name: string; uid: string };
  }): Promise<void> {
    await waitFor(
      `PersistentVolumeClaim ${this.ns.name}/${deleted.name} (uid ${deleted.uid.slice(0, 8)}) to be gone`,
      async () => {
        const claim = await findClaim(this.ns, deleted.name);
        return claim?.metadata?.uid === deleted.uid
          ? { done: false, observed: `${claim.status?.phase}${claim.metadata?.deletionTimestamp ? ', deleting' : ''}` }
          : { done: true, value: undefined };
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    if (deleted.volume) await volumesReclaimed(this.ns.kube, [deleted.volume]);
  }

  // --- reading ---------------------------------------------------------------------------------

  statefulSet(): Promise<V1StatefulSet> {
    return getStatefulSet(this.ns, this.name);
  }

  pods(): Promise<V1Pod[]> {
    return listPods(this.ns, this.shape.selector);
  }

  /** `kubectl get pvc -l <selector>`: the claim names the guide's command would list. */
  async claimsBySelector(selector = this.shape.selector): Promise<string[]> {
    return (await listClaims(this.ns, selector)).map((claim) => claim.metadata?.name ?? '').sort();
  }

  async claimUid(ordinal: number): Promise<string | undefined> {
    return (await findClaim(this.ns, this.claimName(ordinal)))?.metadata?.uid;
  }

  /** What every pod of the set (by selector, and the ordinals below `upTo`) is doing now. */
  async observe(upTo = 0): Promise<MemberState[]> {
    const [pods, events] = await Promise.all([this.pods(), listEvents(this.ns)]);
    const names = new Set([
      ...pods.map((pod) => pod.metadata?.name ?? ''),
      ...Array.from({ length: upTo }, (_, ordinal) => this.podName(ordinal)),
    ]);
    return [...names]
      .filter((name) => name.startsWith(`${this.name}-`))
      .sort((a, b) => Number(a.slice(this.name.length + 1)) - Number(b.slice(this.name.length + 1)))
      .map((name) =>
        memberState(
          name,
          pods.find((pod) => pod.metadata?.name === name),
          events,
        ),
      );
  }

  /** The tail of a container's log, and of its previous run if it restarted. */
  async logs(ordinal: number, container = this.shape.container, lines = 40): Promise<string> {
    const pod = this.podName(ordinal);
    const tail = (text: string) => text.split('\n').slice(-lines).join('\n');
    const current = await podLogs(this.ns, pod, container).catch((error: Error) => `(no log: ${error.message})`);
    const status = (await findPod(this.ns, pod))?.status;
    const restarted = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])].some(
      (candidate) => candidate.name === container && candidate.restartCount > 0,
    );
    const previous = restarted
      ? await podLogs(this.ns, pod, container, { previous: true }).catch((error: Error) => `(no log: ${error.message})`)
      : undefined;
    return [
      `--- ${pod}/${container}, current run ---`,
      tail(current),
      ...(previous !== undefined ? [`--- ${pod}/${container}, previous run ---`, tail(previous)] : []),
    ].join('\n');
  }

  /** Pod UID, the claim behind the data volume (UID, volume) and a marker of the data it holds. */
  async storageIdentity(ordinal: number, marker: string | undefined): Promise<StorageIdentity> {
    const pod = await getPod(this.ns, this.podName(ordinal));
    const claimName = pod.spec?.volumes?.find((volume) => volume.name === this.shape.claimTemplate)
      ?.persistentVolumeClaim?.claimName;
    let claim: StorageIdentity['claim'];
    if (claimName) {
      const bound = await claimBound(this.ns, claimName);
      const volumeName = bound.spec?.volumeName;
      claim = {
        name: claimName,
        uid: bound.metadata?.uid ?? '',
        volume: volumeName ? volumeIdentity(await getVolume(this.ns.kube, volumeName)) : undefined,
      };
    }
    return { pod: this.podName(ordinal), podUid: pod.metadata?.uid ?? '', claim, marker };
  }
}

/**
 * What must stay the same for a set to count as settled. A crash-looping container alternates
 * between running, Error and CrashLoopBackOff, and its pod between Ready and not (when it has no
 * readiness probe): all of that is one settled state, "crash-looping".
 */
function settledSignature(member: MemberState): string {
  const looping = (container: ContainerState) =>
    container.restarts > 0 && /^(running|waiting: CrashLoopBackOff|terminated: Error)/.test(container.state);
  const containers = member.containers.map(
    (container) => `${container.name}:${looping(container) ? 'crash-looping' : container.state}`,
  );
  const ready = member.containers.some(looping) ? 'crash-looping' : String(member.ready);
  return [member.pod, member.phase, ready, ...containers].join(' ');
}
