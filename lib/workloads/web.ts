import type { V1PersistentVolume, V1StatefulSet } from '@kubernetes/client-node';
import {
  claimBound,
  claimsGone,
  claimTerminating,
  controllerObserved,
  eventSeen,
  podsExactly,
  statefulSetAvailable,
  statefulSetAndPodsGone,
  newUpdateRevision,
  controllerReports,
  partitionRolledOut,
  podControlledBy,
  podCreated,
  podFailed,
  podStaysTerminating,
  podUnschedulable,
  podGone,
  podRunningAndReady,
  podRunningNotReady,
  podsAndClaimsGone,
  podStaysAbsent,
  podsStayAtRevision,
  podStaysPresent,
  rolloutComplete,
  statefulSetReady,
  volumesReclaimed,
} from '../kube/conditions.js';
import { execInPod } from '../kube/exec.js';
import {
  deleteClaim,
  deletePod,
  deleteStatefulSet,
  findPod,
  getClaim,
  getPod,
  getStatefulSet,
  getStatefulSetScale,
  getVolume,
  patchClaim,
  patchPod,
  patchStatefulSet,
  patchStatefulSetStatus,
  scaleStatefulSet,
} from '../kube/verbs.js';
import type { ExpectedIdentity, PodIdentityObservation } from '../invariants/identity.js';
import type { UpdateAttempt } from '../invariants/limits.js';
import type { ScaleObservation } from '../invariants/scale.js';
import type { StorageIdentity, VolumeIdentity } from '../invariants/storage.js';
import { waitFor } from '../support/wait.js';
import type { ControllerOwner } from './claim-keeper.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { statefulSetRecords, type ExpectedRecord } from './dns-convergence.js';
import { loadFixture } from './fixtures.js';
import { readPodIdentity } from './pod-identity.js';
import {
  appLabel,
  claimRetentionPolicy,
  containerEnv,
  emptyDirInsteadOfClaims,
  maxUnavailable,
  minReadySeconds,
  startOrdinal,
  onDeleteUpdates,
  partition,
  podManagementPolicy,
  replicas,
  hostPort,
  nodeName,
  schedulingGate,
  statefulSetName,
  without,
  withoutReplicas,
  type ClaimRetentionPolicy,
  type Transform,
} from './transforms.js';

export interface WebOptions {
  /** Another name for the StatefulSet (the Service stays `web`). */
  readonly name?: string;
  readonly replicas?: number;
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** false: every new pod stays not Ready until a scenario marks it Ready. */
  readonly startReady?: boolean;
  /** emptyDir: the negative control for storage identity. */
  readonly storage?: 'claims' | 'emptyDir';
  readonly partition?: number;
  /** OnDelete: template changes reach a pod only when it is deleted. */
  readonly updateStrategy?: 'RollingUpdate' | 'OnDelete';
  /** false: no governing headless Service, the negative control for DNS identity. */
  readonly headlessService?: boolean;
  /** whenScaled Delete: the negative control for storage across a scale to 0 and back. */
  readonly claimRetention?: ClaimRetentionPolicy;
  /** Every pod waits, unscheduled, until a scenario releases it (releasePod). */
  readonly heldBySchedulingGate?: boolean;
  /** Another app label for the selector, the pods and the Service: a set that does not select web's pods. */
  readonly appLabel?: string;
  readonly minReadySeconds?: number;
  /** Leave spec.replicas out of the manifest (replicas is ignored then). */
  readonly withoutReplicas?: boolean;
  /** spec.ordinals.start */
  readonly startOrdinal?: number;
  /** RollingUpdate maxUnavailable (MaxUnavailableStatefulSet feature gate). */
  readonly maxUnavailable?: number | string;
  /** The container binds this port on its node (a second pod binding it there is rejected). */
  readonly hostPort?: number;
  /** The pods go to this node directly, past the scheduler (so the kubelet's own admission decides). */
  readonly nodeName?: string;
}

/** The scheduling gate of the heldBySchedulingGate option. */
export const HOLD_GATE = 'sts-conformance.io/hold';

const MARKER_FILE = '/data/marker';

/**
 * The `web` StatefulSet of fixtures/web/web.yaml and the verbs scenarios use on it. Readiness is
 * a file: a pod is Ready while /tmp/ready exists in it.
 */
export class WebStatefulSet {
  readonly serviceName = 'web';
  readonly selector = 'app=web';

  private constructor(
    readonly context: WorkloadContext,
    readonly name = 'web',
  ) {}

  static async deploy(context: WorkloadContext, options: WebOptions = {}): Promise<WebStatefulSet> {
    const transforms: Transform[] = [];
    if (options.name !== undefined) transforms.push(statefulSetName(options.name));
    if (options.withoutReplicas) transforms.push(withoutReplicas());
    else if (options.replicas !== undefined) transforms.push(replicas(options.replicas));
    if (options.podManagementPolicy) transforms.push(podManagementPolicy(options.podManagementPolicy));
    if (options.startReady === false) transforms.push(containerEnv('START_READY', 'false'));
    if (options.storage === 'emptyDir') transforms.push(emptyDirInsteadOfClaims());
    if (options.partition !== undefined) transforms.push(partition(options.partition));
    if (options.updateStrategy === 'OnDelete') transforms.push(onDeleteUpdates());
    if (options.headlessService === false) transforms.push(without('Service', 'web'));
    if (options.claimRetention) transforms.push(claimRetentionPolicy(options.claimRetention));
    if (options.heldBySchedulingGate) transforms.push(schedulingGate(HOLD_GATE));
    if (options.appLabel) transforms.push(appLabel(options.appLabel));
    if (options.minReadySeconds !== undefined) transforms.push(minReadySeconds(options.minReadySeconds));
    if (options.startOrdinal !== undefined) transforms.push(startOrdinal(options.startOrdinal));
    if (options.maxUnavailable !== undefined) transforms.push(maxUnavailable(options.maxUnavailable));
    if (options.hostPort !== undefined) transforms.push(hostPort(options.hostPort));
    if (options.nodeName !== undefined) transforms.push(nodeName(options.nodeName));
    await applyFixture(context, await loadFixture('web/web.yaml', context.cluster, transforms));
    return new WebStatefulSet(context, options.name);
  }

  private get ns() {
    return this.context.namespace;
  }

  podName(ordinal: number): string {
    return `${this.name}-${ordinal}`;
  }

  /** The claim the controller makes for this ordinal from the `data` volumeClaimTemplate. */
  claimName(ordinal: number): string {
    return `data-${this.podName(ordinal)}`;
  }

  /** <pod>.<service>.<namespace>.svc.<cluster domain> */
  podDnsName(ordinal: number, clusterDomain = 'cluster.local'): string {
    return `${this.podName(ordinal)}.${this.serviceName}.${this.ns.name}.svc.${clusterDomain}`;
  }

  /** The identity every listed ordinal must have. */
  expectedIdentity(ordinals: readonly number[]): ExpectedIdentity {
    return {
      pods: ordinals.map((ordinal) => this.podName(ordinal)),
      serviceName: this.serviceName,
      namespace: this.ns.name,
    };
  }

  serviceDnsName(clusterDomain = 'cluster.local'): string {
    return `${this.serviceName}.${this.ns.name}.svc.${clusterDomain}`;
  }

  /**
   * What DNS must answer now: each pod's name its current IP, the headless Service every IP of
   * the listed pods (all of them Ready when a scenario asks). A pod without an IP expects nothing,
   * which no answer matches.
   */
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

  /** The controller has observed the latest spec and reports this many available replicas. */
  waitAvailable(count: number): Promise<V1StatefulSet> {
    return statefulSetAvailable(this.ns, this.name, count);
  }

  /** The pods of the set that are not terminating are exactly these ordinals, each Running and Ready. */
  waitPodsExactly(ordinals: readonly number[]): Promise<void> {
    return podsExactly(
      this.ns,
      this.selector,
      ordinals.map((ordinal) => this.podName(ordinal)),
    );
  }

  /** The controller observed the template change and made an update revision other than `previous`; returns it. */
  async waitNewUpdateRevision(previous: string): Promise<string> {
    return (await newUpdateRevision(this.ns, this.name, previous)).status?.updateRevision as string;
  }

  /** The controller has observed the latest spec and counts this many pods, this many Ready. */
  waitControllerReports(expected: { replicas: number; readyReplicas: number }): Promise<V1StatefulSet> {
    return controllerReports(this.ns, this.name, expected);
  }

  /** The pod of this ordinal does not appear for the whole window. */
  confirmPodAbsentFor(ordinal: number, durationMs: number): Promise<void> {
    return podStaysAbsent(this.ns, this.podName(ordinal), durationMs);
  }

  /** The pod of this ordinal stays (same UID, not terminating) for the whole window. */
  async confirmPodStaysFor(ordinal: number, durationMs: number): Promise<void> {
    const uid = (await this.podUid(ordinal)) ?? '';
    return podStaysPresent(this.ns, this.podName(ordinal), uid, durationMs);
  }

  /** The pods of these ordinals stay (same UIDs, not terminating) at this revision for the whole window. */
  async confirmPodsStayAtRevisionFor(ordinals: readonly number[], revision: string, durationMs: number): Promise<void> {
    const pods = await Promise.all(
      ordinals.map(async (ordinal) => ({ name: this.podName(ordinal), uid: (await this.podUid(ordinal)) ?? '' })),
    );
    return podsStayAtRevision(this.ns, pods, revision, durationMs);
  }

  waitPodReady(ordinal: number) {
    return podRunningAndReady(this.ns, this.podName(ordinal));
  }

  waitPodRunningNotReady(ordinal: number) {
    return podRunningNotReady(this.ns, this.podName(ordinal));
  }

  /** The pod of this ordinal, with this UID, has the controller of `controllerUid` (undefined: none). */
  waitPodController(ordinal: number, uid: string, controllerUid: string | undefined) {
    return podControlledBy(this.ns, this.podName(ordinal), uid, controllerUid);
  }

  /** The pod of this ordinal reached phase Failed; returns it. */
  waitPodFailed(ordinal: number) {
    return podFailed(this.ns, this.podName(ordinal));
  }

  /** A pod of this ordinal exists (other than the one of `previousUid`), whatever its state. */
  waitPodCreated(ordinal: number, previousUid?: string) {
    return podCreated(this.ns, this.podName(ordinal), previousUid);
  }

  waitPodGone(ordinal: number, uid?: string) {
    return podGone(this.ns, this.podName(ordinal), uid);
  }

  /**
   * The noted pods are gone and so are the claims they mounted (those UIDs): with whenScaled
   * Delete the garbage collector removes a scaled-away pod's claim once the pod is gone.
   */
  waitPodsAndClaimsGone(noted: readonly StorageIdentity[]): Promise<void> {
    return podsAndClaimsGone(
      this.ns,
      noted.map(({ pod, claim }) => {
        if (!claim) throw new Error(`${pod} was noted without a claim: no claim to wait for`);
        return { pod, claim: claim.name, claimUid: claim.uid };
      }),
    );
  }

  /** The PersistentVolumes the noted claims were bound to no longer exist (reclaimed by their provisioner). */
  waitVolumesReclaimed(noted: readonly StorageIdentity[]): Promise<void> {
    const volumes = noted.map((identity) => {
      if (!identity.claim?.volume)
        throw new Error(`${identity.pod} was noted without a bound volume: nothing to wait for`);
      return identity.claim.volume;
    });
    return volumesReclaimed(this.ns.kube, volumes);
  }

  /** The claims of these ordinals, with the UIDs noted (claimUids), are gone. */
  waitClaimsGone(noted: ReadonlyMap<number, string | undefined>): Promise<void> {
    return claimsGone(
      this.ns,
      [...noted].map(([ordinal, uid]) => {
        if (!uid) throw new Error(`${this.claimName(ordinal)} was noted absent: nothing to wait for`);
        return { name: this.claimName(ordinal), uid };
      }),
    );
  }

  /** The StatefulSet of this UID is gone, and so is every pod it owned. */
  waitGone(setUid: string): Promise<void> {
    return statefulSetAndPodsGone(this.ns, this.name, setUid);
  }

  waitRolloutComplete(): Promise<V1StatefulSet> {
    return rolloutComplete(this.ns, this.name);
  }

  waitPartitionRolledOut(value: number): Promise<V1StatefulSet> {
    return partitionRolledOut(this.ns, this.name, value);
  }

  // --- acting --------------------------------------------------------------------------------

  async scaleTo(count: number): Promise<void> {
    await scaleStatefulSet(this.ns, this.name, count);
  }

  /** Makes the readiness probe pass from now on. */
  async markReady(ordinal: number): Promise<void> {
    await this.run(ordinal, ['touch', '/tmp/ready']);
  }

  /** Makes the readiness probe fail from now on. */
  async markNotReady(ordinal: number): Promise<void> {
    await this.run(ordinal, ['rm', '-f', '/tmp/ready']);
  }

  /** Deletes the pod of this ordinal and returns the UID it had. */
  async deletePod(ordinal: number): Promise<string> {
    const pod = await getPod(this.ns, this.podName(ordinal));
    await deletePod(this.ns, this.podName(ordinal));
    return pod.metadata?.uid ?? '';
  }

  /** `kubectl delete pod --grace-period=0 --force`: the object goes without the kubelet's confirmation. */
  async forceDeletePod(ordinal: number): Promise<void> {
    await deletePod(this.ns, this.podName(ordinal), { gracePeriodSeconds: 0 });
  }

  /** The node the pod of this ordinal runs on. */
  async podNode(ordinal: number): Promise<string> {
    const node = (await getPod(this.ns, this.podName(ordinal))).spec?.nodeName;
    if (!node) throw new Error(`Pod ${this.ns.name}/${this.podName(ordinal)} is not on a node`);
    return node;
  }

  /** The pod of this ordinal, with this UID, stays terminating for the whole window. */
  confirmPodStaysTerminatingFor(ordinal: number, uid: string, durationMs: number): Promise<void> {
    return podStaysTerminating(this.ns, this.podName(ordinal), uid, durationMs);
  }

  /** The pod of this ordinal is unschedulable; returns why. */
  waitPodUnschedulable(ordinal: number): Promise<string> {
    return podUnschedulable(this.ns, this.podName(ordinal));
  }

  /** A change to the pod template (an annotation), which makes a new revision. */
  async changeTemplate(label: string): Promise<void> {
    await patchStatefulSet(
      this.ns,
      this.name,
      { spec: { template: { metadata: { annotations: { 'sts-conformance.io/template-change': label } } } } },
      `template change ${label}`,
    );
  }

  /** Deletes the StatefulSet (Background: its pods follow; Orphan: they stay, without owner); returns its UID. */
  async delete(propagation: 'Background' | 'Orphan'): Promise<string> {
    const uid = (await this.statefulSet()).metadata?.uid ?? '';
    await deleteStatefulSet(this.ns, this.name, propagation);
    return uid;
  }

  /** Makes `owner` the controller of this ordinal's claim, in place of any reference to the set or its pods. */
  async giveClaimTo(ordinal: number, owner: ControllerOwner): Promise<void> {
    await patchClaim(
      this.ns,
      this.claimName(ordinal),
      { metadata: { ownerReferences: [owner] } },
      `controlled by ${owner.kind} ${owner.name}`,
    );
  }

  /** Deletes this ordinal's claim; a claim a pod uses stays, terminating, until the pod is gone (pvc-protection). */
  async deleteClaim(ordinal: number): Promise<void> {
    await deleteClaim(this.ns, this.claimName(ordinal));
  }

  /** This ordinal's claim was asked to go and is still there, kept by pvc-protection while its pod uses it. */
  async waitClaimTerminating(ordinal: number): Promise<void> {
    await claimTerminating(this.ns, this.claimName(ordinal));
  }

  /** Removes the scheduling gates of this ordinal's pod (see the schedulingGate option): it can be scheduled. */
  async releasePod(ordinal: number): Promise<void> {
    await patchPod(this.ns, this.podName(ordinal), { spec: { schedulingGates: null } }, 'scheduling gates removed');
  }

  /** Sets labels of this ordinal's pod (null removes one): a pod whose labels stop matching the selector is released. */
  async labelPod(ordinal: number, labels: Record<string, string | null>): Promise<void> {
    await patchPod(this.ns, this.podName(ordinal), { metadata: { labels } }, `labels ${JSON.stringify(labels)}`);
  }

  /**
   * Tries a JSON merge patch of the spec that validation may refuse, and says what the API server
   * answered: the attempt for forbiddenUpdatesRejected.
   */
  async tryUpdate(field: string, allowed: boolean, spec: object): Promise<UpdateAttempt> {
    try {
      await patchStatefulSet(this.ns, this.name, { spec }, `update ${field}`);
      return { field, allowed, accepted: true };
    } catch (error) {
      const code = (error as { statusCode?: number }).statusCode;
      const message = error instanceof Error ? error.message.replace(/^.*? failed: /, '') : String(error);
      if (code === undefined) throw error;
      return { field, allowed, accepted: false, code, message };
    }
  }

  /** The controller recorded an Event of this reason about the set; returns its message. */
  waitEvent(reason: string): Promise<string> {
    return eventSeen(this.ns, { kind: 'StatefulSet', name: this.name }, reason);
  }

  /** Removes the change changeTemplate made: the template is the fixture's again, which is a rollback. */
  async restoreTemplate(): Promise<void> {
    await patchStatefulSet(
      this.ns,
      this.name,
      { spec: { template: { metadata: { annotations: { 'sts-conformance.io/template-change': null } } } } },
      'template restored',
    );
  }

  /**
   * Writes a status of our own through the status subresource, as a broken controller would: the
   * negative control of the status check. The real controller overwrites it on its next sync.
   */
  async overwriteStatus(status: { replicas: number; readyReplicas: number; availableReplicas: number }): Promise<void> {
    await patchStatefulSetStatus(this.ns, this.name, { status }, 'a status the pods do not explain');
  }

  async setMinReadySeconds(seconds: number): Promise<void> {
    await patchStatefulSet(this.ns, this.name, { spec: { minReadySeconds: seconds } }, `minReadySeconds ${seconds}`);
  }

  /** Sets spec.ordinals.start (null removes it) and spec.replicas in one write. */
  async setOrdinals(start: number | null, replicas: number): Promise<void> {
    await patchStatefulSet(
      this.ns,
      this.name,
      { spec: { ordinals: start === null ? null : { start }, replicas } },
      `ordinals.start ${start ?? 'removed'}, replicas ${replicas}`,
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

  async writeMarker(ordinal: number, marker: string): Promise<void> {
    // sync: the marker must be on the volume, not in a page cache that dies with the pod.
    await this.run(ordinal, ['sh', '-c', `printf '%s' "$1" > ${MARKER_FILE} && sync`, 'write-marker', marker]);
  }

  // --- reading -------------------------------------------------------------------------------

  async statefulSet(): Promise<V1StatefulSet> {
    return getStatefulSet(this.ns, this.name);
  }

  async podIp(ordinal: number): Promise<string | undefined> {
    return (await findPod(this.ns, this.podName(ordinal)))?.status?.podIP;
  }

  async podUid(ordinal: number): Promise<string | undefined> {
    return (await findPod(this.ns, this.podName(ordinal)))?.metadata?.uid;
  }

  /**
   * The scale subresource beside the StatefulSet it was read from: the two reads are of the same
   * object version (the scale carries the set's resourceVersion), or they are read again.
   */
  async scaleObservation(when: string): Promise<ScaleObservation> {
    return waitFor(
      `a read of the scale subresource of StatefulSet ${this.ns.name}/${this.name} and of the set at the same version`,
      async () => {
        const scale = await getStatefulSetScale(this.ns, this.name);
        const set = await this.statefulSet();
        if (scale.metadata?.resourceVersion !== set.metadata?.resourceVersion)
          return {
            done: false,
            observed: `scale at rv ${scale.metadata?.resourceVersion}, set at rv ${set.metadata?.resourceVersion}`,
          };
        const matchLabels = set.spec?.selector?.matchLabels ?? {};
        return {
          done: true,
          value: {
            when,
            scale: {
              specReplicas: scale.spec?.replicas,
              statusReplicas: scale.status?.replicas,
              selector: scale.status?.selector,
            },
            set: {
              specReplicas: set.spec?.replicas,
              statusReplicas: set.status?.replicas,
              selector: Object.entries(matchLabels)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([key, value]) => `${key}=${value}`)
                .join(','),
            },
          },
        };
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  /** The controller-revision-hash label of the pod of this ordinal, if it exists. */
  async podRevision(ordinal: number): Promise<string | undefined> {
    return (await findPod(this.ns, this.podName(ordinal)))?.metadata?.labels?.['controller-revision-hash'];
  }

  /** What the controller set (spec.hostname, spec.subdomain) and what the pod makes of it (`hostname -f`). */
  identity(ordinal: number): Promise<PodIdentityObservation> {
    return readPodIdentity(this.ns, this.podName(ordinal), 'web');
  }

  /** The marker file's content, or undefined if there is none. */
  async readMarker(ordinal: number): Promise<string | undefined> {
    const result = await execInPod(this.ns, this.podName(ordinal), ['cat', MARKER_FILE]);
    return result.exitCode === 0 ? result.stdout : undefined;
  }

  /** Pod UID, the claim behind its data volume (name, UID, volume) and the marker it reads. */
  async storageIdentity(ordinal: number): Promise<StorageIdentity> {
    const pod = await getPod(this.ns, this.podName(ordinal));
    const claimName = pod.spec?.volumes?.find((volume) => volume.name === 'data')?.persistentVolumeClaim?.claimName;
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
    return {
      pod: this.podName(ordinal),
      podUid: pod.metadata?.uid ?? '',
      claim,
      marker: await this.readMarker(ordinal),
    };
  }

  /** The claims of this set's volumeClaimTemplate that exist now, by ordinal. */
  async claimUids(ordinals: readonly number[]): Promise<Map<number, string | undefined>> {
    const uids = new Map<number, string | undefined>();
    for (const ordinal of ordinals) {
      const claim = await getClaim(this.ns, this.claimName(ordinal)).catch(() => undefined);
      uids.set(ordinal, claim?.metadata?.uid);
    }
    return uids;
  }

  private async run(ordinal: number, command: string[]): Promise<string> {
    const result = await execInPod(this.ns, this.podName(ordinal), command, { container: 'web' });
    if (result.exitCode !== 0) {
      throw new Error(
        `\`${command.join(' ')}\` in Pod ${this.ns.name}/${this.podName(ordinal)} exited with ${result.exitCode}: ${result.stderr.trim() || result.stdout.trim()}`,
      );
    }
    return result.stdout;
  }
}

/** Where a PersistentVolume keeps its data: local-path's hostPath and node, or a CSI handle. */
export function volumeIdentity(volume: V1PersistentVolume): VolumeIdentity {
  const spec = volume.spec;
  const node = spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.find(
    (expression) => expression.key === 'kubernetes.io/hostname',
  )?.values?.[0];
  return {
    name: volume.metadata?.name ?? '',
    uid: volume.metadata?.uid ?? '',
    location: spec?.hostPath?.path ?? spec?.local?.path ?? spec?.csi?.volumeHandle,
    node,
  };
}
