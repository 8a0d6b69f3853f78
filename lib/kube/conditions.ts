import type { V1PersistentVolume, V1Pod, V1PersistentVolumeClaim, V1StatefulSet } from '@kubernetes/client-node';
import { holdsFor, waitFor, type WaitOptions } from '../support/wait.js';
import type { OwnedNamespace } from './namespace.js';
import { findClaim, findPod, findVolume, getClaim, getStatefulSet, listPods } from './verbs.js';

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
    { timeoutMs, intervalMs: 500, noProgressMs: DEADLINES.noProgress },
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
    { timeoutMs, intervalMs: 500, noProgressMs: DEADLINES.noProgress },
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
    { timeoutMs, intervalMs: 250 },
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
    { timeoutMs, intervalMs: 500 },
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
