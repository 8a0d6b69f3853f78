import { describe, expect, it } from 'vitest';
import { standsInFor } from './local-images.js';

describe('standsInFor', () => {
  it('answers from the image catalog, not from the name', () => {
    expect(standsInFor('sts-conformance.local/busybox:1.35.0')).toBe('docker.io/library/busybox');
    expect(standsInFor('sts-conformance.local/mariadb:10.11.19')).toBe('docker.io/library/mysql');
    expect(standsInFor('sts-conformance.local/ferretdb:1.24.0')).toBe('docker.io/library/mongo');
    expect(standsInFor('sts-conformance.local/postgres:14.23')).toBe('docker.io/library/postgres:14');
    expect(standsInFor('sts-conformance.local/postgres:15.20')).toBe('docker.io/library/postgres:15');
  });

  it('knows nothing of images outside the catalog', () => {
    expect(standsInFor('docker.io/library/busybox:1.36')).toBeUndefined();
    expect(standsInFor('sts-conformance.local/mariadb:10.11.6')).toBeUndefined();
    expect(standsInFor('sts-conformance.localhost/busybox:1.35.0')).toBeUndefined();
  });
});
