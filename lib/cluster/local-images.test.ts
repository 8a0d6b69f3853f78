import { describe, expect, it } from 'vitest';
import { imageMapFromNodes, standsInFor } from './local-images.js';

describe('standsInFor', () => {
  it('maps a local workload image to the Docker Hub library image of its name', () => {
    expect(standsInFor('sts-conformance.local/busybox:1.35.0')).toBe('docker.io/library/busybox');
    expect(standsInFor('docker.io/library/busybox:1.36')).toBeUndefined();
    expect(standsInFor('sts-conformance.localhost/busybox:1')).toBeUndefined();
  });
});

describe('imageMapFromNodes', () => {
  it('maps only local images every node holds', () => {
    const controlPlane = [
      'registry.k8s.io/pause:3.10',
      'sts-conformance.local/busybox:1.35.0',
      'sts-conformance.local/mysql:8.0',
    ];
    const worker = ['sts-conformance.local/busybox:1.35.0', 'docker.io/library/busybox@sha256:abc'];
    expect(imageMapFromNodes([controlPlane, worker])).toEqual({
      'docker.io/library/busybox': 'sts-conformance.local/busybox:1.35.0',
    });
  });

  it('is empty for a cluster without local images or nodes', () => {
    expect(imageMapFromNodes([['registry.k8s.io/pause:3.10']])).toEqual({});
    expect(imageMapFromNodes([])).toEqual({});
  });
});
