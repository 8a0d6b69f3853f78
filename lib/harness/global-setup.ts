import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { handleFromEnv, type ClusterSession } from '../cluster/provider.js';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import { openClusterSession } from '../cluster/session.js';
import { connect } from '../kube/client.js';
import { readControllerContract } from '../kube/cluster-facts.js';
import { deleteNamespacesOfRun, newRunId, waitUntilRunLeftNothing } from '../kube/namespace.js';
import { writeImageMap } from './image-map-report.js';
import { runNamespaces } from './run-namespaces.js';
import { readClusterFacts } from './run-facts.js';
import { HANDOVER_ENV, oneKubernetesVersion, readSettings } from '../support/settings.js';

/**
 * One cluster per e2e run. `npm run e2e` opens it and passes it in the environment (so that it
 * can clean up after Ctrl-C); run directly (`vitest --project e2e`), this opens it itself from
 * the settings' environment variables (lib/support/settings.ts): the kubeconfig in
 * STS_KUBECONFIG if set, else a kind cluster named STS_CLUSTER_NAME (default sts-e2e), created
 * if missing and deleted at the end unless STS_KEEP_CLUSTER=1.
 */
export default async function setup(project: TestProject) {
  const runId = process.env[HANDOVER_ENV.runId] ?? newRunId();
  const outDir = resolve(readSettings(['out']).out);
  let handle: ClusterHandle | undefined = handleFromEnv();
  let session: ClusterSession | undefined;
  if (!handle) {
    const settings = readSettings([
      'kubeconfig',
      'context',
      'clusterName',
      'workers',
      'featureGates',
      'mode',
      'keepCluster',
      'images',
      'kubernetes',
    ]);
    const kubernetesVersion = oneKubernetesVersion(settings.kubernetes, 'set STS_KUBERNETES to one version');
    session = await openClusterSession({
      kubeconfig: settings.kubeconfig,
      context: settings.context,
      clusterName: settings.clusterName,
      workers: settings.workers,
      ...(kubernetesVersion ? { kubernetesVersion } : {}),
      featureGates: settings.featureGates,
      mode: settings.mode,
      keepCluster: settings.keepCluster,
      imagesDir: settings.images,
      logDir: join(outDir, 'cluster'),
      say: (line) => console.log(line),
    });
    handle = session.handle;
    await writeImageMap(outDir, handle.imageMap);
  }
  const kube = connect(handle);
  const contract = await readControllerContract(kube, handle.serverVersion);
  console.log(
    `controller contract: Kubernetes ${contract.serverVersion}, MaxUnavailableStatefulSet ${contract.maxUnavailableStatefulSet ? 'on' : 'off'} (from ${contract.gatesSource}), ${contract.workers} worker node(s)`,
  );
  project.provide('cluster', handle);
  project.provide('contract', contract);
  project.provide('runId', runId);
  project.provide('outDir', outDir);
  // For out/results.json (results-reporter.ts): versions, gates and images, read while the cluster is there.
  project.provide('clusterFacts', await readClusterFacts(handle, kube, contract));

  return async () => {
    if (!session) return;
    // Run directly (not through npm run e2e): this process owns the cluster, so it checks the leftovers.
    const leftovers = await deleteNamespacesOfRun(session.kube, runId, { wait: false }).catch(() => []);
    const left = await waitUntilRunLeftNothing(session.kube, [...(await runNamespaces(outDir)), ...leftovers]);
    await session.release();
    if (left.namespaces.length + left.volumes.length > 0) {
      throw new Error(`this run left ${[...left.namespaces, ...left.volumes].join(', ')} behind`);
    }
  };
}
