import type { V1Node } from '@kubernetes/client-node';
import type { Kube } from '../kube/client.js';
import { clusterReads } from '../kube/verbs.js';
import { waitFor, withDeadline } from '../support/wait.js';
import type { ImageMapEntry } from '../kube/cluster-handle.js';
import { imageMapFromNodes } from './image-map.js';

/** Nodes are cluster-scoped: only ever read, never changed. */
function listNodes(kube: Kube): Promise<V1Node[]> {
  return withDeadline('list Nodes', 15_000, clusterReads.nodes(kube));
}

function imageNamesOf(node: V1Node): string[] {
  return (node.status?.images ?? []).flatMap((image) => image.names ?? []);
}

/** The image map the nodes' reported images imply (see image-map.ts). */
export async function nodeImageMap(kube: Kube): Promise<ImageMapEntry[]> {
  const nodes = await listNodes(kube);
  return imageMapFromNodes(nodes.map(imageNamesOf));
}

/**
 * Waits until every node reports the loaded images in its status. kubelet refreshes that list
 * periodically, so right after `kind load` a client reading node status would not see them yet.
 */
export async function waitForNodeImages(kube: Kube, expected: readonly string[]): Promise<void> {
  await waitFor(
    `every node to report ${expected.join(', ')} among its images`,
    async () => {
      const nodes = await listNodes(kube);
      const missing = expected.filter((image) => !nodes.every((node) => imageNamesOf(node).includes(image)));
      return missing.length === 0
        ? { done: true, value: undefined }
        : { done: false, observed: `not yet reported: ${missing.join(', ')}` };
    },
    { timeoutMs: 120_000, intervalMs: 2000 },
  );
}

/** kind's `--wait` covers the control plane only; workers join and become Ready afterwards. */
export async function waitForNodesReady(kube: Kube, expectedNodes: number): Promise<void> {
  await waitFor(
    `all ${expectedNodes} node(s) to be Ready`,
    async () => {
      const nodes = await listNodes(kube);
      const notReady = nodes
        .filter(
          (node) =>
            !node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'),
        )
        .map((node) => node.metadata?.name ?? '?');
      return nodes.length >= expectedNodes && notReady.length === 0
        ? { done: true, value: undefined }
        : {
            done: false,
            observed: `${nodes.length} node(s)${notReady.length > 0 ? `, not Ready: ${notReady.join(', ')}` : ''}`,
          };
    },
    { timeoutMs: 180_000, intervalMs: 1000 },
  );
}
