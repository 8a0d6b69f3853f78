import { existsSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import { connect, loadKubeConfig, serverVersion, type Kube } from '../kube/client.js';
import { ActionableError, firstLine } from '../support/errors.js';
import { withDeadline } from '../support/wait.js';
import { ImageMixError, officialMap } from './image-map.js';
import { nodeImageMap } from './nodes.js';

/** A cluster that answered through a kubeconfig: clients for it and what it reported. */
export interface ReachedCluster {
  readonly kube: Kube;
  readonly context: string;
  readonly serverVersion: string;
}

/**
 * An existing cluster reached through a kubeconfig. The suite never creates or deletes it;
 * it only works inside namespaces it creates.
 */
export async function existingCluster(
  kubeconfig: string,
  context?: string,
): Promise<{ handle: ClusterHandle; kube: Kube }> {
  const reached = await reachCluster(kubeconfig, context);
  // A cluster the offline toolchain made holds the local stand-ins on its nodes; use them rather than pulling.
  // Nodes that hold stand-ins and official images of one product are refused (ImageMixError).
  const imageMap = await nodeImageMap(reached.kube).catch((error: unknown) => {
    if (error instanceof ImageMixError) throw error;
    return officialMap();
  });
  const handle: ClusterHandle = {
    name: reached.context,
    provider: 'existing',
    kubeconfig,
    context: reached.context,
    createdByThisRun: false,
    serverVersion: reached.serverVersion,
    imageMap,
  };
  return { handle, kube: reached.kube };
}

/** Loads and validates a kubeconfig and asks its API server for its version; each failure is one actionable line. */
export async function reachCluster(kubeconfig: string, context?: string): Promise<ReachedCluster> {
  const remedy =
    'pass a readable kubeconfig with --kubeconfig (or KUBECONFIG), or neither to let the suite create a kind cluster';
  const files = kubeconfig.split(':').filter(Boolean);
  const missing = files.filter((file) => !existsSync(file));
  if (files.length === 0 || missing.length > 0)
    throw new ActionableError(`kubeconfig ${missing.join(', ') || JSON.stringify(kubeconfig)} not found`, remedy);

  let config: KubeConfig;
  try {
    config = loadKubeConfig(kubeconfig);
  } catch (error) {
    throw new ActionableError(`kubeconfig ${kubeconfig} is not a valid kubeconfig (${firstLine(error)})`, remedy);
  }
  if (context) {
    if (!config.getContextObject(context))
      throw new ActionableError(
        `kubeconfig ${kubeconfig} has no context ${context}`,
        `choose one of: ${
          config
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        }`,
      );
    config.setCurrentContext(context);
  }
  const cluster = config.getCurrentCluster();
  if (!config.getCurrentContext() || !cluster)
    throw new ActionableError(`kubeconfig ${kubeconfig} has no current context with a cluster`, remedy);

  const kube = connect(config);
  let version: string;
  try {
    version = await withDeadline(`GET /version from ${cluster.server}`, 15_000, serverVersion(kube));
  } catch (error) {
    throw new ActionableError(
      `the API server ${cluster.server} of kubeconfig ${kubeconfig} does not answer (${firstLine(error)})`,
      'check that the cluster runs and the kubeconfig is current',
    );
  }
  return { kube, context: config.getCurrentContext(), serverVersion: version };
}
