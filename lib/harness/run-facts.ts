import { execa } from 'execa';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import { call, type Kube } from '../kube/client.js';
import type { ControllerContract } from '../kube/cluster-facts.js';
import type { ClusterFacts, NodeFacts } from '../results/schema.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** What out/results.json says about the cluster: read once by the global setup. */
    clusterFacts: ClusterFacts;
  }
}

/**
 * The facts of the cluster a run's results carry, read once when the run starts: the versions
 * (server, kubelets, runtime, kind and its node image), the feature gates the controller
 * contract was read with, the images the control plane runs, and the offline image map. Each
 * fact that cannot be read is left out rather than failing the run: the results are evidence
 * about the run, not a precondition of it.
 */
export async function readClusterFacts(
  handle: ClusterHandle,
  kube: Kube,
  contract: ControllerContract,
): Promise<ClusterFacts> {
  const [nodes, systemImages, kindVersion] = await Promise.all([
    readNodes(kube),
    readSystemImages(kube),
    handle.provider === 'kind' && handle.kindBinary ? readKindVersion(handle.kindBinary) : undefined,
  ]);
  return {
    name: handle.name,
    provider: handle.provider,
    serverVersion: contract.serverVersion,
    gates: gatesOf(contract),
    gatesSource: contract.gatesSource,
    nodes,
    ...(kindVersion ? { kindVersion } : {}),
    // official reference -> what ran, with its mode and version, so `compare` sees a stand-in
    // replaced by an official image, or a stand-in's version moving.
    imageMap: Object.fromEntries(
      handle.imageMap.map((entry) => [
        entry.official,
        `${entry.image ?? entry.official} (${entry.mode}: ${entry.product} ${entry.version})`,
      ]),
    ),
    systemImages,
  };
}

/** Every gate the contract lists when it lists them; else the ones the rules depend on. */
function gatesOf(contract: ControllerContract): Record<string, boolean> {
  const listed = (contract as { gates?: Readonly<Record<string, boolean>> }).gates;
  if (listed && Object.keys(listed).length > 0) return { ...listed };
  return { MaxUnavailableStatefulSet: contract.maxUnavailableStatefulSet };
}

async function readNodes(kube: Kube): Promise<NodeFacts[]> {
  const list = await call('list nodes', () => kube.core.listNode()).catch(() => undefined);
  const nodes: NodeFacts[] = [];
  for (const node of list?.items ?? []) {
    const name = node.metadata?.name ?? '';
    const info = node.status?.nodeInfo;
    const image = await kindNodeImage(name);
    nodes.push({
      name,
      roles: Object.keys(node.metadata?.labels ?? {})
        .filter((label) => label.startsWith('node-role.kubernetes.io/'))
        .map((label) => label.slice('node-role.kubernetes.io/'.length))
        .sort(),
      kubeletVersion: info?.kubeletVersion ?? '',
      containerRuntime: info?.containerRuntimeVersion ?? '',
      osImage: info?.osImage ?? '',
      kernel: info?.kernelVersion ?? '',
      ...(image ? { image } : {}),
    });
  }
  return nodes.sort((a, b) => a.name.localeCompare(b.name));
}

/** A kind node is a local container of the node's name, labelled by kind: its image is the node image. */
async function kindNodeImage(node: string): Promise<string | undefined> {
  if (!node) return undefined;
  const inspected = await execa(
    'docker',
    [
      'inspect',
      '--type',
      'container',
      '--format',
      '{{.Config.Image}}|{{index .Config.Labels "io.x-k8s.kind.cluster"}}',
      node,
    ],
    { reject: false, timeout: 10_000 },
  ).catch(() => undefined);
  if (!inspected || inspected.exitCode !== 0) return undefined;
  const [image, cluster] = inspected.stdout.trim().split('|');
  return image && cluster ? image : undefined;
}

async function readSystemImages(kube: Kube): Promise<string[]> {
  const pods = await call('list pods in kube-system', () =>
    kube.core.listNamespacedPod({ namespace: 'kube-system' }),
  ).catch(() => undefined);
  const images = new Set<string>();
  for (const pod of pods?.items ?? [])
    for (const container of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])])
      images.add(container.image ?? '');
  images.delete('');
  return [...images].sort();
}

/** "kind v0.31.0 go1.26.8 linux/amd64" -> "v0.31.0" */
async function readKindVersion(binary: string): Promise<string | undefined> {
  const result = await execa(binary, ['version'], { reject: false, timeout: 10_000 }).catch(() => undefined);
  return result?.exitCode === 0 ? /\bv\d+\.\d+\.\d+\S*/.exec(result.stdout)?.[0] : undefined;
}
