/**
 * npm run fault:shared -- [--cluster-name NAME] [SCENARIO ...]
 *
 * A shared cluster, proven on a real one: before a run, another tenant's namespaces are made to
 * look like the suite's (the suite's managed-by label, a run label of another run, the web
 * StatefulSet with its claims and volumes; one namespace also without a run label). Then
 * `npm run e2e -- SCENARIO... --kubeconfig` runs against the cluster as an existing cluster
 * (default scenarios: ordered-creation storage-reattachment, which make, delete and reclaim
 * claims). After it: the tenant's namespaces, StatefulSets, claims, pods and volumes are the same
 * objects (UIDs) in the same state (resourceVersions of namespaces, sets, claims and volumes),
 * and no PersistentVolume of the run's claims remains. The tenant is removed at the end.
 *
 * NAME (default sts-faults) must be a kind cluster of your own. Writes out/fault-shared/result.json.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Kube } from '../lib/kube/client.js';
import { connect, loadKubeConfig } from '../lib/kube/client.js';
import { applyObjects } from '../lib/kube/apply.js';
import { readManifests } from '../lib/kube/manifests.js';
import type { OwnedNamespace } from '../lib/kube/namespace.js';
import { claimBound, statefulSetReady } from '../lib/kube/conditions.js';
import { applyTransforms, replicas, storageClass, useLocalImages } from '../lib/workloads/transforms.js';
import { nodeImageMap } from '../lib/cluster/nodes.js';
import { cacheRoot } from '../lib/toolchain/cache.js';
import { waitFor } from '../lib/support/wait.js';
import { writeJson } from './bench-support.js';
import { parseFlags, runMain } from './cli.js';
import { leftoversOf, notedNamespaces, startE2e } from './fault-support.js';

/** What is compared before and after: identity and state of every object of the tenant. */
type Snapshot = Record<string, string>;

runMain(async () => {
  const usage = 'usage: npm run fault:shared -- [--cluster-name NAME] [SCENARIO ...]';
  const { flags, positionals } = parseFlags(process.argv.slice(2), { 'cluster-name': { type: 'string' } }, usage);
  const cluster = String(flags['cluster-name'] ?? 'sts-faults');
  const scenarios = positionals.length > 0 ? positionals : ['ordered-creation', 'storage-reattachment'];
  const kubeconfig = join(cacheRoot(), 'clusters', `${cluster}.kubeconfig`);
  const kube = connect(loadKubeConfig(kubeconfig));
  const out = resolve('out', 'fault-shared');

  const foreignRun = `19990101000000-${randomBytes(3).toString('hex')}`;
  const tenant = [
    { name: `sts-tenant-${randomBytes(3).toString('hex')}`, labels: labels(foreignRun) },
    { name: `sts-tenant-${randomBytes(3).toString('hex')}`, labels: labels(undefined) },
  ];
  console.log(
    `tenant: ${tenant
      .map(
        (ns) =>
          `${ns.name} (${Object.entries(ns.labels)
            .map(([key, value]) => `${key}=${value}`)
            .join(',')})`,
      )
      .join('; ')}`,
  );
  try {
    for (const ns of tenant) await makeTenant(kube, ns.name, ns.labels, foreignRun);
    const before = await snapshot(
      kube,
      tenant.map((ns) => ns.name),
    );
    console.log(`tenant ready: ${Object.keys(before).length} objects noted`);

    const run = startE2e([...scenarios, '--kubeconfig', kubeconfig, '--out', out], join(out, 'driver.log'));
    const exitCode = await run.exited;
    const runId = run.runId() ?? '';
    console.log(`run ${runId}: exit ${exitCode}`);

    const after = await snapshot(
      kube,
      tenant.map((ns) => ns.name),
    );
    const changed = Object.keys({ ...before, ...after }).filter((key) => before[key] !== after[key]);
    const left = await leftoversOf(kube, runId, await notedNamespaces(out));
    const result = {
      cluster,
      scenarios,
      runId,
      exitCode,
      tenantNamespaces: tenant.map((ns) => ns.name),
      tenantObjects: Object.keys(before).length,
      tenantObjectsChanged: changed.map((key) => `${key}: ${before[key] ?? 'absent'} -> ${after[key] ?? 'absent'}`),
      runNamespacesLeft: left.namespaces,
      runVolumesLeft: left.volumes,
      passed: exitCode === 0 && changed.length === 0 && left.namespaces.length + left.volumes.length === 0,
    };
    await writeJson(join(out, 'result.json'), result);
    console.log(
      `${result.passed ? 'PASS' : 'FAIL'}: ${result.tenantObjects} tenant objects, ${changed.length} changed${changed.length > 0 ? `: ${result.tenantObjectsChanged.join('; ')}` : ''}; the run's namespaces left: ${left.namespaces.length}, volumes of its claims left: ${left.volumes.length}`,
    );
    return result.passed ? 0 : 1;
  } finally {
    for (const ns of tenant) await kube.core.deleteNamespace({ name: ns.name }).catch(() => undefined);
  }
});

function labels(run: string | undefined): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'sts-conformance',
    'sts-conformance.io/scenario': 'ordered-creation',
    ...(run ? { 'sts-conformance.io/run': run } : {}),
  };
}

/** Another tenant's namespace that looks like one of the suite's: the web set, one Ready pod, its claim bound. */
async function makeTenant(kube: Kube, name: string, nsLabels: Record<string, string>, runId: string): Promise<void> {
  await kube.core.createNamespace({ body: { metadata: { name, labels: nsLabels } } });
  const namespace: OwnedNamespace = { kube, name, runId };
  const objects = applyTransforms(await readManifests(resolve('fixtures', 'web', 'web.yaml')), [
    replicas(1),
    useLocalImages(await nodeImageMap(kube)),
    storageClass('standard'),
  ]);
  await applyObjects(namespace, objects, 'fixtures/web/web.yaml');
  await statefulSetReady(namespace, 'web', 1);
  await claimBound(namespace, 'data-web-0');
}

async function snapshot(kube: Kube, namespaces: readonly string[]): Promise<Snapshot> {
  // The kubelet may still be settling a fresh pod's status: wait until two reads agree.
  let previous = '';
  return waitFor(
    `the tenant's objects to be settled`,
    async () => {
      const current: Snapshot = {};
      for (const name of namespaces) {
        const ns = await kube.core.readNamespace({ name });
        current[`Namespace ${name}`] = `${ns.metadata?.uid} rv ${ns.metadata?.resourceVersion} ${ns.status?.phase}`;
        for (const set of (await kube.apps.listNamespacedStatefulSet({ namespace: name })).items)
          current[`StatefulSet ${name}/${set.metadata?.name}`] =
            `${set.metadata?.uid} rv ${set.metadata?.resourceVersion}`;
        for (const claim of (await kube.core.listNamespacedPersistentVolumeClaim({ namespace: name })).items)
          current[`PersistentVolumeClaim ${name}/${claim.metadata?.name}`] =
            `${claim.metadata?.uid} rv ${claim.metadata?.resourceVersion} ${claim.status?.phase} ${claim.spec?.volumeName}`;
        for (const pod of (await kube.core.listNamespacedPod({ namespace: name })).items)
          current[`Pod ${name}/${pod.metadata?.name}`] =
            `${pod.metadata?.uid} ${pod.status?.phase}${pod.metadata?.deletionTimestamp ? ' terminating' : ''}`;
      }
      for (const volume of (await kube.core.listPersistentVolume()).items)
        if (namespaces.includes(volume.spec?.claimRef?.namespace ?? ''))
          current[`PersistentVolume ${volume.metadata?.name}`] =
            `${volume.metadata?.uid} rv ${volume.metadata?.resourceVersion} ${volume.status?.phase}`;
      const text = JSON.stringify(current);
      const settled = text === previous;
      previous = text;
      return settled
        ? { done: true, value: current }
        : { done: false, observed: `${Object.keys(current).length} objects` };
    },
    { timeoutMs: 60_000, intervalMs: 2000 },
  );
}
