import { startNode, stopNode } from '../cluster/node-faults.js';
import { nodeReadiness } from '../kube/conditions.js';
import type { WorkloadContext } from './context.js';

/**
 * A worker node that goes away as if its power was cut (its kind container stopped) and comes
 * back. Whatever happens, `restore` starts it again: the scenario calls it in its last step and
 * the cluster is the scenario's own, deleted afterwards.
 */
export class NodeOutage {
  private stopped = false;

  constructor(
    readonly context: WorkloadContext,
    readonly node: string,
  ) {}

  async cut(): Promise<void> {
    this.stopped = true;
    await stopNode(this.context.cluster, this.node);
  }

  waitNotReady(): Promise<void> {
    return nodeReadiness(this.context.namespace.kube, this.node, false);
  }

  async restore(): Promise<void> {
    if (!this.stopped) return;
    await startNode(this.context.cluster, this.node);
    this.stopped = false;
    await nodeReadiness(this.context.namespace.kube, this.node, true);
  }
}
