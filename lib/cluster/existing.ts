import { existsSync } from 'node:fs';
import { CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { ActionableError, firstLine } from '../support/errors.js';
import { waitFor, withDeadline } from '../support/wait.js';
import { imageMapFromNodes } from './local-images.js';
import type { ClusterHandle } from './provider.js';

/**
 * An existing cluster reached through a kubeconfig. The suite never creates or deletes it;
 * it only works inside namespaces it creates.
 */
export async function existingCluster(kubeconfig: string, context?: string): Promise<ClusterHandle> {
  const remedy = 'pass a readable kubeconfig with --kubeconfig (or KUBECONFIG), or neither to let the suite create a kind cluster';
  const files = kubeconfig.split(':').filter(Boolean);
  const missing = files.filter((file) => !existsSync(file));
  if (files.length === 0 || missing.length > 0) throw new ActionableError(`kubeconfig ${missing.join(', ') || JSON.stringify(kubeconfig)} not found`, remedy);

  const config = new KubeConfig();
  try {
    if (files.length === 1) config.loadFromFile(files[0] as string);
    else config.loadFromDefault({}, false);
  } catch (error) {
    throw new ActionableError(`kubeconfig ${kubeconfig} is not a valid kubeconfig (${firstLine(error)})`, remedy);
  }
  if (context) {
    if (!config.getContextObject(context)) throw new ActionableError(`kubeconfig ${kubeconfig} has no context ${context}`, `choose one of: ${config.getContexts().map((c) => c.name).join(', ') || 'none'}`);
    config.setCurrentContext(context);
  }
  const cluster = config.getCurrentCluster();
  if (!config.getCurrentContext() || !cluster) throw new ActionableError(`kubeconfig ${kubeconfig} has no current context with a cluster`, remedy);

  let serverVersion: string;
  try {
    const version = await withDeadline(`GET /version from ${cluster.server}`, 15_000, config.makeApiClient(VersionApi).getCode());
    serverVersion = version.gitVersion;
  } catch (error) {
    throw new ActionableError(`the API server ${cluster.server} of kubeconfig ${kubeconfig} does not answer (${firstLine(error)})`, 'check that the cluster runs and the kubeconfig is current');
  }
  // A cluster the offline toolchain made holds the local stand-ins on its nodes; use them rather than pulling.
  const imageMap = await nodeImageMap(config).catch(() => ({}));
  return {
    name: config.getCurrentContext(),
    provider: 'existing',
    kubeconfig,
    context: config.getCurrentContext(),
    createdByThisRun: false,
    serverVersion,
    imageMap,
  };
}

/** The image map the nodes' reported images imply (see local-images.ts). */
export async function nodeImageMap(config: KubeConfig): Promise<Record<string, string>> {
  const nodes = await withDeadline('list Nodes', 15_000, config.makeApiClient(CoreV1Api).listNode());
  return imageMapFromNodes(nodes.items.map((node) => (node.status?.images ?? []).flatMap((image) => image.names ?? [])));
}

/**
 * Waits until every node reports the loaded images in its status. kubelet refreshes that list
 * periodically, so right after `kind load` a client reading node status would not see them yet.
 */
export async function waitForNodeImages(kubeconfig: string, expected: Readonly<Record<string, string>>): Promise<void> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const wanted = Object.entries(expected);
  await waitFor(
    `every node to report ${Object.values(expected).join(', ')} among its images`,
    async () => {
      const map = await nodeImageMap(config);
      const missing = wanted.filter(([upstream, local]) => map[upstream] !== local).map(([, local]) => local);
      return missing.length === 0 ? { done: true, value: undefined } : { done: false, observed: `not yet reported: ${missing.join(', ')}` };
    },
    { timeoutMs: 120_000, intervalMs: 2000 },
  );
}

/** kind's `--wait` covers the control plane only; workers join and become Ready afterwards. */
export async function waitForNodesReady(kubeconfig: string, expectedNodes: number): Promise<void> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const core = config.makeApiClient(CoreV1Api);
  await waitFor(
    `all ${expectedNodes} node(s) to be Ready`,
    async () => {
      const nodes = (await withDeadline('list Nodes', 15_000, core.listNode())).items;
      const notReady = nodes
        .filter((node) => !node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'))
        .map((node) => node.metadata?.name ?? '?');
      return nodes.length >= expectedNodes && notReady.length === 0
        ? { done: true, value: undefined }
        : { done: false, observed: `${nodes.length} node(s)${notReady.length > 0 ? `, not Ready: ${notReady.join(', ')}` : ''}` };
    },
    { timeoutMs: 180_000, intervalMs: 1000 },
  );
}
