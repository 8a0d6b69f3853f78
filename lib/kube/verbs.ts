import {
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
  type V1ControllerRevision,
  type V1ConfigMap,
  type V1Scale,
  type V2HorizontalPodAutoscaler,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { call, isNotFound } from './client.js';
import type { OwnedNamespace } from './namespace.js';
import { kubectl } from '../support/transcript.js';

/**
 * The verbs scenarios need, each confined to a namespace the suite owns and named after what
 * it does to the cluster. Failures name the verb, the object and what the API server said.
 */

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function getStatefulSet(namespace: OwnedNamespace, name: string): Promise<V1StatefulSet> {
  return call(`read StatefulSet ${namespace.name}/${name}`, () =>
    namespace.kube.apps.readNamespacedStatefulSet({ name, namespace: namespace.name }),
  );
}

/** The scale subresource of the StatefulSet (what `kubectl scale` and autoscalers read). */
export function getStatefulSetScale(namespace: OwnedNamespace, name: string): Promise<V1Scale> {
  return call(`read the scale of StatefulSet ${namespace.name}/${name}`, () =>
    namespace.kube.apps.readNamespacedStatefulSetScale({ name, namespace: namespace.name }),
  );
}

export function getHorizontalPodAutoscaler(
  namespace: OwnedNamespace,
  name: string,
): Promise<V2HorizontalPodAutoscaler> {
  return call(`read HorizontalPodAutoscaler ${namespace.name}/${name}`, () =>
    namespace.kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace: namespace.name }),
  );
}

/** Sets spec.replicas through the scale subresource, as `kubectl scale` does. */
export async function scaleStatefulSet(namespace: OwnedNamespace, name: string, replicas: number): Promise<void> {
  kubectl(['scale', '-n', namespace.name, `statefulset/${name}`, `--replicas=${replicas}`]);
  await call(`scale StatefulSet ${namespace.name}/${name} to ${replicas}`, () =>
    namespace.kube.apps.patchNamespacedStatefulSetScale(
      { name, namespace: namespace.name, body: { spec: { replicas } } },
      MERGE_PATCH,
    ),
  );
}

/** A JSON merge patch of the StatefulSet (RFC 7386): objects merge, lists are replaced. */
export async function patchStatefulSet(
  namespace: OwnedNamespace,
  name: string,
  patch: object,
  what: string,
): Promise<V1StatefulSet> {
  kubectl(['patch', '-n', namespace.name, `statefulset/${name}`, '--type=merge', '-p', JSON.stringify(patch)]);
  return call(`patch StatefulSet ${namespace.name}/${name} (${what})`, () =>
    namespace.kube.apps.patchNamespacedStatefulSet({ name, namespace: namespace.name, body: patch }, MERGE_PATCH),
  );
}

/** A JSON merge patch of the StatefulSet's status subresource. */
export async function patchStatefulSetStatus(
  namespace: OwnedNamespace,
  name: string,
  patch: object,
  what: string,
): Promise<V1StatefulSet> {
  kubectl([
    'patch',
    '-n',
    namespace.name,
    `statefulset/${name}`,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify(patch),
  ]);
  return call(`patch status of StatefulSet ${namespace.name}/${name} (${what})`, () =>
    namespace.kube.apps.patchNamespacedStatefulSetStatus({ name, namespace: namespace.name, body: patch }, MERGE_PATCH),
  );
}

/**
 * Deletes the StatefulSet. `Background` (kubectl's default) lets the garbage collector delete its
 * pods afterwards; `Orphan` (kubectl --cascade=orphan) leaves them, without owner.
 */
export async function deleteStatefulSet(
  namespace: OwnedNamespace,
  name: string,
  propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background',
): Promise<void> {
  kubectl([
    'delete',
    '-n',
    namespace.name,
    `statefulset/${name}`,
    `--cascade=${propagationPolicy.toLowerCase()}`,
    '--wait=false',
  ]);
  await call(
    `delete StatefulSet ${namespace.name}/${name} (propagation ${propagationPolicy})`,
    () => namespace.kube.apps.deleteNamespacedStatefulSet({ name, namespace: namespace.name, propagationPolicy }),
    { retry: false },
  );
}

/** The StatefulSet, or undefined if there is none of that name. */
export async function findStatefulSet(namespace: OwnedNamespace, name: string): Promise<V1StatefulSet | undefined> {
  try {
    return await namespace.kube.apps.readNamespacedStatefulSet({ name, namespace: namespace.name });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function getConfigMap(namespace: OwnedNamespace, name: string): Promise<V1ConfigMap> {
  return call(`read ConfigMap ${namespace.name}/${name}`, () =>
    namespace.kube.core.readNamespacedConfigMap({ name, namespace: namespace.name }),
  );
}

/** A JSON merge patch of a pod (labels, scheduling gates). */
export async function patchPod(namespace: OwnedNamespace, name: string, patch: object, what: string): Promise<V1Pod> {
  return call(`patch Pod ${namespace.name}/${name} (${what})`, () =>
    namespace.kube.core.patchNamespacedPod({ name, namespace: namespace.name, body: patch }, MERGE_PATCH),
  );
}

/** A JSON merge patch of a claim (its ownerReferences). */
export async function patchClaim(
  namespace: OwnedNamespace,
  name: string,
  patch: object,
  what: string,
): Promise<V1PersistentVolumeClaim> {
  return call(`patch PersistentVolumeClaim ${namespace.name}/${name} (${what})`, () =>
    namespace.kube.core.patchNamespacedPersistentVolumeClaim(
      { name, namespace: namespace.name, body: patch },
      MERGE_PATCH,
    ),
  );
}

export async function deleteClaim(namespace: OwnedNamespace, name: string): Promise<void> {
  kubectl(['delete', '-n', namespace.name, `pvc/${name}`, '--wait=false']);
  await call(
    `delete PersistentVolumeClaim ${namespace.name}/${name}`,
    () => namespace.kube.core.deleteNamespacedPersistentVolumeClaim({ name, namespace: namespace.name }),
    { retry: false },
  );
}

export function getPod(namespace: OwnedNamespace, name: string): Promise<V1Pod> {
  return call(`read Pod ${namespace.name}/${name}`, () =>
    namespace.kube.core.readNamespacedPod({ name, namespace: namespace.name }),
  );
}

/** The pod, or undefined if there is none of that name. */
export async function findPod(namespace: OwnedNamespace, name: string): Promise<V1Pod | undefined> {
  try {
    return await namespace.kube.core.readNamespacedPod({ name, namespace: namespace.name });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function listPods(namespace: OwnedNamespace, labelSelector?: string): Promise<V1Pod[]> {
  const list = await call(`list Pods in ${namespace.name}${labelSelector ? ` (${labelSelector})` : ''}`, () =>
    namespace.kube.core.listNamespacedPod({ namespace: namespace.name, labelSelector }),
  );
  return list.items;
}

export async function deletePod(
  namespace: OwnedNamespace,
  name: string,
  options: { gracePeriodSeconds?: number } = {},
): Promise<void> {
  kubectl([
    'delete',
    '-n',
    namespace.name,
    `pod/${name}`,
    '--wait=false',
    ...(options.gracePeriodSeconds !== undefined ? [`--grace-period=${options.gracePeriodSeconds}`] : []),
  ]);
  await call(
    `delete Pod ${namespace.name}/${name}`,
    () =>
      namespace.kube.core.deleteNamespacedPod({
        name,
        namespace: namespace.name,
        gracePeriodSeconds: options.gracePeriodSeconds,
      }),
    // A deletion retried after a lost answer would find the pod gone (404), or its replacement.
    { retry: false },
  );
}

export function getClaim(namespace: OwnedNamespace, name: string): Promise<V1PersistentVolumeClaim> {
  return call(`read PersistentVolumeClaim ${namespace.name}/${name}`, () =>
    namespace.kube.core.readNamespacedPersistentVolumeClaim({ name, namespace: namespace.name }),
  );
}

/** The claim, or undefined if there is none of that name. */
export async function findClaim(namespace: OwnedNamespace, name: string): Promise<V1PersistentVolumeClaim | undefined> {
  try {
    return await namespace.kube.core.readNamespacedPersistentVolumeClaim({ name, namespace: namespace.name });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * PersistentVolumes are cluster-scoped and made by a provisioner, not by the suite: they are only
 * ever read, to prove which volume a claim of the suite's is bound to and that it went away.
 */
export function getVolume(kube: OwnedNamespace['kube'], name: string): Promise<V1PersistentVolume> {
  return call(`read PersistentVolume ${name}`, () => kube.core.readPersistentVolume({ name }));
}

/** The PersistentVolume, or undefined if there is none of that name (read only, as getVolume). */
export async function findVolume(kube: OwnedNamespace['kube'], name: string): Promise<V1PersistentVolume | undefined> {
  try {
    return await kube.core.readPersistentVolume({ name });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function listEvents(namespace: OwnedNamespace): Promise<CoreV1Event[]> {
  const list = await call(`list Events in ${namespace.name}`, () =>
    namespace.kube.core.listNamespacedEvent({ namespace: namespace.name }),
  );
  return list.items;
}

export async function podLogs(
  namespace: OwnedNamespace,
  pod: string,
  container: string,
  options: { previous?: boolean } = {},
): Promise<string> {
  return call(`read logs of Pod ${namespace.name}/${pod} (${container})`, () =>
    namespace.kube.core.readNamespacedPodLog({
      name: pod,
      namespace: namespace.name,
      container,
      timestamps: true,
      previous: options.previous,
    }),
  );
}

/** Cluster-wide reads for smoke checks: nodes, kube-system pods, storage classes, events of any namespace. */
export const clusterReads = {
  nodes: async (kube: OwnedNamespace['kube']) => (await call('list Nodes', () => kube.core.listNode())).items,
  podsIn: async (kube: OwnedNamespace['kube'], namespace: string) =>
    (await call(`list Pods in ${namespace}`, () => kube.core.listNamespacedPod({ namespace }))).items,
  allEvents: async (kube: OwnedNamespace['kube']) =>
    (await call('list Events in all namespaces', () => kube.core.listEventForAllNamespaces())).items,
  allPods: async (kube: OwnedNamespace['kube']) =>
    (await call('list Pods in all namespaces', () => kube.core.listPodForAllNamespaces())).items,
  storageClasses: async (kube: OwnedNamespace['kube']) =>
    (await call('list StorageClasses', () => kube.storage.listStorageClass())).items,
  /** The cluster DNS pods (kubeadm's CoreDNS keeps the kube-dns label), to ask each replica directly. Read only. */
  clusterDnsPods: async (kube: OwnedNamespace['kube']) =>
    (
      await call('list Pods in kube-system (k8s-app=kube-dns)', () =>
        kube.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' }),
      )
    ).items,
  /** default/kubernetes, the API server's Service: a name every cluster DNS must resolve. Read only. */
  apiServerService: (kube: OwnedNamespace['kube']) =>
    call('read Service default/kubernetes', () =>
      kube.core.readNamespacedService({ name: 'kubernetes', namespace: 'default' }),
    ),
};

// --- verbs the guides' walkthroughs use (kubectl delete statefulset, delete pvc -l, rollout undo) ---

const STRATEGIC_MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/**
 * A strategic merge patch of the StatefulSet, as kubectl sends one (`kubectl rollout undo` sends
 * a ControllerRevision's data this way).
 */
export async function strategicPatchStatefulSet(
  namespace: OwnedNamespace,
  name: string,
  patch: object,
  what: string,
): Promise<V1StatefulSet> {
  return call(`patch StatefulSet ${namespace.name}/${name} (${what})`, () =>
    namespace.kube.apps.patchNamespacedStatefulSet(
      { name, namespace: namespace.name, body: patch },
      STRATEGIC_MERGE_PATCH,
    ),
  );
}

export async function listClaims(
  namespace: OwnedNamespace,
  labelSelector?: string,
): Promise<V1PersistentVolumeClaim[]> {
  const list = await call(
    `list PersistentVolumeClaims in ${namespace.name}${labelSelector ? ` (${labelSelector})` : ''}`,
    () => namespace.kube.core.listNamespacedPersistentVolumeClaim({ namespace: namespace.name, labelSelector }),
  );
  return list.items;
}

/** `kubectl delete pvc -l SELECTOR`: the claims the selector matches, deleted; returns their names. */
export async function deleteClaimsBySelector(namespace: OwnedNamespace, labelSelector: string): Promise<string[]> {
  const claims = await listClaims(namespace, labelSelector);
  for (const claim of claims) await deleteClaim(namespace, claim.metadata?.name ?? '');
  return claims.map((claim) => claim.metadata?.name ?? '');
}

export async function listControllerRevisions(
  namespace: OwnedNamespace,
  labelSelector?: string,
): Promise<V1ControllerRevision[]> {
  const list = await call(`list ControllerRevisions in ${namespace.name}`, () =>
    namespace.kube.apps.listNamespacedControllerRevision({ namespace: namespace.name, labelSelector }),
  );
  return list.items;
}

/** The addresses the EndpointSlices of a Service list as ready (what a ClusterIP Service routes to). */
export async function readyServiceAddresses(namespace: OwnedNamespace, service: string): Promise<string[]> {
  const slices = await call(`list EndpointSlices of Service ${namespace.name}/${service}`, () =>
    namespace.kube.discovery.listNamespacedEndpointSlice({
      namespace: namespace.name,
      labelSelector: `kubernetes.io/service-name=${service}`,
    }),
  );
  return slices.items
    .flatMap((slice) => slice.endpoints)
    .filter((endpoint) => endpoint.conditions?.ready !== false)
    .flatMap((endpoint) => endpoint.addresses)
    .sort();
}
