import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { officialMap, standInMap } from '../cluster/image-map.js';
import { parseManifests } from '../kube/manifests.js';
import { IMAGE_CATALOG } from '../toolchain/image-catalog.js';
import {
  appLabel,
  applyTransforms,
  claimRetentionPolicy,
  hostPort,
  maxUnavailable,
  minReadySeconds,
  nodeName,
  schedulingGate,
  startOrdinal,
  statefulSetName,
  withoutReplicas,
  containerEnv,
  emptyDirInsteadOfClaims,
  partition,
  podManagementPolicy,
  replicas,
  repositoryOf,
  storageClass,
  useLocalImages,
  without,
} from './transforms.js';

const webFixture = parseManifests(
  readFileSync(new URL('../../fixtures/web/web.yaml', import.meta.url), 'utf8'),
  'fixtures/web/web.yaml',
);
const statefulSetOf = (objects: ReturnType<typeof applyTransforms>) =>
  objects.find((object) => object.kind === 'StatefulSet') as unknown as {
    spec: {
      replicas: number;
      podManagementPolicy?: string;
      updateStrategy?: unknown;
      persistentVolumeClaimRetentionPolicy?: unknown;
      volumeClaimTemplates?: Array<{ spec: { storageClassName?: string } }>;
      template: {
        spec: {
          containers: Array<{ image: string; env: Array<{ name: string; value: string }> }>;
          volumes?: unknown[];
        };
      };
    };
  };

describe('repositoryOf', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox'],
    ['busybox:1.36', 'docker.io/library/busybox'],
    ['docker.io/library/busybox:1.36', 'docker.io/library/busybox'],
    ['mysql/mysql-server:8.0', 'docker.io/mysql/mysql-server'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause'],
    ['localhost:5000/app@sha256:abc', 'localhost:5000/app'],
  ])('%s -> %s', (image, repository) => {
    expect(repositoryOf(image)).toBe(repository);
  });
});

describe('transforms of the web fixture', () => {
  it('leave the fixture itself untouched', () => {
    const before = JSON.stringify(webFixture);
    applyTransforms(webFixture, [replicas(5), emptyDirInsteadOfClaims()]);
    expect(JSON.stringify(webFixture)).toBe(before);
  });

  it('point busybox at the local image by repository, whatever the tag', () => {
    const objects = applyTransforms(webFixture, [useLocalImages(standInMap(['sts-conformance.local/busybox:1.35.0']))]);
    expect(statefulSetOf(objects).spec.template.spec.containers[0]?.image).toBe('sts-conformance.local/busybox:1.35.0');
  });

  it('choose by tag where the map does: postgres 14 and 15 go to their own stand-ins, 14.22 to its own', () => {
    const map = standInMap(IMAGE_CATALOG.map((entry) => entry.local));
    const imageFor = (image: string) => {
      const withImage = structuredClone(webFixture);
      statefulSetOf(withImage).spec.template.spec.containers[0]!.image = image;
      return statefulSetOf(applyTransforms(withImage, [useLocalImages(map)])).spec.template.spec.containers[0]?.image;
    };
    expect(imageFor('postgres:14')).toBe('sts-conformance.local/postgres:14.23');
    expect(imageFor('postgres:14.5-bookworm')).toBe('sts-conformance.local/postgres:14.23');
    expect(imageFor('postgres:14.22')).toBe('sts-conformance.local/postgres:14.22');
    expect(imageFor('docker.io/library/postgres:15')).toBe('sts-conformance.local/postgres:15.20');
    expect(imageFor('postgres:16')).toBe('postgres:16');
    expect(imageFor('mysql:8.0')).toBe('sts-conformance.local/mariadb:10.11.19');
    expect(imageFor('mongo:6.0')).toBe('sts-conformance.local/ferretdb:1.24.0');
    expect(imageFor('myapp:latest')).toBe('sts-conformance.local/myapp:2.0');
    expect(imageFor('myapp:1.0')).toBe('sts-conformance.local/myapp:1.0');
    expect(imageFor('backup-tool')).toBe('sts-conformance.local/backup-tool:1.0');
  });

  it('leave official images as named', () => {
    const objects = applyTransforms(webFixture, [useLocalImages(officialMap())]);
    expect(statefulSetOf(objects).spec.template.spec.containers[0]?.image).toBe(
      statefulSetOf(webFixture).spec.template.spec.containers[0]?.image,
    );
  });

  it('set replicas, the pod management policy, a partition, an env var and the storage class', () => {
    const set = statefulSetOf(
      applyTransforms(webFixture, [
        replicas(4),
        podManagementPolicy('Parallel'),
        partition(2),
        containerEnv('START_READY', 'false'),
        storageClass('standard'),
      ]),
    );
    expect(set.spec.replicas).toBe(4);
    expect(set.spec.podManagementPolicy).toBe('Parallel');
    expect(set.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
    expect(set.spec.template.spec.containers[0]?.env).toEqual([{ name: 'START_READY', value: 'false' }]);
    expect(set.spec.volumeClaimTemplates?.[0]?.spec.storageClassName).toBe('standard');
  });

  it('replace the claim template with an emptyDir of the same name', () => {
    const set = statefulSetOf(applyTransforms(webFixture, [emptyDirInsteadOfClaims()]));
    expect(set.spec.volumeClaimTemplates).toBeUndefined();
    expect(set.spec.template.spec.volumes).toEqual([{ name: 'data', emptyDir: {} }]);
  });

  it('set the claim retention policy, and refuse a StatefulSet without claim templates', () => {
    const policy = { whenScaled: 'Delete', whenDeleted: 'Retain' } as const;
    expect(statefulSetOf(applyTransforms(webFixture, [claimRetentionPolicy(policy)])).spec).toMatchObject({
      persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' },
    });
    expect(claimRetentionPolicy(policy).name).toBe(
      'persistentVolumeClaimRetentionPolicy whenScaled Delete, whenDeleted Retain',
    );
    expect(() => applyTransforms(webFixture, [emptyDirInsteadOfClaims(), claimRetentionPolicy(policy)])).toThrow(
      /needs volumeClaimTemplates/,
    );
  });

  it('drop the headless Service', () => {
    expect(applyTransforms(webFixture, [without('Service', 'web')]).map((object) => object.kind)).toEqual([
      'StatefulSet',
    ]);
  });

  it('refuse to apply where the manifest lacks what they change', () => {
    const serviceOnly = applyTransforms(webFixture, [without('StatefulSet', 'web')]);
    expect(() => applyTransforms(serviceOnly, [replicas(1)])).toThrow(/needs a StatefulSet/);
    expect(() => applyTransforms(webFixture, [without('Service', 'nope')])).toThrow(/needs Service nope/);
  });

  it('set the spec fields the behaviour scenarios vary', () => {
    const set = statefulSetOf(
      applyTransforms(webFixture, [minReadySeconds(10), startOrdinal(2), maxUnavailable('40%'), withoutReplicas()]),
    ) as unknown as { spec: Record<string, unknown> };
    expect(set.spec).toMatchObject({
      minReadySeconds: 10,
      ordinals: { start: 2 },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: '40%' } },
    });
    expect(set.spec.replicas).toBeUndefined();
  });

  it('rename the set, relabel it and its Service, gate, pin and give a host port to its pods', () => {
    const objects = applyTransforms(webFixture, [
      statefulSetName('web-x'),
      appLabel('web-v2'),
      schedulingGate('example/hold'),
      nodeName('node-1'),
      hostPort(21873),
    ]);
    const set = objects.find((object) => object.kind === 'StatefulSet') as unknown as {
      metadata: { name: string };
      spec: {
        selector: { matchLabels: Record<string, string> };
        template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
      };
    };
    const service = objects.find((object) => object.kind === 'Service') as unknown as {
      spec: { selector: Record<string, string> };
    };
    expect(set.metadata.name).toBe('web-x');
    expect(set.spec.selector.matchLabels).toEqual({ app: 'web-v2' });
    expect(set.spec.template.metadata.labels).toEqual({ app: 'web-v2' });
    expect(service.spec.selector).toEqual({ app: 'web-v2' });
    expect(set.spec.template.spec).toMatchObject({
      schedulingGates: [{ name: 'example/hold' }],
      nodeName: 'node-1',
      containers: [{ ports: [{ name: 'held', containerPort: 80, hostPort: 21873 }] }],
    });
  });
});

describe('applyTransforms on a fixture that is not what the scenario expects', () => {
  it('names the transform that found nothing to change', () => {
    const service = parseManifests('apiVersion: v1\nkind: Service\nmetadata: {name: web}\n', 'f.yaml');
    expect(() => applyTransforms(service, [replicas(2)])).toThrow(
      'transform "replicas 2": transform needs a StatefulSet, and the manifest has none',
    );
  });
});
