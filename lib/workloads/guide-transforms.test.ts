import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifests, type KubeObject } from '../kube/manifests.js';
import {
  addObjects,
  addReadinessProbe,
  applyTransforms,
  capCpuRequests,
  containerImage,
  cpuMillis,
  expandHeredoc,
  missingStorageClass,
  probeCommand,
} from './transforms.js';

const fixture = (path: string) =>
  parseManifests(readFileSync(new URL(`../../fixtures/guides/${path}`, import.meta.url), 'utf8'), path);
const mongo = fixture('complete-guide/mongodb-cluster.yaml');
const postgres = fixture('day-11/postgres.yaml');

interface Container {
  name: string;
  image: string;
  command?: string[];
  readinessProbe?: { exec: { command: string[] } };
  livenessProbe?: { exec: { command: string[] } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
const setOf = (objects: KubeObject[]) =>
  objects.find((object) => object.kind === 'StatefulSet') as unknown as {
    spec: {
      template: { spec: { containers: Container[]; initContainers?: Container[] } };
      volumeClaimTemplates: Array<{ spec: { storageClassName?: string } }>;
    };
  };
const text = (objects: KubeObject[]) => JSON.stringify(objects);

describe("transforms of the guides' manifests", () => {
  it('expand the heredoc as the shell does: $NAMESPACE and ${NAMESPACE} become the namespace, \\$ a plain $', () => {
    expect(text(mongo)).toContain('$NAMESPACE');
    expect(text(mongo)).toContain('mongo-0.mongo.${NAMESPACE}.svc.cluster.local');
    expect(text(mongo)).toContain('\\\\$MONGODB_REPLICA_SET_KEY');
    const expanded = applyTransforms(mongo, [expandHeredoc({ NAMESPACE: 'ns1' })]);
    expect(text(expanded)).not.toContain('NAMESPACE');
    expect(expanded.every((object) => object.metadata.namespace === 'ns1')).toBe(true);
    expect(text(expanded)).toContain('mongo-0.mongo.ns1.svc.cluster.local:27017');
    const init = setOf(expanded).spec.template.spec.initContainers?.[0] as unknown as { command: string[] };
    expect(init.command[2]).toContain('echo "$MONGODB_REPLICA_SET_KEY" > /keyfile/mongodb-keyfile');
  });

  it('leave a $ before a name the script never set alone', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { args: ['$HOME ${X} \\$Y'] } };
    const [out] = applyTransforms([pod], [expandHeredoc({ X: 'x' })]);
    expect((out?.spec as { args: string[] }).args[0]).toBe('$HOME x $Y');
  });

  it('replace a StorageClass the cluster lacks by its default, and say which', () => {
    const transform = missingStorageClass(['standard'], 'standard');
    const out = applyTransforms(postgres, [transform]);
    expect(setOf(out).spec.volumeClaimTemplates[0]?.spec.storageClassName).toBe('standard');
    expect(transform.name).toBe(
      'storageClassName fast-ssd -> standard (no such StorageClass in this cluster; standard is its default)',
    );
    const kept = applyTransforms(postgres, [missingStorageClass(['fast-ssd', 'standard'], 'standard')]);
    expect(setOf(kept).spec.volumeClaimTemplates[0]?.spec.storageClassName).toBe('fast-ssd');
  });

  it('cap CPU requests, leaving limits and smaller requests alone', () => {
    expect([cpuMillis('500m'), cpuMillis('1'), cpuMillis('0.25')]).toEqual([500, 1000, 250]);
    const transform = capCpuRequests(100, 'three fit a 2-core node');
    const container = setOf(applyTransforms(mongo, [transform])).spec.template.spec.containers[0]!;
    expect(container.resources).toEqual({
      limits: { memory: '2Gi', cpu: '1000m' },
      requests: { memory: '1Gi', cpu: '100m' },
    });
    expect(transform.name).toBe('CPU requests 500m -> 100m: three fit a 2-core node');
  });

  it('add a missing object first, set an image, replace and add probe commands', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'postgres-secret' }, stringData: {} };
    const out = applyTransforms(postgres, [
      addObjects('Secret postgres-secret', [secret], 'the guide never defines it'),
      containerImage('postgres', 'postgres:14.22', 'one patch release below'),
      addReadinessProbe('postgres', ['pg_isready', '-h', '127.0.0.1'], 'Ready means accepting connections'),
    ]);
    expect(out.map((object) => object.kind)).toEqual(['Secret', 'Service', 'StatefulSet']);
    const container = setOf(out).spec.template.spec.containers[0]!;
    expect(container.image).toBe('postgres:14.22');
    expect(container.readinessProbe?.exec.command).toEqual(['pg_isready', '-h', '127.0.0.1']);
    const probes = setOf(
      applyTransforms(mongo, [probeCommand('mongodb', 'readinessProbe', ['mongosh', '--eval', '1'], 'no mongo shell')]),
    ).spec.template.spec.containers[0]!;
    expect(probes.readinessProbe?.exec.command).toEqual(['mongosh', '--eval', '1']);
    expect(probes.livenessProbe?.exec.command[0]).toBe('mongo');
    expect(() => applyTransforms(postgres, [probeCommand('postgres', 'livenessProbe', ['x'], 'r')])).toThrow(
      /needs an exec livenessProbe/,
    );
  });
});
