import type { ClusterHandle } from '../kube/cluster-handle.js';
import { applyObjects } from '../kube/apply.js';
import type { OwnedNamespace } from '../kube/namespace.js';
import type { AdaptedFixture } from './fixtures.js';

/** Where a workload runs, and who wants to know what it applied (the scenario's evidence). */
export interface WorkloadContext {
  readonly namespace: OwnedNamespace;
  readonly cluster: ClusterHandle;
  /** Called with every fixture before it is applied. */
  readonly applied?: (fixture: AdaptedFixture, namespace: OwnedNamespace) => void;
}

export async function applyFixture(context: WorkloadContext, fixture: AdaptedFixture): Promise<void> {
  context.applied?.(fixture, context.namespace);
  await applyObjects(context.namespace, fixture.objects, fixture.source);
}
