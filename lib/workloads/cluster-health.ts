import type { Kube } from '../kube/client.js';
import { isPodReady } from '../kube/conditions.js';
import { clusterReads } from '../kube/verbs.js';

/** What the smoke check asks of a fresh cluster, read in one go (cluster-wide reads only). */
export interface ClusterHealth {
  readonly nodes: ReadonlyArray<{ name: string; ready: boolean; kubelet: string }>;
  readonly systemPods: ReadonlyArray<{ name: string; phase: string; ready: boolean }>;
  readonly storageClasses: ReadonlyArray<{ name: string; isDefault: boolean; provisioner: string }>;
  /** Events that show an image pull was attempted or failed, anywhere in the cluster. */
  readonly pullEvents: readonly string[];
  /** Containers waiting with ErrImagePull or ImagePullBackOff, anywhere in the cluster. */
  readonly pullFailures: readonly string[];
  /** "Pulled" events: with IfNotPresent and a present image, kubelet says "already present on machine". */
  readonly presentImageEvents: number;
}

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export async function readClusterHealth(kube: Kube): Promise<ClusterHealth> {
  const [nodes, systemPods, storageClasses, events, pods] = await Promise.all([
    clusterReads.nodes(kube),
    clusterReads.podsIn(kube, 'kube-system'),
    clusterReads.storageClasses(kube),
    clusterReads.allEvents(kube),
    clusterReads.allPods(kube),
  ]);
  const pullEvents = events
    .filter(
      (event) =>
        event.reason === 'Pulling' ||
        ((event.reason === 'Failed' || event.reason === 'BackOff') && /pull/i.test(event.message ?? '')) ||
        (event.reason === 'Pulled' && !/already present/i.test(event.message ?? '')),
    )
    .map((event) => `${event.metadata?.namespace}/${event.involvedObject.name}: ${event.reason}: ${event.message}`);
  const pullFailures = pods.flatMap((pod) =>
    [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]
      .filter((status) => ['ErrImagePull', 'ImagePullBackOff'].includes(status.state?.waiting?.reason ?? ''))
      .map(
        (status) =>
          `${pod.metadata?.namespace}/${pod.metadata?.name}/${status.name}: ${status.state?.waiting?.reason} ${status.image}`,
      ),
  );
  return {
    nodes: nodes.map((node) => ({
      name: node.metadata?.name ?? '',
      ready:
        node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ??
        false,
      kubelet: node.status?.nodeInfo?.kubeletVersion ?? '',
    })),
    systemPods: systemPods.map((pod) => ({
      name: pod.metadata?.name ?? '',
      phase: pod.status?.phase ?? '',
      ready: isPodReady(pod),
    })),
    storageClasses: storageClasses.map((storageClass) => ({
      name: storageClass.metadata?.name ?? '',
      isDefault: storageClass.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
      provisioner: storageClass.provisioner,
    })),
    pullEvents,
    pullFailures,
    presentImageEvents: events.filter(
      (event) => event.reason === 'Pulled' && /already present/i.test(event.message ?? ''),
    ).length,
  };
}
