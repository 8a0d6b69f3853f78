import { describe, expect, it } from 'vitest';
import { kindClusterConfig } from './kind.js';

describe('kindClusterConfig', () => {
  it('is byte for byte the config kind got when it was written by hand', () => {
    const handWritten = (workers: number) =>
      [
        'kind: Cluster',
        'apiVersion: kind.x-k8s.io/v1alpha4',
        'nodes:',
        '- role: control-plane',
        ...Array.from({ length: workers }, () => '- role: worker'),
        '',
      ].join('\n');
    for (const workers of [0, 1, 2, 5]) expect(kindClusterConfig(workers)).toBe(handWritten(workers));
  });

  it('names feature gates for every component when asked', () => {
    expect(kindClusterConfig(0, { MaxUnavailableStatefulSet: true })).toBe(
      [
        'kind: Cluster',
        'apiVersion: kind.x-k8s.io/v1alpha4',
        'featureGates:',
        '  MaxUnavailableStatefulSet: true',
        'nodes:',
        '- role: control-plane',
        '',
      ].join('\n'),
    );
  });
});
