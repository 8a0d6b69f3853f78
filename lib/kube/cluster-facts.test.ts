import { describe, expect, it } from 'vitest';
import { parseFeatureGates } from './cluster-facts.js';

describe('parseFeatureGates', () => {
  it('reads the API server kubernetes_feature_enabled metric', () => {
    const metrics = [
      '# HELP kubernetes_feature_enabled [BETA] This metric records the data about the stage and enablement of a k8s feature.',
      '# TYPE kubernetes_feature_enabled gauge',
      'kubernetes_feature_enabled{name="MaxUnavailableStatefulSet",stage="ALPHA"} 0',
      'kubernetes_feature_enabled{name="StatefulSetAutoDeletePVC",stage=""} 1',
    ].join('\n');
    const gates = parseFeatureGates(metrics);
    expect(gates.get('MaxUnavailableStatefulSet')).toBe(false);
    expect(gates.get('StatefulSetAutoDeletePVC')).toBe(true);
    expect(gates.has('Unknown')).toBe(false);
  });
});
