import { Findings, verdict, type Verdict } from './verdict.js';

/**
 * Scaling from outside the StatefulSet, judged on what the API server answered.
 *
 * - The scale subresource (pkg/registry/apps/statefulset/storage/storage.go, scaleFromStatefulSet
 *   in v1.34) is the StatefulSet's spec.replicas, status.replicas and its selector as a string;
 *   writing it writes spec.replicas (upstream e2e #14).
 * - "If you need to scale a StatefulSet, use kubectl scale ... If you later kubectl apply a
 *   manifest that sets .spec.replicas, the manual scale is overwritten" (G18). With server-side
 *   apply, a manual scale takes the replicas field from the applier: a manifest that leaves
 *   replicas out keeps the scale, which is what the documentation recommends next to an HPA.
 * - A HorizontalPodAutoscaler resolves its target through the scale subresource and, before any
 *   metric, brings replicas into [minReplicas, maxReplicas] (pkg/controller/podautoscaler
 *   horizontal.go reconcileAutoscaler: "Current number of replicas below Spec.MinReplicas").
 */

export interface ScaleObservation {
  /** What was observed, e.g. "after kubectl scale to 3". */
  readonly when: string;
  readonly scale: { readonly specReplicas?: number; readonly statusReplicas?: number; readonly selector?: string };
  readonly set: { readonly specReplicas?: number; readonly statusReplicas?: number; readonly selector: string };
}

/** Each read of the scale subresource names the StatefulSet's own replicas and selector. */
export function scaleMatchesSet(observations: readonly ScaleObservation[]): Verdict {
  const findings = new Findings();
  for (const { when, scale, set } of observations) {
    const differences: string[] = [];
    if (scale.specReplicas !== set.specReplicas)
      differences.push(`spec.replicas ${scale.specReplicas} against ${set.specReplicas}`);
    if (scale.statusReplicas !== set.statusReplicas)
      differences.push(`status.replicas ${scale.statusReplicas} against ${set.statusReplicas}`);
    if (scale.selector !== set.selector) differences.push(`selector "${scale.selector}" against "${set.selector}"`);
    if (differences.length > 0)
      findings.add(
        'scale-disagrees-with-set',
        `${when}: the scale subresource said ${differences.join(', ')} of the StatefulSet`,
      );
  }
  if (observations.length === 0) findings.add('no-observations', 'the scale subresource was never read');
  return findings.verdict(
    'the scale subresource is the StatefulSet',
    `${observations.length} read(s) of the scale subresource`,
  );
}

/** After a manual scale to `manualScale`, applying a manifest leaves spec.replicas at the manifest's value, or at the scale if the manifest has none. */
export function replicasAfterApply(observed: {
  readonly manualScale: number;
  readonly manifestReplicas?: number;
  readonly specReplicasAfterApply?: number;
}): Verdict {
  const { manualScale, manifestReplicas, specReplicasAfterApply } = observed;
  const expected = manifestReplicas ?? manualScale;
  const findings = new Findings();
  if (specReplicasAfterApply === undefined)
    findings.add('no-observations', 'spec.replicas was not read after the apply');
  else if (specReplicasAfterApply !== expected)
    findings.add(
      manifestReplicas === undefined ? 'manual-scale-overwritten' : 'manual-scale-kept',
      `spec.replicas was ${specReplicasAfterApply} after applying a manifest ${manifestReplicas === undefined ? 'without replicas' : `with replicas ${manifestReplicas}`} over a manual scale to ${manualScale}: expected ${expected}`,
    );
  return findings.verdict(
    'apply and a manual scale',
    `manual scale ${manualScale}, manifest replicas ${manifestReplicas ?? 'absent'}, spec.replicas after the apply ${specReplicasAfterApply ?? 'unread'}`,
  );
}

export interface HpaObservation {
  readonly minReplicas: number;
  readonly specReplicas?: number;
  /** The AbleToScale condition: status and reason. */
  readonly ableToScale?: { readonly status?: string; readonly reason?: string; readonly message?: string };
}

/** The HPA got its target's scale and brought spec.replicas up to minReplicas. */
export function hpaScalesTarget(observed: HpaObservation): Verdict {
  const findings = new Findings();
  const able = observed.ableToScale;
  if (!able)
    return verdict(
      'HPA resolves and scales its target',
      'no AbleToScale condition',
      [],
      ['the HPA reported no AbleToScale condition'],
    );
  if (able.status !== 'True')
    findings.add(
      'hpa-scale-unresolved',
      `AbleToScale was ${able.status} (${able.reason}: ${able.message}): expected the HPA to get the StatefulSet's scale`,
    );
  if (observed.specReplicas !== observed.minReplicas)
    findings.add(
      'hpa-scale-unresolved',
      `spec.replicas was ${observed.specReplicas}: expected minReplicas ${observed.minReplicas}`,
    );
  return findings.verdict(
    'HPA resolves and scales its target',
    `AbleToScale ${able.status} (${able.reason}), spec.replicas ${observed.specReplicas}, minReplicas ${observed.minReplicas}`,
  );
}
