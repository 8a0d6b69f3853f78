import type { ExpectedIdentity, PodIdentityObservation } from '../invariants/identity.js';
import { podRunningAndReady } from '../kube/conditions.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { loadFixture } from './fixtures.js';
import { readPodIdentity } from './pod-identity.js';

/**
 * fixtures/identity/lookalike-pods.yaml: bare pods web-0..web-2 behind a headless Service `web`,
 * named and labelled like the `web` StatefulSet's but made by no controller. The negative control
 * of the identity check: everything the check reads is there, except what the controller sets.
 */
export class LookalikePods {
  readonly serviceName = 'web';
  readonly ordinals = [0, 1, 2] as const;

  private constructor(readonly context: WorkloadContext) {}

  static async deploy(context: WorkloadContext): Promise<LookalikePods> {
    await applyFixture(context, await loadFixture('identity/lookalike-pods.yaml', context.cluster));
    return new LookalikePods(context);
  }

  podName(ordinal: number): string {
    return `web-${ordinal}`;
  }

  async waitReady(): Promise<void> {
    for (const ordinal of this.ordinals) await podRunningAndReady(this.context.namespace, this.podName(ordinal));
  }

  identity(ordinal: number): Promise<PodIdentityObservation> {
    return readPodIdentity(this.context.namespace, this.podName(ordinal), 'web');
  }

  /** What a StatefulSet `web` governed by the Service `web` would give these names. */
  expectedIdentity(ordinals: readonly number[]): ExpectedIdentity {
    return {
      pods: ordinals.map((ordinal) => this.podName(ordinal)),
      serviceName: this.serviceName,
      namespace: this.context.namespace.name,
    };
  }
}
