import { getConfigMap } from '../kube/verbs.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { loadFixture } from './fixtures.js';

/** An ownerReference that makes an object the controller of another. */
export interface ControllerOwner {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller: true;
}

/** The ConfigMap of fixtures/web/claim-keeper.yaml, applied, as a controller ownerReference. */
export async function deployClaimKeeper(context: WorkloadContext): Promise<ControllerOwner> {
  await applyFixture(context, await loadFixture('web/claim-keeper.yaml', context.cluster));
  const keeper = await getConfigMap(context.namespace, 'claim-keeper');
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: 'claim-keeper',
    uid: keeper.metadata?.uid ?? '',
    controller: true,
  };
}
