import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifests, type KubeObject } from '../kube/manifests.js';
import {
  correctionTransforms,
  editConfigMap,
  guideFragment,
  loadCorrection,
  loadFragment,
  mergePodSpec,
} from './correction-files.js';
import { applyTransforms } from './transforms.js';

const fixture = (path: string) =>
  parseManifests(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8'), path);
const podSpecOf = (objects: KubeObject[], kind = 'StatefulSet') => {
  const object = objects.find((candidate) => candidate.kind === kind) as unknown as {
    spec: { template?: { spec: PodSpecShape }; jobTemplate?: { spec: { template: { spec: PodSpecShape } } } };
  };
  return kind === 'CronJob' ? object.spec.jobTemplate!.spec.template.spec : object.spec.template!.spec;
};
interface PodSpecShape {
  restartPolicy?: string;
  initContainers?: Array<{ name: string }>;
  containers: Array<{
    name: string;
    image?: string;
    env?: Array<{ name: string; value?: string }>;
    readinessProbe?: { exec?: { command: string[] }; tcpSocket?: unknown };
    livenessProbe?: { exec?: { command: string[] }; tcpSocket?: unknown };
  }>;
}

describe('corrections kept as YAML', () => {
  it('merge a container field by name and leave the rest of the container as the guide wrote it', async () => {
    const guide = fixture('guides/complete-guide/mysql-statefulset.yaml');
    const correction = await loadCorrection('guides/complete-guide/corrections/readiness-probe-password.yaml');
    const corrected = applyTransforms(guide, correctionTransforms(correction, 'why'));
    const mysql = podSpecOf(corrected).containers[0]!;
    expect(mysql.readinessProbe?.exec?.command).toEqual([
      'sh',
      '-c',
      'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysql -h localhost -e "SELECT 1"',
    ]);
    expect(mysql.livenessProbe?.exec?.command).toEqual(['mysqladmin', 'ping', '-h', 'localhost']);
    expect(mysql.env?.map((entry) => entry.name)).toEqual([
      'MYSQL_ROOT_PASSWORD',
      'MYSQL_DATABASE',
      'MYSQL_USER',
      'MYSQL_PASSWORD',
    ]);
    expect(JSON.stringify(guide)).not.toContain('MYSQL_PWD');
  });

  it("add objects first, init containers after the guide's, sidecars after its containers; names say what and why", async () => {
    const guide = fixture('guides/day-11/mysql-primary-replica.yaml');
    const transforms = [
      ...correctionTransforms(await loadCorrection('guides/day-11/corrections/secret-and-service.yaml'), 'missing'),
      ...correctionTransforms(await loadCorrection('guides/day-11/corrections/replication.yaml'), 'no replication'),
    ];
    const corrected = applyTransforms(guide, transforms);
    expect(corrected.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'Secret/mysql-secret',
      'Service/mysql',
      'ConfigMap/mysql-config',
      'StatefulSet/mysql',
    ]);
    const spec = podSpecOf(corrected);
    expect(spec.initContainers?.map((container) => container.name)).toEqual(['init-mysql', 'clone-mysql']);
    expect(spec.containers.map((container) => container.name)).toEqual(['mysql', 'replicate']);
    expect(transforms.map((transform) => transform.name)).toEqual([
      'correction: add Secret mysql-secret, Service mysql from fixtures/guides/day-11/corrections/secret-and-service.yaml (missing)',
      'correction: pod template clone-mysql, mysql, replicate from fixtures/guides/day-11/corrections/replication.yaml (no replication)',
    ]);
    expect(() => applyTransforms(corrected, transforms.slice(0, 1))).toThrow(/already in the manifest/);
  });

  it("set pod fields and merge env into a CronJob's job template", async () => {
    const cronJob = fixture('guides/comprehensive-guide/database-backup.yaml');
    const corrected = applyTransforms(
      cronJob,
      correctionTransforms(await loadCorrection('guides/comprehensive-guide/corrections/backup.yaml'), 'why'),
    );
    const spec = podSpecOf(corrected, 'CronJob');
    expect(spec.restartPolicy).toBe('OnFailure');
    expect(spec.containers[0]?.env?.map((entry) => entry.name)).toEqual([
      'BACKUP_HOST',
      'BACKUP_PASSWORD',
      'BACKUP_DATABASES',
    ]);
    expect(corrected[0]).toMatchObject({ kind: 'PersistentVolumeClaim', metadata: { name: 'backup-pvc' } });
  });

  it("put the guide's Health Monitoring fragment into mysql-cluster's container, replacing its tcpSocket probes", async () => {
    const set = fixture('guides/comprehensive-guide/mysql-cluster.yaml');
    const transform = guideFragment(
      await loadFragment('guides/comprehensive-guide/health-monitoring-probes.yaml'),
      'probes',
    );
    const mysql = podSpecOf(applyTransforms(set, [transform])).containers[0]!;
    expect(mysql.readinessProbe?.exec?.command).toEqual(['mysql', '-h', '127.0.0.1', '-e', 'SELECT 1']);
    expect(mysql.livenessProbe?.exec?.command).toEqual(['mysqladmin', 'ping']);
    expect(mysql.image).toBe('mysql:8.0');
    expect(() => guideFragment({ spec: {} }, 'nothing')).toThrow(/no spec.template.spec.containers/);
  });

  it('edit a ConfigMap line, and refuse an edit that finds nothing to change', () => {
    const guide = fixture('guides/day-11/mysql-primary-replica.yaml');
    const edited = applyTransforms(guide, [
      editConfigMap('mysql-config', 'replica.cnf', 'super-read-only', 'read-only', 'why'),
    ]);
    const map = edited.find((object) => object.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    expect(map.data['replica.cnf']).toBe('[mysqld]\nread-only\nserver-id=2\n');
    expect(() =>
      applyTransforms(edited, [editConfigMap('mysql-config', 'replica.cnf', 'super-read-only', 'x', 'y')]),
    ).toThrow(/has no "super-read-only"/);
    expect(() => applyTransforms(guide, [mergePodSpec({ containers: [] }, 'x')]).length).not.toThrow();
  });
});
