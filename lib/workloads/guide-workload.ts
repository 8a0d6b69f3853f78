import { createHash } from 'node:crypto';
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import {
  claimBound,
  claimGone,
  containerRestarted,
  containerStates,
  containerWaiting,
  controllerObserved,
  newUpdateRevision,
  partitionRolledOut,
  podEvent,
  podGone,
  podRunningAndReady,
  podStaysAbsent,
  rolloutComplete,
  statefulSetReady,
  volumesReclaimed,
  type ContainerState,
} from '../kube/conditions.js';
import type { ExpectedIdentity } from '../invariants/identity.js';
import type { WriteLedger } from '../invariants/data.js';
import type { StorageIdentity } from '../invariants/storage.js';
import {
  clusterReads,
  deleteClaim,
  deleteClaimsBySelector,
  deletePod,
  deleteStatefulSet,
  findPod,
  getClaim,
  getPod,
  getStatefulSet,
  getVolume,
  listClaims,
  listControllerRevisions,
  patchStatefulSet,
  podLogs,
  readyServiceAddresses,
  scaleStatefulSet,
  strategicPatchStatefulSet,
} from '../kube/verbs.js';
import { ActionableError } from '../support/errors.js';
import { waitFor } from '../support/wait.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { newLedgerId, type LedgerWrite } from './db-exec.js';
import { statefulSetRecords, type ExpectedRecord } from './dns-convergence.js';
import { loadFixture, type AdaptedFixture } from './fixtures.js';
import { readPodIdentity } from './pod-identity.js';
import { missingStorageClass, useLocalImages, type Transform } from './transforms.js';
import { volumeIdentity } from './web.js';
import type { PodIdentityObservation } from '../invariants/identity.js';

/**
 * The StatefulSets of the users' guides (fixtures/guides): a database or an app, applied from
 * the guide's own manifest with named adaptations, and the verbs a scenario uses on it. Generic
 * over the set's shape (names of the set, its Service, its claim template, its main container);
 * what is specific to a database (writing rows, reading versions) lives in its adapter.
 */
export interface GuideSetShape {
  readonly name: string;
  /** spec.serviceName: the governing Service, the pods' DNS subdomain. */
  readonly serviceName: string;
  /** The volumeClaimTemplate whose claims hold the data. */
  readonly claimTemplate: string;
  /** The main container. */
  readonly container: string;
  /** The selector's labels as a label selector, e.g. app=postgres. */
  readonly selector: string;
}

/** Marks a transform as an environment adaptation: what makes the manifest run here at all. */
export function environment(transform: Transform): Transform {
  return {
    get name() {
      return `environment: ${transform.name}`;
    },
    apply: transform.apply,
  };
}

/** A transform whose name says why this scenario wants it. */
export function because(transform: Transform, reason: string): Transform {
  return {
    get name() {
      return `${transform.name}: ${reason}`;
    },
    apply: transform.apply,
  };
}

/** Marks a transform as a correction: what makes the manifest do what its guide says. */
export function correction(transform: Transform): Transform {
  return {
    get name() {
      return `correction: ${transform.name}`;
    },
    apply: transform.apply,
  };
}

/**
 * The environment adaptations every guide fixture gets on this cluster, besides the images (the
 * image map, applied by loadFixture): a StorageClass the guide names and the cluster lacks
 * becomes the cluster's default. (On a kind cluster the suite made, loadFixture already names
 * `standard` for every claim.)
 */
export async function guideEnvironment(context: WorkloadContext): Promise<Transform[]> {
  const classes = await clusterReads.storageClasses(context.namespace.kube);
  const names = classes.map((storageClass) => storageClass.metadata?.name ?? '');
  const defaults = classes.filter(
    (storageClass) => storageClass.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
  );
  const fallback = defaults[0]?.metadata?.name;
  if (!fallback)
    throw new ActionableError(
      'the cluster has no default StorageClass, and the guides name classes (fast-ssd, ssd) it may not have',
      'mark one StorageClass default (annotation storageclass.kubernetes.io/is-default-class=true)',
    );
  return [environment(missingStorageClass(names, fallback))];
}

/** Loads a guide fixture with its scenario transforms, then the environment's; applies it. */
export async function applyGuideFixture(
  context: WorkloadContext,
  fixture: string,
  transforms: readonly Transform[],
): Promise<AdaptedFixture> {
  const adapted = await loadFixture(fixture, context.cluster, [...transforms, ...(await guideEnvironment(context))]);
  await applyFixture(context, adapted);
  return adapted;
}

/** The image that runs for an official name under this cluster's image map (the name itself where none applies). */
export function imageFor(context: WorkloadContext, official: string): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'image-probe' },
    spec: { containers: [{ name: 'c', image: official }] },
  };
  const [mapped] = useLocalImages(context.cluster.imageMap).apply([pod]);
  return (mapped?.spec as { containers: Array<{ image: string }> }).containers[0]?.image ?? official;
}

export class GuideStatefulSet {
  constructor(
    readonly context: WorkloadContext,
    readonly shape: GuideSetShape,
  ) {}

  get name(): string {
    return this.shape.name;
  }

  protected get ns() {
    return this.context.namespace;
  }

  podName(ordinal: number): string {
    return `${this.shape.name}-${ordinal}`;
  }

  claimName(ordinal: number): string {
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

  /** Each pod's name its IP; the headless Service every listed pod's IP. */
  async dnsRecords(ordinals: readonly number[]): Promise<ExpectedRecord[]> {
    const ips = await Promise.all(ordinals.map((ordinal) => this.podIp(ordinal)));
    return statefulSetRecords(
      ordinals.map((ordinal, index) => ({ name: this.podDnsName(ordinal), ip: ips[index] })),
      this.serviceDnsName(),
    );
  }

  // --- waiting -------------------------------------------------------------------------------

  waitReady(count: number): Promise<V1StatefulSet> {
    return statefulSetReady(this.ns, this.name, count);
  }

  waitObserved(): Promise<V1StatefulSet> {
    return controllerObserved(this.ns, this.name);
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

  waitPodReady(ordinal: number): Promise<V1Pod> {
    return podRunningAndReady(this.ns, this.podName(ordinal));
  }

  waitPodGone(ordinal: number, uid?: string) {
    return podGone(this.ns, this.podName(ordinal), uid);
  }

  confirmPodAbsentFor(ordinal: number, durationMs: number): Promise<void> {
    return podStaysAbsent(this.ns, this.podName(ordinal), durationMs);
  }

  /** The main container (or another) of this ordinal waits for one of these reasons. */
  waitContainerWaiting(ordinal: number, reasons: readonly string[], container = this.shape.container) {
    return containerWaiting(this.ns, this.podName(ordinal), container, reasons);
  }

  waitContainerRestarted(ordinal: number, count: number, container = this.shape.container): Promise<ContainerState> {
    return containerRestarted(this.ns, this.podName(ordinal), container, count);
  }

  /** An Event about this ordinal's pod with that reason and a matching message (Unhealthy: a probe failed). */
  waitPodEvent(ordinal: number, reason: string, message: RegExp) {
    return podEvent(this.ns, this.podName(ordinal), reason, message);
  }

  waitClaimGone(ordinal: number, uid?: string): Promise<void> {
    return claimGone(this.ns, this.claimName(ordinal), uid);
  }

  waitVolumesReclaimed(volumes: ReadonlyArray<{ name: string; uid: string }>): Promise<void> {
    return volumesReclaimed(this.ns.kube, volumes);
  }

  // --- acting --------------------------------------------------------------------------------

  async scaleTo(count: number): Promise<void> {
    await scaleStatefulSet(this.ns, this.name, count);
  }

  /** Deletes the pod of this ordinal and returns the UID it had. */
  async deletePod(ordinal: number): Promise<string> {
    const pod = await getPod(this.ns, this.podName(ordinal));
    await deletePod(this.ns, this.podName(ordinal));
    return pod.metadata?.uid ?? '';
  }

  /** Deletes this ordinal's claim (it stays Terminating while a pod mounts it); returns its UID. */
  async deleteClaim(ordinal: number): Promise<string> {
    const claim = await getClaim(this.ns, this.claimName(ordinal));
    await deleteClaim(this.ns, this.claimName(ordinal));
    return claim.metadata?.uid ?? '';
  }

  /**
   * `kubectl set image statefulset/NAME CONTAINER=IMAGE`: the official name goes through the
   * image map, as the fixture's own image did. Returns the image that will run.
   */
  async setImage(official: string, container = this.shape.container): Promise<string> {
    const image = imageFor(this.context, official);
    const set = await this.statefulSet();
    const containers = set.spec?.template.spec?.containers ?? [];
    if (!containers.some((candidate) => candidate.name === container))
      throw new Error(`StatefulSet ${this.ns.name}/${this.name} has no container ${container}`);
    await strategicPatchStatefulSet(
      this.ns,
      this.name,
      { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
      `set image ${container}=${official} (${image})`,
    );
    return image;
  }

  /**
   * A pod template annotation change: a new revision without a new image, for an image that
   * exists in one version here (MariaDB, FerretDB). The report says so beside the update's verdicts.
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

  /**
   * `kubectl rollout undo statefulset/NAME`: the ControllerRevision before the current one,
   * applied back as kubectl does it (its data is a strategic merge patch of spec.template).
   * Returns that revision's name.
   */
  async rolloutUndo(): Promise<string> {
    const set = await this.statefulSet();
    const revisions = (await listControllerRevisions(this.ns))
      .filter((revision) =>
        revision.metadata?.ownerReferences?.some(
          (owner) => owner.kind === 'StatefulSet' && owner.uid === set.metadata?.uid,
        ),
      )
      .sort((a, b) => a.revision - b.revision);
    const current = revisions.find((revision) => revision.metadata?.name === set.status?.updateRevision);
    const previous = revisions.filter((revision) => current && revision.revision < current.revision).at(-1);
    if (!current || !previous)
      throw new Error(
        `StatefulSet ${this.ns.name}/${this.name} has no revision before ${set.status?.updateRevision} to undo to (revisions: ${revisions.map((revision) => `${revision.metadata?.name}#${revision.revision}`).join(', ')})`,
      );
    await strategicPatchStatefulSet(
      this.ns,
      this.name,
      previous.data as object,
      `rollout undo to ${previous.metadata?.name}`,
    );
    return previous.metadata?.name ?? '';
  }

  /** `kubectl delete statefulset NAME` (the garbage collector then removes the pods). */
  async delete(): Promise<void> {
    await deleteStatefulSet(this.ns, this.name);
  }

  /** `kubectl delete pvc -l SELECTOR`; returns the names deleted. */
  deleteClaimsBySelector(selector = this.shape.selector): Promise<string[]> {
    return deleteClaimsBySelector(this.ns, selector);
  }

  // --- reading -------------------------------------------------------------------------------

  statefulSet(): Promise<V1StatefulSet> {
    return getStatefulSet(this.ns, this.name);
  }

  pod(ordinal: number): Promise<V1Pod | undefined> {
    return findPod(this.ns, this.podName(ordinal));
  }

  async podIp(ordinal: number): Promise<string | undefined> {
    return (await this.pod(ordinal))?.status?.podIP;
  }

  async podUid(ordinal: number): Promise<string | undefined> {
    return (await this.pod(ordinal))?.metadata?.uid;
  }

  /** The image the pod's main container was created with. */
  async podImage(ordinal: number, container = this.shape.container): Promise<string | undefined> {
    return (await this.pod(ordinal))?.spec?.containers.find((candidate) => candidate.name === container)?.image;
  }

  async containerStates(ordinal: number): Promise<ContainerState[]> {
    return containerStates(await this.pod(ordinal));
  }

  /** The container's log (the previous instance's with `previous`), '' when there is none to read. */
  async logs(ordinal: number, options: { container?: string; previous?: boolean } = {}): Promise<string> {
    return podLogs(this.ns, this.podName(ordinal), options.container ?? this.shape.container, options).catch(
      (error: unknown) => `(no log: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }

  /**
   * Until the container's log (the running or last terminated instance, or the one before it)
   * has a line matching `pattern`: why a crashing container exits. Returns that line and the log.
   */
  waitLogLine(
    ordinal: number,
    pattern: RegExp,
    options: { container?: string; timeoutMs?: number } = {},
  ): Promise<{ line: string; log: string }> {
    const container = options.container ?? this.shape.container;
    return waitFor(
      `a line matching ${pattern} in the log of ${container} in Pod ${this.ns.name}/${this.podName(ordinal)}`,
      async () => {
        for (const previous of [false, true]) {
          const log = await this.logs(ordinal, { container, previous });
          const line = log.split('\n').find((candidate) => pattern.test(candidate));
          if (line) return { done: true, value: { line: line.trim(), log } };
        }
        const last = (await this.logs(ordinal, { container })).trim().split('\n').at(-1) ?? '';
        return { done: false, observed: `last line: ${last || '(empty log)'}` };
      },
      { timeoutMs: options.timeoutMs ?? 120_000, intervalMs: 2000 },
    );
  }

  identity(ordinal: number): Promise<PodIdentityObservation> {
    return readPodIdentity(this.ns, this.podName(ordinal), this.shape.container);
  }

  /** The claims of the selector, as `kubectl get pvc -l SELECTOR` lists them. */
  async claims(selector = this.shape.selector) {
    return (await listClaims(this.ns, selector)).map((claim) => ({
      name: claim.metadata?.name ?? '',
      uid: claim.metadata?.uid ?? '',
      phase: claim.status?.phase,
      volume: claim.spec?.volumeName,
      capacity: claim.status?.capacity?.storage,
      storageClass: claim.spec?.storageClassName,
      terminating: Boolean(claim.metadata?.deletionTimestamp),
    }));
  }

  /** Ready addresses behind a Service (its EndpointSlices). */
  serviceAddresses(service: string): Promise<string[]> {
    return readyServiceAddresses(this.ns, service);
  }

  /**
   * Pod UID, the claim behind its data volume (name, UID, PersistentVolume) and a marker the
   * caller reads from the data itself (a database's system identifier, a file's content).
   */
  async storageIdentity(ordinal: number, marker: () => Promise<string | undefined>): Promise<StorageIdentity> {
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
    return { pod: this.podName(ordinal), podUid: pod.metadata?.uid ?? '', claim, marker: await marker() };
  }
}

/**
 * The rows a scenario wrote to one database, as the data judges take them (lib/invariants/data.ts):
 * an id is acknowledged only when the database said the write committed; a write that failed
 * without a clear refusal is "attempted" (it may or may not have landed).
 */
export class LedgerBook {
  private readonly acknowledged: string[] = [];
  private readonly attempted: string[] = [];
  private readonly refusals: string[] = [];

  constructor(
    /** Where the rows go, e.g. "postgres-1 sts_ledger.ledger". */
    readonly subject: string,
    private readonly prefix: string,
  ) {}

  /** Writes `count` rows one after another; returns how many were acknowledged. */
  async write(count: number, writeRow: (id: string) => Promise<LedgerWrite>): Promise<number> {
    let acknowledged = 0;
    for (let index = 0; index < count; index++) {
      const id = newLedgerId(this.prefix);
      const result = await writeRow(id);
      if (result.acknowledged) {
        this.acknowledged.push(id);
        acknowledged++;
      } else if (result.refusedAsReadOnly) this.refusals.push(`${id}: ${result.error}`);
      else this.attempted.push(id);
    }
    return acknowledged;
  }

  /**
   * Writes `count` rows in one round trip, each its own acknowledged write (a shell that is slow
   * to start, mongosh, pays its start once): `writeBatch` returns the ids the database
   * acknowledged; the others were sent and their fate is unknown. Returns how many were acknowledged.
   */
  async writeBatch(count: number, writeBatch: (ids: readonly string[]) => Promise<readonly string[]>): Promise<number> {
    const ids = Array.from({ length: count }, () => newLedgerId(this.prefix));
    let acknowledged: readonly string[] = [];
    try {
      acknowledged = await writeBatch(ids);
    } finally {
      const seen = new Set(acknowledged);
      for (const id of ids) (seen.has(id) ? this.acknowledged : this.attempted).push(id);
    }
    return acknowledged.length;
  }

  /** What the judges compare a read-back with. */
  ledger(): WriteLedger {
    return { subject: this.subject, acknowledged: [...this.acknowledged], attempted: [...this.attempted] };
  }

  get counts(): { acknowledged: number; attempted: number; refused: number } {
    return { acknowledged: this.acknowledged.length, attempted: this.attempted.length, refused: this.refusals.length };
  }
}

/** A short fingerprint of the rows a database holds: the same rows before and after say it is the same data. */
export function ledgerDigest(ids: readonly string[] | undefined): string | undefined {
  if (ids === undefined) return undefined;
  return `${ids.length} rows, sha256 ${createHash('sha256')
    .update([...ids].sort().join('\n'))
    .digest('hex')
    .slice(0, 12)}`;
}
