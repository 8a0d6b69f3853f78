import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { handleFromEnv, type ClusterSession } from '../cluster/provider.js';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import { openClusterSession, type ClusterMode } from '../cluster/session.js';
import { deleteNamespacesOfRun, newRunId } from '../kube/namespace.js';

export const RUN_ID_ENV = 'STS_CONFORMANCE_RUN_ID';
export const OUT_DIR_ENV = 'STS_CONFORMANCE_OUT';

/**
 * One cluster per e2e run. `npm run e2e` opens it and passes it in the environment (so that it
 * can clean up after Ctrl-C); run directly (`vitest --project e2e`), this opens it itself: the
 * kubeconfig in STS_KUBECONFIG if set, else a kind cluster named STS_CLUSTER_NAME (default
 * sts-e2e), created if missing and deleted at the end unless STS_KEEP_CLUSTER=1.
 */
export default async function setup(project: TestProject) {
  const runId = process.env[RUN_ID_ENV] ?? newRunId();
  const outDir = resolve(process.env[OUT_DIR_ENV] ?? 'out');
  let handle: ClusterHandle | undefined = handleFromEnv();
  let session: ClusterSession | undefined;
  if (!handle) {
    session = await openClusterSession({
      kubeconfig: process.env.STS_KUBECONFIG,
      clusterName: process.env.STS_CLUSTER_NAME ?? 'sts-e2e',
      workers: Number(process.env.STS_WORKERS ?? 0),
      mode: (process.env.STS_CLUSTER_MODE as ClusterMode | undefined) ?? 'auto',
      keep: process.env.STS_KEEP_CLUSTER === '1',
      logDir: join(outDir, 'cluster'),
      say: (line) => console.log(line),
    });
    handle = session.handle;
  }
  project.provide('cluster', handle);
  project.provide('runId', runId);
  project.provide('outDir', outDir);

  return async () => {
    if (!session) return;
    const leftovers = await deleteNamespacesOfRun(session.kube, runId, { wait: true }).catch(() => []);
    if (leftovers.length > 0) console.log(`deleted namespaces left by this run: ${leftovers.join(', ')}`);
    await session.release();
  };
}
