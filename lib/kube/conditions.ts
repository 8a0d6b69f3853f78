import type {
  V1PersistentVolume,
  V1Pod,
  V1PersistentVolumeClaim,
  V1StatefulSet,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { holdsFor, waitFor, type WaitOptions } from '../support/wait.js';
import { shellQuote, waitCommand } from '../support/transcript.js';
import { serverVersion } from './client.js';
import type { OwnedNamespace } from './namespace.js';
import {
  findClaim,
  findPod,
  findStatefulSet,
  findVolume,
  getClaim,
  getHorizontalPodAutoscaler,
  getStatefulSet,
  listEvents,
  listPods,
} from './verbs.js';

/**
 * Named conditions with deadlines. Each says what it waits for and, on timeout, what it last
 * saw. They are for pacing a scenario; what a scenario proves comes from the recorded timeline.
 */
const DEADLINES = {
  /** A pod scheduled, started and passing its readiness probe, on a small kind cluster. */
  podReady: 180_000,
  /** A StatefulSet controller reacting to a spec change (status.observedGeneration). */
  controllerObserved: 60_000,
  /** A whole rollout or scale of a few pods, each waiting for the previous one. */
  rollout: 420_000,
  podGone: 120_000,
  claimBound: 120_000,
  /** Pods of a scale-down gone and the garbage collector done with the claims they owned. */
  claimsGone: 180_000,
  /** A provisioner removing a released volume's data and then the PersistentVolume (local-path: a helper pod). */
  volumeReclaimed: 180_000,
  /** A rollout or scale in which nothing changed for this long is stuck, whatever its deadline. */
  noProgress: 150_000,
} as const;

export function isPodReady(pod: V1Pod | undefined): boolean {
  return (
    pod?.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false
  );
}

export function isRunningAndReady(pod: V1Pod | undefined): boolean {
  return pod?.status?.phase === 'Running' && isPodReady(pod) && !pod.metadata?.deletionTimestamp;
}

/**
 * Why kubelet says a container cannot get its image. On a cluster that cannot pull (offline
 * kind, an air-gapped cluster whose nodes lack the image) these do not pass: a pod waiting in
 * them is not coming, and a wait on it fails at once naming the image instead of at its deadline.
 */
const IMAGE_FAILURES = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'RegistryUnavailable',
  'ImageInspectError',
]);

/** "Pod ns/web-0 cannot get image X for container web: ErrImagePull (message)", or undefined. */
export function imageProblem(pod: V1Pod | undefined): string | undefined {
  if (!pod) return undefined;
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const status of statuses) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason || !IMAGE_FAILURES.has(waiting.reason)) continue;
    const image = specs.find((container) => container.name === status.name)?.image ?? status.image;
    const detail = waiting.message ? ` (${waiting.message.split('\n')[0]?.slice(0, 300)})` : '';
    return `Pod ${pod.metadata?.namespace}/${pod.metadata?.name} cannot get image ${image} for container ${status.name}: ${waiting.reason}${detail}; load the image onto the nodes or make it pullable`;
  }
  return undefined;
}

function describePod(pod: V1Pod | undefined): string {
  if (!pod) return 'absent';
  const ready = isPodReady(pod) ? 'Ready' : 'not Ready';
  return `${pod.status?.phase ?? 'no phase'}, ${ready}${pod.metadata?.deletionTimestamp ? ', terminating' : ''} (uid ${pod.metadata?.uid?.slice(0, 8)})`;
}

/** The controller has seen the latest spec: status.observedGeneration >= metadata.generation. */
function observedLatest(set: V1StatefulSet): boolean {
  return (set.status?.observedGeneration ?? 0) >= (set.metadata?.generation ?? 1);
}

/**
 * A named wait on a StatefulSet as the API server has it: `test` says whether the condition holds
 * and, if it can no longer come, why; what was last seen is the set's spec and status counts.
 */
function setCondition(
  namespace: OwnedNamespace,
  name: string,
  condition: string,
  test: (set: V1StatefulSet) => { done: boolean; impossible?: string },
  options: WaitOptions,
): Promise<V1StatefulSet> {
  return waitFor(
    condition,
    async () => {
      const set = await getStatefulSet(namespace, name);
      const outcome = test(set);
      if (outcome.done) return { done: true, value: set };
      const observed = describeSet(set);
      const blocked = await imageProblemOfSet(namespace, set);
      return {
        done: false,
        observed,
        impossible: (outcome.impossible && `${outcome.impossible} (${observed})`) || blocked,
      };
    },
    options,
  );
}

/** The first image problem among the set's pods (its selector's matchLabels), if there is one. */
async function imageProblemOfSet(namespace: OwnedNamespace, set: V1StatefulSet): Promise<string | undefined> {
  const labels = set.spec?.selector?.matchLabels ?? {};
  const selector = Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  if (!selector) return undefined;
  for (const pod of await listPods(namespace, selector)) {
    const problem = imageProblem(pod);
    if (problem) return problem;
  }
  return undefined;
}

/** A named wait on the pod of that name as the API server has it (undefined: there is none). */
function podCondition(
  namespace: OwnedNamespace,
  name: string,
  condition: string,
  holds: (pod: V1Pod | undefined) => boolean,
  options: WaitOptions,
): Promise<V1Pod | undefined> {
  return waitFor(
    `Pod ${namespace.name}/${name} ${condition}`,
    async () => {
      const pod = await findPod(namespace, name);
      return holds(pod)
        ? { done: true, value: pod }
        : { done: false, observed: describePod(pod), impossible: imageProblem(pod) };
    },
    options,
  );
}

function describeSet(set: V1StatefulSet): string {
  const s = set.status;
  return `generation ${set.metadata?.generation}, observed ${s?.observedGeneration}, replicas ${s?.replicas}/${set.spec?.replicas}, ready ${s?.readyReplicas ?? 0}, updated ${s?.updatedReplicas ?? 0}, current ${s?.currentRevision}, update ${s?.updateRevision}`;
}

/** The StatefulSet controller has seen the latest spec: status.observedGeneration >= metadata.generation. */
export function controllerObserved(
  namespace: OwnedNamespace,
  name: string,
  timeoutMs: number = DEADLINES.controllerObserved,
): Promise<V1StatefulSet> {
  return setCondition(
    namespace,
    name,
    `the StatefulSet controller to observe generation of StatefulSet ${namespace.name}/${name}`,
    (set) => ({ done: observedLatest(set) }),
    { timeoutMs, intervalMs: 250 },
  );
}

/** Observed, with `replicas` pods all Ready (status counts, which the controller derives from the pods). */
export function statefulSetReady(
  namespace: OwnedNamespace,
  name: string,
  replicas: number,
  timeoutMs: number = DEADLINES.rollout,
): Promise<V1StatefulSet> {
  return setCondition(
    namespace,
    name,
    `StatefulSet ${namespace.name}/${name} to have ${replicas} Ready replicas`,
    (set) => ({
      done:
        observedLatest(set) &&
        set.spec?.replicas === replicas &&
        (set.status?.replicas ?? 0) === replicas &&
        (set.status?.readyReplicas ?? 0) === replicas,
    }),
    {
      timeoutMs,
      intervalMs: 500,
      noProgressMs: DEADLINES.noProgress,
      // readyReplicas is left out of the status when 0; replicas never is.
      shell: waitCommand(
        namespace.name,
        `statefulset/${name}`,
        replicas === 0 ? 'jsonpath={.status.replicas}=0' : `jsonpath={.status.readyReplicas}=${replicas}`,
        timeoutMs,
      ),
    },
  );
}

/** Observed, with this many available replicas (Ready for minReadySeconds, as the controller counts them). */
export function statefulSetAvailable(
  namespace: OwnedNamespace,
  name: string,
  available: number,
  timeoutMs: number = DEADLINES.rollout,
): Promise<V1StatefulSet> {
  return setCondition(
    namespace,
    name,
    `StatefulSet ${namespace.name}/${name} to report ${available} available replicas`,
    (set) => ({ done: observedLatest(set) && (set.status?.availableReplicas ?? 0) === available }),
    { timeoutMs, intervalMs: 500, noProgressMs: DEADLINES.noProgress },
  );
}

/** The pods of the selector that are not terminating are exactly these names, each Running and Ready. */
export function podsExactly(
  namespace: OwnedNamespace,
  selector: string,
  names: readonly string[],
  timeoutMs: number = DEADLINES.rollout,
): Promise<void> {
  const wanted = [...names].sort().join(', ');
  return waitFor(
    `the pods of ${selector} in ${namespace.name} to be exactly ${wanted}, Running and Ready`,
    async () => {
      const pods = (await listPods(namespace, selector)).filter((pod) => !pod.metadata?.deletionTimestamp);
      const present = pods.map((pod) => pod.metadata?.name ?? '').sort();
      const done = present.join(', ') === wanted && pods.every(isRunningAndReady);
      return done
        ? { done: true, value: undefined }
        : {
            done: false,
            observed: pods.map((pod) => `${pod.metadata?.name}: ${describePod(pod)}`).join('; ') || 'no pods',
          };
    },
    { timeoutMs, intervalMs: 500, noProgressMs: DEADLINES.noProgress },
  );
}

/** The HorizontalPodAutoscaler reports a condition of this type (True or False) that `holds` accepts. */
export function autoscalerCondition(
  namespace: OwnedNamespace,
  name: string,
  type: string,
  holds: (condition: { status?: string; reason?: string }) => boolean,
  timeoutMs: number = 120_000,
): Promise<V2HorizontalPodAutoscaler> {
  return waitFor(
    `HorizontalPodAutoscaler ${namespace.name}/${name} to report ${type}`,
    async () => {
      const hpa = await getHorizontalPodAutoscaler(namespace, name);
      const condition = hpa.status?.conditions?.find((candidate) => candidate.type === type);
      return condition && holds(condition)
        ? { done: true, value: hpa }
        : {
            done: false,
            observed:
              hpa.status?.conditions?.map((entry) => `${entry.type} ${entry.status} (${entry.reason})`).join(', ') ||
              'no conditions',
          };
    },
    { timeoutMs, intervalMs: 1000 },
  );
}

/** The node reports Ready (true) or not (false, Unknown included): read only, nodes are never changed. */
export function nodeReadiness(
  kube: OwnedNamespace['kube'],
  name: string,
  ready: boolean,
  timeoutMs: number = 180_000,
): Promise<void> {
  return waitFor(
    `Node ${name} to be ${ready ? 'Ready' : 'not Ready'}`,
    async () => {
      const node = await kube.core.readNode({ name });
      const condition = node.status?.conditions?.find((entry) => entry.type === 'Ready');
      const isReady = condition?.status === 'True';
      return isReady === ready
        ? { done: true, value: undefined }
        : { done: false, observed: `Ready ${condition?.status ?? 'unknown'} (${condition?.reason ?? 'no reason'})` };
    },
    { timeoutMs, intervalMs: 1000 },
  );
}

/**
 * The node is Ready and its kubelet reports this version (status.nodeInfo.kubeletVersion), and the
 * API server answering the read reports `apiVersion` if given: what an in-place upgrade waits for
 * between nodes. A refused read while the control plane's static pods restart is an observation.
 */
export function nodeAtVersion(
  kube: OwnedNamespace['kube'],
  name: string,
  version: string,
  options: { apiVersion?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  return waitFor(
    `Node ${name} Ready with kubelet ${version}${options.apiVersion ? ` and the API server at ${options.apiVersion}` : ''}`,
    async () => {
      const api = options.apiVersion ? await serverVersion(kube) : undefined;
      const node = await kube.core.readNode({ name });
      const ready = node.status?.conditions?.find((entry) => entry.type === 'Ready');
      const kubelet = node.status?.nodeInfo?.kubeletVersion;
      const apiOk = !options.apiVersion || api === options.apiVersion;
      return ready?.status === 'True' && kubelet === version && apiOk
        ? { done: true, value: undefined }
        : {
            done: false,
            observed: `Ready ${ready?.status ?? 'unknown'}, kubelet ${kubelet ?? 'unknown'}${api ? `, API server ${api}` : ''}${node.spec?.unschedulable ? ', cordoned' : ''}`,
          };
    },
    { timeoutMs: options.timeoutMs ?? 300_000, intervalMs: 2000, signal: options.signal },
  );
}

/** The pod of that name keeps this UID and stays terminating for the whole window (its deletion is not confirmed). */
export function podStaysTerminating(
  namespace: OwnedNamespace,
  name: string,
  uid: string,
  durationMs: number,
): Promise<void> {
  return holdsFor(
    `Pod ${namespace.name}/${name} (uid ${uid.slice(0, 8)}) to stay terminating`,
    durationMs,
    async () => {
      const pod = await findPod(namespace, name);
      return {
        holds: pod?.metadata?.uid === uid && Boolean(pod.metadata.deletionTimestamp),
        observed: describePod(pod),
      };
    },
  );
}

/** The pod of that name is unschedulable (PodScheduled False); returns the scheduler's message. */
export function podUnschedulable(
  namespace: OwnedNamespace,
  name: string,
  timeoutMs: number = DEADLINES.podReady,
): Promise<string> {
  return waitFor(
    `Pod ${namespace.name}/${name} to be unschedulable`,
    async () => {
      const pod = await findPod(namespace, name);
      const scheduled = pod?.status?.conditions?.find((entry) => entry.type === 'PodScheduled');
      return scheduled?.status === 'False'
        ? { done: true, value: `${scheduled.reason}: ${scheduled.message}` }
        : { done: false, observed: `${describePod(pod)}, PodScheduled ${scheduled?.status ?? 'not reported'}` };
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** An Event of this reason about the named object has appeared in the namespace; returns its message. */
export function eventSeen(
  namespace: OwnedNamespace,
  object: { kind: string; name: string },
  reason: string,
  timeoutMs: number = DEADLINES.controllerObserved,
): Promise<string> {
  return waitFor(
    `an Event ${reason} about ${object.kind} ${namespace.name}/${object.name}`,
    async () => {
      const events = (await listEvents(namespace)).filter(
        (event) => event.involvedObject.kind === object.kind && event.involvedObject.name === object.name,
      );
      const found = events.find((event) => event.reason === reason);
      return found
        ? { done: true, value: found.message ?? '' }
        : { done: false, observed: events.map((event) => event.reason).join(', ') || 'no events' };
    },
    { timeoutMs, intervalMs: 1000 },
  );
}

/** A rolling update finished: every replica Ready and at the update revision, which is now current. */
export function rolloutComplete(
  namespace: OwnedNamespace,
  name: string,
  timeoutMs: number = DEADLINES.rollout,
): Promise<V1StatefulSet> {
  return setCondition(
    namespace,
    name,
    `the rollout of StatefulSet ${namespace.name}/${name} to complete`,
    (set) => {
      const s = set.status;
      const replicas = set.spec?.replicas ?? 0;
      return {
        done:
          observedLatest(set) &&
          s?.currentRevision === s?.updateRevision &&
          (s?.updatedReplicas ?? 0) === replicas &&
          (s?.readyReplicas ?? 0) === replicas,
      };
    },
    {
      timeoutMs,
      intervalMs: 500,
      noProgressMs: DEADLINES.noProgress,
      shell: `kubectl rollout status -n ${shellQuote(namespace.name)} statefulset/${name} --timeout=${Math.ceil(timeoutMs / 1000)}s`,
    },
  );
}

/** A partitioned rollout reached every ordinal >= partition: those pods carry the update revision and are Ready. */
export function partitionRolledOut(
  namespace: OwnedNamespace,
  name: string,
  partition: number,
  timeoutMs: number = DEADLINES.rollout,
): Promise<V1StatefulSet> {
  return waitFor(
    `StatefulSet ${namespace.name}/${name} to update every ordinal >= ${partition}`,
    async () => {
      const set = await getStatefulSet(namespace, name);
      const update = set.status?.updateRevision;
      const replicas = set.spec?.replicas ?? 0;
      const pods = await Promise.all(
        Array.from({ length: replicas }, (_, ordinal) => findPod(namespace, `${name}-${ordinal}`)),
      );
      const lagging = pods
        .map((pod, ordinal) => ({ pod, ordinal }))
        .filter(
          ({ pod, ordinal }) =>
            ordinal >= partition &&
            !(isRunningAndReady(pod) && pod?.metadata?.labels?.['controller-revision-hash'] === update),
        )
        .map(
          ({ ordinal, pod }) =>
            `${name}-${ordinal}: ${pod?.metadata?.labels?.['controller-revision-hash'] ?? 'absent'} ${describePod(pod)}`,
        );
      const observed = observedLatest(set);
      if (observed && lagging.length === 0) return { done: true, value: set };
      const blocked = pods.map((pod) => imageProblem(pod)).find(Boolean);
      return { done: false, observed: observed ? lagging.join('; ') : describeSet(set), impossible: blocked };
    },
    { timeoutMs, intervalMs: 500, noProgressMs: DEADLINES.noProgress },
  );
}

/** A pod of that name is Running and Ready, and not terminating. */
export function podRunningAndReady(
  namespace: OwnedNamespace,
  name: string,
  timeoutMs: number = DEADLINES.podReady,
): Promise<V1Pod> {
  return podCondition(namespace, name, 'to be Running and Ready', isRunningAndReady, {
    timeoutMs,
    intervalMs: 500,
    shell: waitCommand(namespace.name, `pod/${name}`, 'condition=Ready', timeoutMs),
  }).then((pod) => pod as V1Pod);
}

/** A pod of that name exists and is Running but not Ready (held by its readiness probe). */
export function podRunningNotReady(
  namespace: OwnedNamespace,
  name: string,
  timeoutMs: number = DEADLINES.podReady,
): Promise<V1Pod> {
  const runningNotReady = (pod: V1Pod | undefined) =>
    pod?.status?.phase === 'Running' &&
    pod.status.containerStatuses?.every((status) => status.state?.running) === true &&
    !isPodReady(pod);
  return podCondition(namespace, name, 'to be Running and not Ready', runningNotReady, {
    timeoutMs,
    intervalMs: 500,
  }).then((pod) => pod as V1Pod);
}

/** A pod of that name reached phase Failed (the kubelet rejected or evicted it). */
export function podFailed(
  namespace: OwnedNamespace,
  name: string,
  timeoutMs: number = DEADLINES.podReady,
): Promise<V1Pod> {
  return podCondition(namespace, name, 'to reach phase Failed', (pod) => pod?.status?.phase === 'Failed', {
    timeoutMs,
    intervalMs: 250,
  }).then((pod) => pod as V1Pod);
}

/** A pod of that name exists, other than the one of `previousUid` (it was created again). */
export function podCreated(
  namespace: OwnedNamespace,
  name: string,
  previousUid?: string,
  timeoutMs: number = DEADLINES.podReady,
): Promise<V1Pod> {
  return podCondition(
    namespace,
    name,
    `to exist${previousUid ? ` (other than uid ${previousUid.slice(0, 8)})` : ''}`,
    (pod) => pod !== undefined && pod.metadata?.uid !== previousUid,
    { timeoutMs, intervalMs: 250 },
  ).then((pod) => pod as V1Pod);
}

/** The claim of that name exists and was asked to go, kept by its pvc-protection finalizer while a pod uses it. */
export function claimTerminating(
  namespace: OwnedNamespace,
  name: string,
  timeoutMs: number = DEADLINES.controllerObserved,
): Promise<V1PersistentVolumeClaim> {
  return waitFor(
    `PersistentVolumeClaim ${namespace.name}/${name} to be terminating`,
    async () => {
      const claim = await findClaim(namespace, name);
      return claim?.metadata?.deletionTimestamp
        ? { done: true, value: claim }
        : { done: false, observed: claim ? describeClaim(claim) : 'absent' };
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** No claim of that name appears during the window (nobody makes it again). */
export function claimStaysAbsent(namespace: OwnedNamespace, name: string, durationMs: number): Promise<void> {
  return holdsFor(`PersistentVolumeClaim ${namespace.name}/${name} to stay absent`, durationMs, async () => {
    const claim = await findClaim(namespace, name);
    return { holds: !claim, observed: claim ? describeClaim(claim) : 'absent' };
  });
}

/**
 * The pod of that name, with this UID, has the controller of `controllerUid` (undefined: no
 * controller at all, as after an orphaning delete or a release).
 */
export function podControlledBy(
  namespace: OwnedNamespace,
  name: string,
  uid: string,
  controllerUid: string | undefined,
  timeoutMs: number = DEADLINES.controllerObserved,
): Promise<V1Pod> {
  const controllerOf = (pod: V1Pod | undefined) =>
    pod?.metadata?.ownerReferences?.find((owner) => owner.controller)?.uid;
  return waitFor(
    `Pod ${namespace.name}/${name} (uid ${uid.slice(0, 8)}) to have ${controllerUid ? `controller uid ${controllerUid.slice(0, 8)}` : 'no controller'}`,
    async () => {
      const pod = await findPod(namespace, name);
      if (pod?.metadata?.uid === uid && controllerOf(pod) === controllerUid) return { done: true, value: pod };
      return {
        done: false,
        observed: `${describePod(pod)}, controller ${controllerOf(pod)?.slice(0, 8) ?? 'none'}`,
        impossible: pod?.metadata?.uid !== uid ? `the pod of uid ${uid.slice(0, 8)} is gone` : undefined,
      };
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/** No pod of that name, or only one with a different UID (it was replaced). */
export function podGone(
  namespace: OwnedNamespace,
  name: string,
  uid?: string,
  timeoutMs: number = DEADLINES.podGone,
): Promise<V1Pod | undefined> {
  return podCondition(
    namespace,
    name,
    `${uid ? `(uid ${uid.slice(0, 8)}) ` : ''}to be gone`,
    (pod) => !pod || (uid !== undefined && pod.metadata?.uid !== uid),
    {
      timeoutMs,
      intervalMs: 250,
      shell: uid
        ? `timeout ${Math.ceil(timeoutMs / 1000)} sh -c 'while [ "$(kubectl get -n ${shellQuote(namespace.name)} pod/${name} -o jsonpath={.metadata.uid} 2>/dev/null)" = ${uid} ]; do sleep 1; done'`
        : `kubectl wait -n ${shellQuote(namespace.name)} pod/${name} --for=delete --timeout=${Math.ceil(timeoutMs / 1000)}s`,
    },
  );
}

export function claimBound(
  namespace: OwnedNamespace,
  name: string,
  timeoutMs: number = DEADLINES.claimBound,
): Promise<V1PersistentVolumeClaim> {
  return waitFor(
    `PersistentVolumeClaim ${namespace.name}/${name} to be Bound`,
    async () => {
      const claim = await getClaim(namespace, name);
      return claim.status?.phase === 'Bound'
        ? { done: true, value: claim }
        : { done: false, observed: `phase ${claim.status?.phase}` };
    },
    {
      timeoutMs,
      intervalMs: 500,
      shell: waitCommand(namespace.name, `pvc/${name}`, 'jsonpath={.status.phase}=Bound', timeoutMs),
    },
  );
}

function describeClaim(claim: V1PersistentVolumeClaim): string {
  const deleting = claim.metadata?.deletionTimestamp
    ? `, deleting (finalizers ${claim.metadata.finalizers?.join(', ') || 'none'})`
    : '';
  const owners = claim.metadata?.ownerReferences?.map((owner) => `${owner.kind}/${owner.name}`).join(', ');
  return `${claim.status?.phase ?? 'no phase'}${deleting}${owners ? `, owned by ${owners}` : ''} (uid ${claim.metadata?.uid?.slice(0, 8)})`;
}

/**
 * No pod of these names, and none of the claims they mounted (by UID: a new claim of the same
 * name counts as gone): what a scale-down with `whenScaled: Delete` ends with. The claims go
 * after their pods, through the garbage collector, so the wait says which of them is left.
 */
export function podsAndClaimsGone(
  namespace: OwnedNamespace,
  ordinals: ReadonlyArray<{ pod: string; claim: string; claimUid?: string }>,
  timeoutMs: number = DEADLINES.claimsGone,
): Promise<void> {
  return waitFor(
    `Pods ${ordinals.map((entry) => entry.pod).join(', ')} and their claims in ${namespace.name} to be gone`,
    async () => {
      const left: string[] = [];
      for (const { pod: podName, claim: claimName, claimUid } of ordinals) {
        const pod = await findPod(namespace, podName);
        if (pod) left.push(`Pod ${podName}: ${describePod(pod)}`);
        const claim = await findClaim(namespace, claimName);
        if (claim && (claimUid === undefined || claim.metadata?.uid === claimUid))
          left.push(`PersistentVolumeClaim ${claimName}: ${describeClaim(claim)}`);
      }
      return left.length === 0 ? { done: true, value: undefined } : { done: false, observed: left.join('; ') };
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/**
 * These PersistentVolumes (by UID) no longer exist: their provisioner reclaimed them after their
 * claims were deleted, so nothing the suite caused stays behind in the cluster. Read only. A
 * volume whose reclaim policy is not Delete stays Released until someone deletes it, which the
 * suite never does to a cluster-scoped object: the wait says so at once.
 */
export function volumesReclaimed(
  kube: OwnedNamespace['kube'],
  volumes: ReadonlyArray<{ name: string; uid: string }>,
  timeoutMs: number = DEADLINES.volumeReclaimed,
): Promise<void> {
  const describeVolume = (volume: V1PersistentVolume) =>
    `${volume.status?.phase ?? 'no phase'}, reclaimPolicy ${volume.spec?.persistentVolumeReclaimPolicy}${volume.metadata?.deletionTimestamp ? ', deleting' : ''}`;
  return waitFor(
    `PersistentVolumes ${volumes.map((volume) => volume.name).join(', ')} to be reclaimed and gone`,
    async () => {
      const left: V1PersistentVolume[] = [];
      for (const { name, uid } of volumes) {
        const volume = await findVolume(kube, name);
        if (volume && volume.metadata?.uid === uid) left.push(volume);
      }
      if (left.length === 0) return { done: true, value: undefined };
      const kept = left.filter((volume) => volume.spec?.persistentVolumeReclaimPolicy !== 'Delete');
      return {
        done: false,
        observed: left
          .map((volume) => `PersistentVolume ${volume.metadata?.name}: ${describeVolume(volume)}`)
          .join('; '),
        impossible:
          kept.length > 0
            ? `${kept.map((volume) => volume.metadata?.name).join(', ')} ${kept.length === 1 ? 'has' : 'have'} reclaimPolicy ${kept[0]?.spec?.persistentVolumeReclaimPolicy}, not Delete`
            : undefined,
      };
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** No pod of that name appears during the window (the controller is holding it back). */
export function podStaysAbsent(namespace: OwnedNamespace, name: string, durationMs: number): Promise<void> {
  return holdsFor(`Pod ${namespace.name}/${name} to stay absent`, durationMs, async () => {
    const pod = await findPod(namespace, name);
    return { holds: !pod, observed: describePod(pod) };
  });
}

/** No StatefulSet of that name, and no pod left that it owned (by the set's UID). */
export function statefulSetAndPodsGone(
  namespace: OwnedNamespace,
  name: string,
  setUid: string,
  timeoutMs: number = DEADLINES.claimsGone,
): Promise<void> {
  return waitFor(
    `StatefulSet ${namespace.name}/${name} and the pods it owned to be gone`,
    async () => {
      const left: string[] = [];
      const set = await findStatefulSet(namespace, name);
      if (set?.metadata?.uid === setUid)
        left.push(`StatefulSet ${name}${set.metadata?.deletionTimestamp ? ' (deleting)' : ''}`);
      for (const pod of await listPods(namespace)) {
        if (pod.metadata?.ownerReferences?.some((owner) => owner.uid === setUid))
          left.push(`Pod ${pod.metadata.name}: ${describePod(pod)}`);
      }
      return left.length === 0 ? { done: true, value: undefined } : { done: false, observed: left.join('; ') };
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** No claim of these names with these UIDs is left (the garbage collector took them). */
export function claimsGone(
  namespace: OwnedNamespace,
  claims: ReadonlyArray<{ name: string; uid: string }>,
  timeoutMs: number = DEADLINES.claimsGone,
): Promise<void> {
  return waitFor(
    `PersistentVolumeClaims ${claims.map((claim) => claim.name).join(', ')} in ${namespace.name} to be gone`,
    async () => {
      const left: string[] = [];
      for (const { name, uid } of claims) {
        const claim = await findClaim(namespace, name);
        if (claim?.metadata?.uid === uid) left.push(`${name}: ${describeClaim(claim)}`);
      }
      return left.length === 0 ? { done: true, value: undefined } : { done: false, observed: left.join('; ') };
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** The pod of that name keeps this UID and is not asked to go during the window (the controller is holding back). */
export function podStaysPresent(
  namespace: OwnedNamespace,
  name: string,
  uid: string,
  durationMs: number,
): Promise<void> {
  return holdsFor(
    `Pod ${namespace.name}/${name} (uid ${uid.slice(0, 8)}) to stay, not terminating`,
    durationMs,
    async () => {
      const pod = await findPod(namespace, name);
      return { holds: pod?.metadata?.uid === uid && !pod.metadata.deletionTimestamp, observed: describePod(pod) };
    },
  );
}

/** These pods keep their UIDs and this revision label during the window (nothing replaces them). */
export function podsStayAtRevision(
  namespace: OwnedNamespace,
  pods: ReadonlyArray<{ name: string; uid: string }>,
  revision: string,
  durationMs: number,
): Promise<void> {
  return holdsFor(
    `Pods ${pods.map((pod) => `${namespace.name}/${pod.name} (uid ${pod.uid.slice(0, 8)})`).join(', ')} to stay at revision ${revision}`,
    durationMs,
    async () => {
      const observed: string[] = [];
      let holds = true;
      for (const expected of pods) {
        const pod = await findPod(namespace, expected.name);
        const podRevision = pod?.metadata?.labels?.['controller-revision-hash'];
        if (pod?.metadata?.uid !== expected.uid || pod.metadata.deletionTimestamp || podRevision !== revision) {
          holds = false;
          observed.push(`${expected.name}: ${describePod(pod)} at revision ${podRevision ?? 'none'}`);
        }
      }
      return { holds, observed: observed.join('; ') || 'all as expected' };
    },
  );
}

/** The controller has observed the latest spec and its status counts match. */
export function controllerReports(
  namespace: OwnedNamespace,
  name: string,
  expected: { replicas: number; readyReplicas: number },
  timeoutMs: number = DEADLINES.controllerObserved,
): Promise<V1StatefulSet> {
  return setCondition(
    namespace,
    name,
    `the StatefulSet controller to report ${expected.replicas} replicas, ${expected.readyReplicas} Ready, for StatefulSet ${namespace.name}/${name}`,
    (set) => {
      const replicas = set.status?.replicas ?? 0;
      const done =
        observedLatest(set) &&
        replicas === expected.replicas &&
        (set.status?.readyReplicas ?? 0) === expected.readyReplicas;
      // Status counts of an observed spec only grow past the awaited ones if pods the scenario
      // holds back were created anyway: what it waits for has been overtaken.
      const overtaken = observedLatest(set) && replicas > expected.replicas;
      return { done, impossible: overtaken ? `the controller already reports ${replicas} replicas` : undefined };
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/**
 * The controller has observed a template change and made a new update revision. If it has
 * observed the latest generation and the update revision is still the old one, no new revision
 * is coming: the wait fails at once.
 */
export function newUpdateRevision(
  namespace: OwnedNamespace,
  name: string,
  previous: string,
  timeoutMs: number = DEADLINES.controllerObserved,
): Promise<V1StatefulSet> {
  return setCondition(
    namespace,
    name,
    `the StatefulSet controller to make a new update revision of StatefulSet ${namespace.name}/${name} (other than ${previous})`,
    (set) => {
      const revision = set.status?.updateRevision;
      const kept = observedLatest(set) && revision === previous;
      return {
        done: observedLatest(set) && Boolean(revision) && revision !== previous,
        impossible: kept ? `it observed generation ${set.metadata?.generation} and kept ${previous}` : undefined,
      };
    },
    { timeoutMs, intervalMs: 250 },
  );
}

// --- what a broken workload looks like: waiting containers, restarts, probe failures -------------

/** A container's state as the kubelet reports it, in one line. */
export interface ContainerState {
  readonly container: string;
  readonly init: boolean;
  /** waiting, running or terminated, with its reason (CreateContainerConfigError, CrashLoopBackOff, Completed, ...). */
  readonly state: 'waiting' | 'running' | 'terminated' | 'unknown';
  readonly reason?: string;
  readonly message?: string;
  readonly exitCode?: number;
  readonly restartCount: number;
  /** The last termination, if it restarted. */
  readonly lastExitCode?: number;
  readonly lastReason?: string;
}

export function containerStates(pod: V1Pod | undefined): ContainerState[] {
  const of = (init: boolean) => (status: NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number]) => {
    const state = status.state;
    const kind = state?.waiting ? 'waiting' : state?.running ? 'running' : state?.terminated ? 'terminated' : 'unknown';
    return {
      container: status.name,
      init,
      state: kind,
      reason: state?.waiting?.reason ?? state?.terminated?.reason,
      message: state?.waiting?.message ?? state?.terminated?.message,
      exitCode: state?.terminated?.exitCode,
      restartCount: status.restartCount,
      lastExitCode: status.lastState?.terminated?.exitCode,
      lastReason: status.lastState?.terminated?.reason,
    } satisfies ContainerState;
  };
  return [
    ...(pod?.status?.initContainerStatuses ?? []).map(of(true)),
    ...(pod?.status?.containerStatuses ?? []).map(of(false)),
  ];
}

export function describeContainerState(state: ContainerState): string {
  const detail = [state.reason, state.exitCode !== undefined ? `exit ${state.exitCode}` : undefined]
    .filter(Boolean)
    .join(', ');
  const last = state.lastExitCode !== undefined ? `, last exit ${state.lastExitCode} (${state.lastReason})` : '';
  return `${state.init ? 'init container' : 'container'} ${state.container} ${state.state}${detail ? ` (${detail})` : ''}, ${state.restartCount} restarts${last}`;
}

/**
 * A container of the pod is waiting for one of these reasons (e.g. CreateContainerConfigError:
 * a Secret it reads is missing; CrashLoopBackOff: it keeps exiting). Returns its state.
 */
export function containerWaiting(
  namespace: OwnedNamespace,
  pod: string,
  container: string,
  reasons: readonly string[],
  timeoutMs: number = DEADLINES.podReady,
): Promise<ContainerState> {
  return waitFor(
    `container ${container} of Pod ${namespace.name}/${pod} to be waiting (${reasons.join(' or ')})`,
    async () => {
      const found = await findPod(namespace, pod);
      const state = containerStateOf(found, container);
      if (state?.state === 'waiting' && state.reason && reasons.includes(state.reason))
        return { done: true, value: state };
      return { done: false, observed: state ? describeContainerState(state) : describePod(found) };
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** The state of one container of the pod, if the pod and its status name it. */
function containerStateOf(pod: Parameters<typeof containerStates>[0], container: string): ContainerState | undefined {
  return containerStates(pod).find((candidate) => candidate.container === container);
}

/** The container has restarted at least `count` times (the kubelet killed or restarted it). */
export function containerRestarted(
  namespace: OwnedNamespace,
  pod: string,
  container: string,
  count: number,
  timeoutMs: number = DEADLINES.podReady,
): Promise<ContainerState> {
  return waitFor(
    `container ${container} of Pod ${namespace.name}/${pod} to have restarted ${count} time(s)`,
    async () => {
      const found = await findPod(namespace, pod);
      const state = containerStateOf(found, container);
      if (state && state.restartCount >= count) return { done: true, value: state };
      return { done: false, observed: state ? describeContainerState(state) : describePod(found) };
    },
    { timeoutMs, intervalMs: 1000 },
  );
}

/** An Event about the pod with this reason (e.g. Unhealthy for a failing probe) whose message matches. */
export function podEvent(
  namespace: OwnedNamespace,
  pod: string,
  reason: string,
  message: RegExp,
  timeoutMs: number = DEADLINES.podReady,
): Promise<{ reason: string; message: string; count: number }> {
  return waitFor(
    `an Event ${reason} about Pod ${namespace.name}/${pod} matching ${message}`,
    async () => {
      const events = (await listEvents(namespace)).filter(
        (event) => event.involvedObject?.kind === 'Pod' && event.involvedObject.name === pod,
      );
      const match = events.find((event) => event.reason === reason && message.test(event.message ?? ''));
      if (match)
        return {
          done: true,
          value: { reason, message: match.message ?? '', count: match.count ?? match.series?.count ?? 1 },
        };
      const last = events.at(-1);
      return { done: false, observed: last ? `last Event ${last.reason}: ${last.message}` : 'no Event about the pod' };
    },
    { timeoutMs, intervalMs: 1000 },
  );
}

/** No claim of that name, or one with another UID. */
export function claimGone(
  namespace: OwnedNamespace,
  name: string,
  uid?: string,
  timeoutMs: number = DEADLINES.claimsGone,
): Promise<void> {
  return waitFor(
    `PersistentVolumeClaim ${namespace.name}/${name}${uid ? ` (uid ${uid.slice(0, 8)})` : ''} to be gone`,
    async () => {
      const claim = await findClaim(namespace, name);
      if (!claim || (uid !== undefined && claim.metadata?.uid !== uid)) return { done: true, value: undefined };
      return { done: false, observed: describeClaim(claim) };
    },
    { timeoutMs, intervalMs: 500 },
  );
}
