import { claimsGone, claimStaysAbsent, claimTerminating, podRunningAndReady } from '../kube/conditions.js';
import { deleteClaim, getClaim, patchPod } from '../kube/verbs.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { loadFixture } from './fixtures.js';

/**
 * fixtures/web/claim-lookalikes.yaml (and its late pod): pods and claims named like the web
 * StatefulSet's, made by no controller. The negative control of "the claims of pending pods
 * exist": the same steps as on the StatefulSet, with nobody to make a claim again or to hold a
 * pod back from a terminating claim.
 */
export class ClaimLookalikes {
  private constructor(readonly context: WorkloadContext) {}

  static async deploy(context: WorkloadContext): Promise<ClaimLookalikes> {
    await applyFixture(context, await loadFixture('web/claim-lookalikes.yaml', context.cluster));
    return new ClaimLookalikes(context);
  }

  private get ns() {
    return this.context.namespace;
  }

  /** claim-holder runs with data-web-1 mounted. */
  async waitHolderReady(): Promise<void> {
    await podRunningAndReady(this.ns, 'claim-holder');
  }

  /** Deletes the claim and returns the UID it had. */
  async deleteClaim(name: string): Promise<string> {
    const uid = (await getClaim(this.ns, name)).metadata?.uid ?? '';
    await deleteClaim(this.ns, name);
    return uid;
  }

  waitClaimGone(name: string, uid: string): Promise<void> {
    return claimsGone(this.ns, [{ name, uid }]);
  }

  async waitClaimTerminating(name: string): Promise<void> {
    await claimTerminating(this.ns, name);
  }

  /** Removes web-0's scheduling gate, as the scenario releases the StatefulSet's web-0. */
  async release(pod: string): Promise<void> {
    await patchPod(this.ns, pod, { spec: { schedulingGates: null } }, 'scheduling gates removed');
  }

  /** Applies web-1 on data-web-1, which is terminating by now. */
  async applyLatePod(): Promise<void> {
    await applyFixture(this.context, await loadFixture('web/claim-lookalike-late-pod.yaml', this.context.cluster));
  }

  confirmClaimAbsentFor(name: string, durationMs: number): Promise<void> {
    return claimStaysAbsent(this.ns, name, durationMs);
  }
}
