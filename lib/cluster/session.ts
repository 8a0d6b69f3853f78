import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionableError } from '../support/errors.js';
import type { ClusterMode } from '../support/settings.js';
import { formatDuration } from '../support/format.js';
import { existingCluster, reachCluster } from './existing.js';
import { Kind } from './kind.js';
import { waitForNodeImages, waitForNodesReady } from './nodes.js';
import { cacheRoot } from '../toolchain/cache.js';
import { dockerAnswers } from '../toolchain/host.js';
import { prepareOffline } from '../toolchain/prepare.js';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import type { ClusterSession } from './provider.js';
import { registriesReachable } from './registries.js';

export interface ClusterRequest {
  /** An existing cluster's kubeconfig; when set, no kind cluster is created. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** kind cluster name; an existing kind cluster of this name is reused, not recreated. */
  readonly clusterName: string;
  readonly workers: number;
  /** Feature gates of a cluster this run creates (a reused one keeps its own). */
  readonly featureGates?: Readonly<Record<string, boolean>>;
  /** offline: build everything locally; online: stock kind; auto: offline when registries are unreachable. */
  readonly mode: ClusterMode;
  /** Keep a cluster this run created instead of deleting it on release. */
  readonly keepCluster: boolean;
  /** Where failure logs go. */
  readonly logDir: string;
  /** Wait until the nodes report the loaded images, so that a later --kubeconfig run finds them. */
  readonly waitForNodeImages?: boolean;
  readonly say: (line: string) => void;
  readonly signal?: AbortSignal;
}

function kubeconfigPathFor(clusterName: string): string {
  return join(cacheRoot(), 'clusters', `${clusterName}.kubeconfig`);
}

export async function openClusterSession(request: ClusterRequest): Promise<ClusterSession> {
  const { say } = request;
  if (request.kubeconfig) {
    const { handle, kube } = await existingCluster(request.kubeconfig, request.context);
    say(
      `using existing cluster: context ${handle.name}, server ${handle.serverVersion} (only namespaces this run creates are touched)`,
    );
    return { handle, kube, release: async () => {} };
  }

  const offline = request.mode === 'offline' || (request.mode === 'auto' && !(await registriesReachable()));
  let kindBinary = process.env.KIND ?? 'kind';
  let nodeImage: string | undefined;
  let imageMap: Record<string, string> = {};
  const archives: string[] = [];
  if (offline) {
    say(
      request.mode === 'offline'
        ? 'offline mode (asked for)'
        : 'offline mode: the public registries are unreachable from here',
    );
    const artifacts = await prepareOffline({ say: (line) => say(`  ${line}`), signal: request.signal });
    kindBinary = process.env.KIND ?? artifacts.kind;
    nodeImage = artifacts.nodeImage;
    imageMap = Object.fromEntries(artifacts.workloadImages.map((image) => [image.standsInFor, image.image]));
    archives.push(artifacts.workloadArchive);
  } else if (!(await dockerAnswers())) {
    throw new ActionableError(
      'no Docker engine answers',
      'start Docker, or run `npm run cluster:prepare`, which installs and starts it',
    );
  }

  const kind = new Kind(kindBinary, say);
  const kubeconfig = kubeconfigPathFor(request.clusterName);
  await mkdir(join(cacheRoot(), 'clusters'), { recursive: true });
  const reused = await kind.exists(request.clusterName);
  let createdByThisRun = false;
  if (reused) {
    say(`reusing kind cluster ${request.clusterName}`);
  } else {
    const started = Date.now();
    say(
      `creating kind cluster ${request.clusterName} (${request.workers} worker${request.workers === 1 ? '' : 's'}${nodeImage ? `, image ${nodeImage}` : ''}${
        Object.keys(request.featureGates ?? {}).length > 0
          ? `, feature gates ${Object.entries(request.featureGates ?? {})
              .map(([gate, on]) => `${gate}=${on}`)
              .join(',')}`
          : ''
      })`,
    );
    await kind.create({
      name: request.clusterName,
      image: nodeImage,
      workers: request.workers,
      featureGates: request.featureGates,
      kubeconfig,
      failureLogDir: request.logDir,
    });
    createdByThisRun = true;
    say(`✓ cluster ${request.clusterName} created in ${formatDuration((Date.now() - started) / 1000)}`);
  }
  await kind.writeKubeconfig(request.clusterName, kubeconfig);
  const reached = await reachCluster(kubeconfig);
  await waitForNodesReady(reached.kube, reused ? 1 : 1 + request.workers);
  for (const archive of archives) await kind.loadImageArchive(request.clusterName, archive);
  if (request.waitForNodeImages && Object.keys(imageMap).length > 0) await waitForNodeImages(reached.kube, imageMap);

  const handle: ClusterHandle = {
    name: request.clusterName,
    provider: 'kind',
    kubeconfig,
    context: reached.context,
    createdByThisRun,
    serverVersion: reached.serverVersion,
    imageMap,
    kindBinary,
  };
  let released = false;
  return {
    handle,
    kube: reached.kube,
    release: async () => {
      if (released) return;
      released = true;
      if (!createdByThisRun) return;
      if (request.keepCluster) {
        say(
          `keeping kind cluster ${request.clusterName}; KUBECONFIG=${kubeconfig}; delete it with: npm run cluster:down -- --name ${request.clusterName}`,
        );
        return;
      }
      say(`deleting kind cluster ${request.clusterName}`);
      await kind.delete(request.clusterName);
    },
  };
}

/** Deletes a kind cluster by name (cluster:down), with the kind the offline toolchain built if none is on PATH. */
export async function deleteKindCluster(
  name: string,
  kindBinary: string,
  say: (line: string) => void,
): Promise<boolean> {
  const kind = new Kind(kindBinary, say);
  if (!(await kind.exists(name))) return false;
  await kind.delete(name);
  return true;
}
