import { podFailed, podGone, podRunningAndReady } from '../kube/conditions.js';
import { deletePod } from '../kube/verbs.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { loadFixture } from './fixtures.js';
import { nodeName } from './transforms.js';

/** The host port fixtures/web/port-holder.yaml holds. */
export const HELD_PORT = 21873;

/** fixtures/web/port-holder.yaml: a pod that holds HELD_PORT on its node. */
export class PortHolder {
  private constructor(readonly context: WorkloadContext) {}

  static async deploy(context: WorkloadContext): Promise<PortHolder> {
    await applyFixture(context, await loadFixture('web/port-holder.yaml', context.cluster));
    return new PortHolder(context);
  }

  /** Running and Ready; returns the node it holds the port on. */
  async waitReady(): Promise<string> {
    const pod = await podRunningAndReady(this.context.namespace, 'port-holder');
    const node = pod.spec?.nodeName;
    if (!node) throw new Error(`Pod ${this.context.namespace.name}/port-holder is Ready but names no node`);
    return node;
  }

  /** Deletes it and waits until it is gone: the port is free. */
  async remove(): Promise<void> {
    await deletePod(this.context.namespace, 'port-holder');
    await podGone(this.context.namespace, 'port-holder');
  }

  /** The negative control's bare web-0 (fixtures/web/failed-lookalike.yaml), sent to `node`; waits until it failed. */
  async applyFailingLookalike(node: string): Promise<void> {
    await applyFixture(
      this.context,
      await loadFixture('web/failed-lookalike.yaml', this.context.cluster, [nodeName(node)]),
    );
    await podFailed(this.context.namespace, 'web-0');
  }
}
