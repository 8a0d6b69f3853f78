import { ApiException } from '@kubernetes/client-node';
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

describe('applyObjects asks the API server to judge every object before it makes any', () => {
  const fixture = parseManifests(
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec: {replicaz: 3}\n',
    'fixtures/web.yaml',
  );
  // A recording stand-in for the API server: it rejects the StatefulSet as a strict server does.
  const serverSaying = (rejection: { code: number; message: string }) => {
    const calls: string[] = [];
    const answer = async (kind: string, request: { name: string; dryRun?: string }) => {
      calls.push(`${request.dryRun ? 'dry-run' : 'apply'} ${kind} ${request.name}`);
      if (kind === 'StatefulSet')
        throw new ApiException(
          rejection.code,
          'rejected',
          JSON.stringify({ reason: 'BadRequest', message: rejection.message }),
          {},
        );
      return {};
    };
    const kube = {
      core: { patchNamespacedService: (request: { name: string }) => answer('Service', request) },
      apps: { patchNamespacedStatefulSet: (request: { name: string }) => answer('StatefulSet', request) },
    } as unknown as Kube;
    return { namespace: { kube, name: 'sts-mine', runId: 'run-1' } as OwnedNamespace, calls };
  };

  it('an unknown field: one line naming the fixture, the object and the server, and nothing applied', async () => {
    // What v1.34 answers a server-side apply with an unknown field: 500, not 400.
    const { namespace: ns, calls } = serverSaying({
      code: 500,
      message:
        'failed to create typed patch object (sts-mine/web; apps/v1, Kind=StatefulSet): .spec.replicaz: field not declared in schema',
    });
    await expect(applyObjects(ns, fixture, 'fixtures/web.yaml')).rejects.toThrow(
      'invalid fixture fixtures/web.yaml: the API server rejects StatefulSet web: 500 BadRequest: failed to create typed patch object (sts-mine/web; apps/v1, Kind=StatefulSet): .spec.replicaz: field not declared in schema; fix the fixture file',
    );
    expect(calls).toEqual(['dry-run Service web', 'dry-run StatefulSet web']);
  });

  it('leaves other refusals (admission looking up what is not applied yet) to the real apply', async () => {
    const { namespace: ns, calls } = serverSaying({ code: 403, message: 'error looking up service account' });
    await expect(applyObjects(ns, fixture, 'fixtures/web.yaml')).rejects.toThrow(
      /apply StatefulSet sts-mine\/web failed: 403/,
    );
    expect(calls).toEqual([
      'dry-run Service web',
      'dry-run StatefulSet web',
      'apply Service web',
      'apply StatefulSet web',
    ]);
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
