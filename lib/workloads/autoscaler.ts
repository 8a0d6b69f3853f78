import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { HpaObservation } from '../invariants/scale.js';
import { autoscalerCondition } from '../kube/conditions.js';
import { getHorizontalPodAutoscaler } from '../kube/verbs.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { loadFixture } from './fixtures.js';

/** A HorizontalPodAutoscaler from fixtures/web (hpa.yaml on web, hpa-missing-target.yaml on nothing). */
export class Autoscaler {
  private constructor(
    readonly context: WorkloadContext,
    readonly name: string,
  ) {}

  static async deploy(context: WorkloadContext, fixture: 'hpa' | 'hpa-missing-target'): Promise<Autoscaler> {
    await applyFixture(context, await loadFixture(`web/${fixture}.yaml`, context.cluster));
    return new Autoscaler(context, fixture === 'hpa' ? 'web' : 'web-missing');
  }

  /** The autoscaler has tried to get its target's scale: AbleToScale is reported, True or False. */
  waitTriedToScale(): Promise<V2HorizontalPodAutoscaler> {
    return autoscalerCondition(this.context.namespace, this.name, 'AbleToScale', () => true);
  }

  /** The autoscaler has tried to read its metrics: ScalingActive is reported. */
  waitTriedMetrics(): Promise<V2HorizontalPodAutoscaler> {
    return autoscalerCondition(this.context.namespace, this.name, 'ScalingActive', () => true);
  }

  async observe(specReplicas: number | undefined): Promise<HpaObservation & { scalingActive?: string }> {
    const hpa = await getHorizontalPodAutoscaler(this.context.namespace, this.name);
    const condition = (type: string) => hpa.status?.conditions?.find((entry) => entry.type === type);
    const able = condition('AbleToScale');
    const active = condition('ScalingActive');
    return {
      minReplicas: hpa.spec?.minReplicas ?? 1,
      specReplicas,
      ableToScale: able && { status: able.status, reason: able.reason, message: able.message },
      scalingActive: active && `${active.status} (${active.reason}): ${active.message}`,
    };
  }
}
