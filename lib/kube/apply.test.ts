import { describe, expect, it } from 'vitest';
import type { Kube } from './client.js';
import { applyObjects } from './apply.js';
import { parseManifests } from './manifests.js';
import type { OwnedNamespace } from './namespace.js';

// Validation happens before any request: a namespace whose client would fail any call proves it.
const untouchable = new Proxy(
  {},
  {
    get: () => {
      throw new Error('no API call expected');
    },
  },
) as Kube;
const namespace: OwnedNamespace = { kube: untouchable, name: 'sts-mine', runId: 'run-1' };

describe('applyObjects refuses before sending anything', () => {
  it('an object that names another namespace', async () => {
    const objects = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: kube-system}\n',
      'fixtures/x.yaml',
    );
    await expect(applyObjects(namespace, objects, 'fixtures/x.yaml')).rejects.toThrow(
      /invalid fixture fixtures\/x.yaml: ConfigMap c names namespace kube-system; fixtures must not name one/,
    );
  });

  it('a kind the suite cannot confine to its namespace', async () => {
    const objects = parseManifests(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: admin}\n',
      'fixtures/x.yaml',
    );
    await expect(applyObjects(namespace, objects, 'fixtures/x.yaml')).rejects.toThrow(
      /ClusterRole admin is not a namespaced kind the suite applies/,
    );
  });
});

describe('parseManifests', () => {
  it('skips empty documents and keeps unknown fields for the server to reject', () => {
    const objects = parseManifests(
      '---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec: {replicaz: 3}\n---\n',
      'f.yaml',
    );
    expect(objects).toEqual([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, spec: { replicaz: 3 } },
    ]);
  });

  it('names the file and document of a broken fixture', () => {
    expect(() =>
      parseManifests(
        'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: b}\n',
        'fixtures/svc.yaml',
      ),
    ).toThrow('invalid fixture fixtures/svc.yaml (document 2): missing apiVersion; fix the fixture file');
    expect(() => parseManifests('a: [\n', 'fixtures/bad.yaml')).toThrow(
      /invalid fixture fixtures\/bad.yaml \(document 1\): /,
    );
    expect(() => parseManifests('# nothing\n', 'fixtures/empty.yaml')).toThrow(
      'invalid fixture fixtures/empty.yaml: no objects; fix the fixture file',
    );
  });
});
