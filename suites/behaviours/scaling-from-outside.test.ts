/**
 * Scaling a StatefulSet from outside: the scale subresource (upstream e2e #14) that `kubectl
 * scale` and autoscalers use; "if you later kubectl apply a manifest that sets .spec.replicas,
 * the manual scale is overwritten", so next to an autoscaler a manifest should leave replicas
 * out (G18); and a HorizontalPodAutoscaler that resolves the StatefulSet's scale and sets it.
 *
 * The manifests are applied the way the suite applies everything: server-side apply with force
 * (as `kubectl apply --server-side --force-conflicts`). What needs a metrics pipeline (scaling on
 * CPU) is reported from the autoscaler's own ScalingActive condition, not faked.
 */
import {
  hpaScalesTarget,
  replicasAfterApply,
  scaleMatchesSet,
  type ScaleObservation,
} from '../../lib/invariants/scale.js';
import { describe, test } from '../../lib/harness/scenario.js';
import { Autoscaler } from '../../lib/workloads/autoscaler.js';
import { WebStatefulSet } from '../../lib/workloads/web.js';
import { BEHAVIOUR_DOCS } from './docs.js';

describe('scaling from outside the StatefulSet', () => {
  test('the scale subresource is the StatefulSet; a manifest with replicas applied after kubectl scale overwrites it, one without keeps it; an HPA with minReplicas 4 scales web through it', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Scaling', docs: BEHAVIOUR_DOCS.replicas });
    const observations: ScaleObservation[] = [];
    const web = await scenario.step('apply web with 2 replicas', () =>
      WebStatefulSet.deploy(scenario, { replicas: 2 }),
    );
    await scenario.step('web has 2 Ready replicas', () => web.waitReady(2));
    observations.push(await scenario.step('read the scale subresource', () => web.scaleObservation('2 replicas')));
    await scenario.step('scale web to 3 through the scale subresource, as kubectl scale does', async () => {
      await web.scaleTo(3);
      await web.waitReady(3);
    });
    observations.push(await scenario.step('read the scale subresource', () => web.scaleObservation('scaled to 3')));
    await scenario.expectHolds(scaleMatchesSet(observations));

    const overwritten = await scenario.step('apply the manifest again, with replicas 2', async () => {
      await WebStatefulSet.deploy(scenario, { replicas: 2 });
      return (await web.waitReady(2)).spec?.replicas;
    });
    await scenario.expectHolds(
      replicasAfterApply({ manualScale: 3, manifestReplicas: 2, specReplicasAfterApply: overwritten }),
    );
    await scenario.step('scale web to 3 again', async () => {
      await web.scaleTo(3);
      await web.waitReady(3);
    });
    const kept = await scenario.step('apply the manifest without replicas', async () => {
      await WebStatefulSet.deploy(scenario, { withoutReplicas: true });
      return (await web.waitObserved()).spec?.replicas;
    });
    await scenario.expectHolds(replicasAfterApply({ manualScale: 3, specReplicasAfterApply: kept }));
    // Negative controls on the same answers: the apply with replicas judged as if it had none,
    // and the first read of the scale set beside the set after the scale-up.
    await scenario.expectViolated(replicasAfterApply({ manualScale: 3, specReplicasAfterApply: overwritten }), [
      'manual-scale-overwritten',
    ]);
    await scenario.expectViolated(
      scaleMatchesSet([{ ...(observations[0] as ScaleObservation), set: (observations[1] as ScaleObservation).set }]),
      ['scale-disagrees-with-set'],
    );

    const hpa = await scenario.step(
      'apply a HorizontalPodAutoscaler on web: minReplicas 4, maxReplicas 5, CPU 50%',
      () => Autoscaler.deploy(scenario, 'hpa'),
    );
    const replicas = await scenario.step('the autoscaler scales web to 4', async () => {
      await hpa.waitTriedToScale();
      return (await web.waitReady(4)).spec?.replicas;
    });
    const observed = await scenario.step("read the autoscaler's conditions", async () => {
      await hpa.waitTriedMetrics();
      return hpa.observe(replicas);
    });
    await scenario.expectHolds(hpaScalesTarget(observed));
    await scenario.note('what needs a metrics pipeline', {
      ScalingActive: observed.scalingActive ?? 'not reported',
      'scaling on CPU':
        'needs the resource metrics API (metrics.k8s.io, e.g. metrics-server), which this cluster may lack; not exercised here',
    });
  });

  test('negative control: an HPA aimed at a StatefulSet that does not exist cannot get its scale (hpa-scale-unresolved)', async ({
    scenario,
  }) => {
    await scenario.about({ feature: 'Scaling', docs: BEHAVIOUR_DOCS.replicas, negativeControl: true });
    const hpa = await scenario.step('apply a HorizontalPodAutoscaler on the StatefulSet web-missing', () =>
      Autoscaler.deploy(scenario, 'hpa-missing-target'),
    );
    const observed = await scenario.step('the autoscaler has tried to get the scale', async () => {
      await hpa.waitTriedToScale();
      return hpa.observe(undefined);
    });
    await scenario.expectViolated(hpaScalesTarget(observed), ['hpa-scale-unresolved']);
  });
});
