import { execa } from 'execa';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import { ActionableError } from '../support/errors.js';

/**
 * A node made unreachable the way a power cut does it: its kind container stopped, and started
 * again. Only for kind clusters, only for worker nodes of the cluster the run was given, never
 * the control plane: the suite touches no machine it was not handed.
 */
function containerOf(cluster: ClusterHandle, node: string): string {
  if (cluster.provider !== 'kind') {
    throw new ActionableError(
      `cannot stop or start node ${node}: cluster ${cluster.name} is not a kind cluster this suite manages`,
      'run node-failure scenarios on a kind cluster (npm run cluster:up -- --cluster-name NAME --workers 2)',
    );
  }
  if (!node.startsWith(`${cluster.name}-worker`)) {
    throw new ActionableError(
      `refusing to stop or start node ${node}: only worker nodes of kind cluster ${cluster.name} are touched`,
      'the scenario must pick a worker node',
    );
  }
  return node;
}

async function docker(args: string[]): Promise<void> {
  const result = await execa('docker', args, { reject: false, all: true });
  if (result.exitCode !== 0)
    throw new Error(`docker ${args.join(' ')} failed (exit ${result.exitCode}): ${result.all}`);
}

/** Stops the node's container at once (no graceful shutdown of the kubelet or its pods). */
export async function stopNode(cluster: ClusterHandle, node: string): Promise<void> {
  await docker(['stop', '--time', '0', containerOf(cluster, node)]);
}

export async function startNode(cluster: ClusterHandle, node: string): Promise<void> {
  await docker(['start', containerOf(cluster, node)]);
}
