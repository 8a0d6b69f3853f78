import { execa } from 'execa';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import { connect, serverVersion } from '../kube/client.js';
import { ActionableError } from '../support/errors.js';
import { waitFor } from '../support/wait.js';

/**
 * Faults the disruptive scenarios inflict on a kind cluster's control plane, through the node
 * container (docker exec ... crictl). Only a kind cluster the run reached by name qualifies:
 * the suite never disrupts a cluster it was given through a kubeconfig.
 */

export interface ApiServerRestart {
  readonly stoppedContainer: string;
  readonly newContainer: string;
  /** From the stop until the API server answered an authorized request again. */
  readonly outageMs: number;
}

function controlPlaneNode(cluster: ClusterHandle): string {
  if (cluster.provider !== 'kind')
    throw new ActionableError(
      `cannot restart the API server of ${cluster.name}: it is not a kind cluster the suite reached by name`,
      'run disruptive scenarios with --cluster-name on a kind cluster of your own, not with --kubeconfig',
    );
  return `${cluster.name}-control-plane`;
}

async function apiServerContainer(node: string): Promise<string> {
  const { stdout } = await execa('docker', [
    'exec',
    node,
    'crictl',
    'ps',
    '--name',
    '^kube-apiserver$',
    '--state',
    'Running',
    '-q',
  ]);
  return stdout.trim().split('\n')[0] ?? '';
}

/**
 * Stops the kube-apiserver container of the control-plane node; kubelet starts a new one (the
 * static pod's restartPolicy). Returns once a new container runs and the API server answers an
 * authorized request, i.e. after its RBAC cache has loaded.
 */
export async function restartApiServer(cluster: ClusterHandle): Promise<ApiServerRestart> {
  const node = controlPlaneNode(cluster);
  const stoppedContainer = await apiServerContainer(node);
  if (!stoppedContainer) throw new Error(`no running kube-apiserver container on node ${node}`);
  const started = Date.now();
  await execa('docker', ['exec', node, 'crictl', 'stop', stoppedContainer]);
  const kube = connect(cluster);
  const newContainer = await waitFor(
    `a new kube-apiserver container on ${node} to answer an authorized request`,
    async () => {
      const current = await apiServerContainer(node).catch(() => '');
      if (!current || current === stoppedContainer)
        return { done: false, observed: current ? 'the old container still runs' : 'no container running' };
      // An unauthenticated /version answers before RBAC is loaded; a namespaced list does not.
      await serverVersion(kube);
      await kube.core.listNamespacedPod({ namespace: 'kube-system', limit: 1 });
      return { done: true, value: current };
    },
    { timeoutMs: 180_000, intervalMs: 250 },
  );
  return { stoppedContainer, newContainer, outageMs: Date.now() - started };
}
