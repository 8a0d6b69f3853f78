import { claimBound, podRunningAndReady } from '../kube/conditions.js';
import { execInPod } from '../kube/exec.js';
import { getClaim } from '../kube/verbs.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { loadFixture } from './fixtures.js';

/** fixtures/smoke/claim-writer.yaml: a claim of the default class, and a pod that writes to it. */
export class ClaimWriter {
  readonly claimName = 'probe';
  readonly podName = 'claim-writer';

  private constructor(readonly context: WorkloadContext) {}

  static async deploy(context: WorkloadContext): Promise<ClaimWriter> {
    // The claim names no class (the storage-class transform only touches claim templates): the default serves it.
    await applyFixture(context, await loadFixture('smoke/claim-writer.yaml', context.cluster));
    return new ClaimWriter(context);
  }

  async waitWritten() {
    await podRunningAndReady(this.context.namespace, this.podName);
    return claimBound(this.context.namespace, this.claimName);
  }

  async storageClassOfClaim(): Promise<string | undefined> {
    return (await getClaim(this.context.namespace, this.claimName)).spec?.storageClassName;
  }

  async readBack(): Promise<string> {
    const result = await execInPod(this.context.namespace, this.podName, ['cat', '/data/probe']);
    return result.stdout.trim();
  }
}
