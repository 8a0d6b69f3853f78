import { execa } from 'execa';

/**
 * What a kind node's container runtime runs, asked with crictl inside the node: the ground truth
 * the API cannot give. The API server never holds two pods of one name, so it cannot show an
 * identity with two pods; a kubelet that lost contact (or was replaced mid-upgrade) can still run
 * the old pod's containers after its API object is gone and the replacement started elsewhere.
 */

export interface RuntimeContainer {
  readonly node: string;
  readonly namespace: string;
  readonly pod: string;
  readonly podUid: string;
  readonly container: string;
}

/** `crictl ps -o json` of one node: its running containers with the pod labels the kubelet sets. */
export function parseCrictlContainers(node: string, json: string): RuntimeContainer[] {
  const parsed = JSON.parse(json) as {
    containers?: Array<{ state?: string; labels?: Record<string, string> }>;
  };
  return (parsed.containers ?? [])
    .filter((container) => container.state === 'CONTAINER_RUNNING')
    .map((container) => {
      const labels = container.labels ?? {};
      return {
        node,
        namespace: labels['io.kubernetes.pod.namespace'] ?? '',
        pod: labels['io.kubernetes.pod.name'] ?? '',
        podUid: labels['io.kubernetes.pod.uid'] ?? '',
        container: labels['io.kubernetes.container.name'] ?? '',
      };
    })
    .filter((container) => container.pod !== '' && container.podUid !== '');
}

/** The running containers of pods in `namespace` on a kind node (its container name). */
export async function runningContainers(node: string, namespace: string): Promise<RuntimeContainer[]> {
  const { stdout } = await execa(
    'docker',
    [
      'exec',
      node,
      'crictl',
      'ps',
      '--state',
      'running',
      '--label',
      `io.kubernetes.pod.namespace=${namespace}`,
      '-o',
      'json',
    ],
    { timeout: 20_000 },
  );
  return parseCrictlContainers(node, stdout);
}

/** The node containers of a kind cluster, by role. */
export async function kindNodes(cluster: string): Promise<{ name: string; role: string }[]> {
  const { stdout } = await execa('docker', [
    'ps',
    '--filter',
    `label=io.x-k8s.kind.cluster=${cluster}`,
    '--format',
    '{{.Names}} {{.Label "io.x-k8s.kind.role"}}',
  ]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', role = ''] = line.split(' ');
      return { name, role };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
