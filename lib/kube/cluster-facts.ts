import { request } from 'node:https';
import type { Kube } from './client.js';

/**
 * The facts a verdict depends on: the Kubernetes version and the feature gates that change the
 * StatefulSet controller's rules. Gates are read from the API server's
 * `kubernetes_feature_enabled` metric; kube-controller-manager's own are not reachable through
 * the API, so the report says where the value came from (on kind, one config sets both).
 */
export interface ControllerContract {
  readonly serverVersion: string;
  /** MaxUnavailableStatefulSet: rolling updates may take down up to maxUnavailable pods at once. */
  readonly maxUnavailableStatefulSet: boolean;
  /** Every gate the API server lists, on or off (empty when the metric could not be read). */
  readonly gates: Readonly<Record<string, boolean>>;
  /** Where the gate values came from, or why they are assumed. */
  readonly gatesSource: string;
  /** Nodes without the control-plane role: what a node-failure scenario can stop. */
  readonly workers: number;
}

/** Defaults of the gates by version (pkg/features/kube_features.go): MaxUnavailableStatefulSet is alpha, off, through v1.34. */
function defaultGates(): Pick<ControllerContract, 'maxUnavailableStatefulSet'> {
  return { maxUnavailableStatefulSet: false };
}

/** `kubernetes_feature_enabled{name="X",stage="ALPHA"} 1` -> X: true */
export function parseFeatureGates(metrics: string): Map<string, boolean> {
  const gates = new Map<string, boolean>();
  for (const line of metrics.split('\n')) {
    const match = /^kubernetes_feature_enabled\{[^}]*name="([^"]+)"[^}]*\}\s+([01])/.exec(line);
    if (match) gates.set(match[1] as string, match[2] === '1');
  }
  return gates;
}

export async function readControllerContract(kube: Kube, serverVersion: string): Promise<ControllerContract> {
  const workers = await countWorkers(kube);
  try {
    const gates = parseFeatureGates(await getRaw(kube, '/metrics'));
    const maxUnavailable = gates.get('MaxUnavailableStatefulSet');
    if (maxUnavailable === undefined) throw new Error('the metric does not list MaxUnavailableStatefulSet');
    return {
      serverVersion,
      maxUnavailableStatefulSet: maxUnavailable,
      gates: Object.fromEntries(gates),
      gatesSource: "the API server's kubernetes_feature_enabled metric",
      workers,
    };
  } catch (error) {
    return {
      serverVersion,
      ...defaultGates(),
      gates: {},
      gatesSource: `defaults for ${serverVersion} (the API server's metrics could not be read: ${error instanceof Error ? error.message : String(error)})`,
      workers,
    };
  }
}

/** Nodes without the control-plane role label (kubeadm's node-role.kubernetes.io/control-plane). */
async function countWorkers(kube: Kube): Promise<number> {
  try {
    const nodes = (await kube.core.listNode()).items;
    return nodes.filter((node) => !('node-role.kubernetes.io/control-plane' in (node.metadata?.labels ?? {}))).length;
  } catch {
    return 0;
  }
}

/** GET a non-resource path of the API server with the kubeconfig's credentials. */
async function getRaw(kube: Kube, path: string): Promise<string> {
  const server = kube.config.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig names no server');
  const url = new URL(path, server);
  const options: Parameters<typeof request>[1] = { method: 'GET', headers: {} };
  await kube.config.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(url, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        response.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${path}: HTTP ${response.statusCode}`)),
      );
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`GET ${path}: no answer in 15 s`)));
    req.on('error', reject);
    req.end();
  });
}
