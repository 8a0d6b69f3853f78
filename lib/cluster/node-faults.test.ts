import { describe, expect, it } from 'vitest';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import { startNode, stopNode } from './node-faults.js';

const kind: ClusterHandle = {
  name: 'sts-nodes',
  provider: 'kind',
  kubeconfig: '/dev/null',
  createdByThisRun: false,
  serverVersion: 'v1.34.10',
  imageMap: [],
};

describe('node faults', () => {
  it('refuse the control plane, another cluster and clusters the suite does not manage, before touching docker', async () => {
    await expect(stopNode(kind, 'sts-nodes-control-plane')).rejects.toThrow(
      /only worker nodes of kind cluster sts-nodes are touched/,
    );
    await expect(startNode(kind, 'sts-dev-worker')).rejects.toThrow(/refusing to stop or start node sts-dev-worker/);
    await expect(stopNode({ ...kind, provider: 'existing' }, 'sts-nodes-worker')).rejects.toThrow(
      /not a kind cluster this suite manages/,
    );
  });
});
