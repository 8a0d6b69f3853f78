import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { ActionableError, InterruptedError, UsageError } from '../support/errors.js';
import { flagOf } from '../support/settings.js';
import { IMAGE_CATALOG } from '../toolchain/image-catalog.js';
import type { ImageMapEntry } from '../kube/cluster-handle.js';
import { readImageArchives, type ImageArchive } from './image-archives.js';
import { imageMapLines, localImagesOf, officialMap, standInMap, withArchives } from './image-map.js';
import type { ClusterMode } from '../support/settings.js';
import { formatDuration } from '../support/format.js';
import { existingCluster, reachCluster } from './existing.js';
import { Kind } from './kind.js';
import { waitForNodeImages, waitForNodesReady } from './nodes.js';
import { cacheRoot } from '../toolchain/cache.js';
import { dockerAnswers } from '../toolchain/host.js';
import { prepareOffline, preparePlaceholderImages } from '../toolchain/prepare.js';
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
  /**
   * The Kubernetes version of a kind cluster to create (default: the toolchain's pinned one).
   * A cluster that already exists (a kubeconfig, a reused kind cluster) must run it.
   */
  readonly kubernetesVersion?: string;
  /** Feature gates of a cluster this run creates (a reused one keeps its own). */
  readonly featureGates?: Readonly<Record<string, boolean>>;
  /** offline: build everything locally; online: stock kind; auto: offline when registries are unreachable. */
  readonly mode: ClusterMode;
  /** A directory of `docker save` archives of official images to load (--images); kind clusters only. */
  readonly imagesDir?: string;
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
    if (request.imagesDir)
      throw new UsageError(
        `${flagOf('images')} loads image archives into a kind cluster the suite creates, not into the cluster of ${flagOf('kubeconfig')}`,
        `load them onto that cluster's nodes yourself; the suite then finds them there`,
      );
    const { handle, kube } = await existingCluster(request.kubeconfig, request.context);
    checkVersion(handle.serverVersion, request.kubernetesVersion, `the cluster of context ${handle.name}`);
    say(
      `using existing cluster: context ${handle.name}, server ${handle.serverVersion} (only namespaces this run creates are touched)`,
    );
    sayImageMap(handle.imageMap, say);
    return { handle, kube, release: async () => {} };
  }

  // Archives first: a directory that would mix official and stand-in images is refused before anything is built.
  const userArchives = request.imagesDir ? await readImageArchives(request.imagesDir, flagOf('images')) : [];
  const archiveImages = userArchives.flatMap((archive) => archive.images.map(({ image }) => image));
  const withUserArchives = (map: ImageMapEntry[]) =>
    request.imagesDir ? withArchives(map, archiveImages, request.imagesDir) : map;
  withUserArchives(standInMap(IMAGE_CATALOG.map((entry) => entry.local)));

  const offline = request.mode === 'offline' || (request.mode === 'auto' && !(await registriesReachable()));
  let kindBinary = process.env.KIND ?? 'kind';
  let nodeImage: string | undefined;
  let imageMap: ImageMapEntry[];
  const archives: ImageArchive[] = [];
  if (offline) {
    say(
      request.mode === 'offline'
        ? 'offline mode (asked for)'
        : 'offline mode: the public registries are unreachable from here',
    );
    const artifacts = await prepareOffline({
      say: (line) => say(`  ${line}`),
      signal: request.signal,
      ...(request.kubernetesVersion ? { kubernetesVersions: [request.kubernetesVersion] } : {}),
    }).catch((error: unknown) => {
      if (request.signal?.aborted) throw new InterruptedError('while preparing the offline toolchain');
      throw error;
    });
    kindBinary = process.env.KIND ?? artifacts.kind;
    nodeImage = artifacts.nodeImage;
    imageMap = withUserArchives(standInMap(artifacts.workloadImages));
    archives.push(...artifacts.workloadArchives);
  } else if (!(await dockerAnswers())) {
    throw new ActionableError(
      'no Docker engine answers',
      'start Docker, or run `npm run cluster:prepare`, which installs and starts it',
    );
  } else {
    // The guides' placeholder images (myapp, backup-tool) exist in no registry: built here, as offline.
    const placeholders = await preparePlaceholderImages({ say: (line) => say(`  ${line}`), signal: request.signal });
    imageMap = withUserArchives(officialMap(placeholders.images));
    archives.push(placeholders.archive);
    // Online, kind's own published node image of that version.
    if (request.kubernetesVersion) nodeImage = `kindest/node:${request.kubernetesVersion}`;
  }
  archives.push(...userArchives);
  sayImageMap(imageMap, say);

  const kind = new Kind(kindBinary, say);
  const kubeconfig = kubeconfigPathFor(request.clusterName);
  await mkdir(join(cacheRoot(), 'clusters'), { recursive: true });
  const interrupted = (what: string) => {
    if (request.signal?.aborted) throw new InterruptedError(what);
  };
  interrupted('before creating a cluster');
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
      signal: request.signal,
    });
    createdByThisRun = true;
    say(`✓ cluster ${request.clusterName} created in ${formatDuration((Date.now() - started) / 1000)}`);
  }
  let reached: Awaited<ReturnType<typeof reachCluster>>;
  try {
    await kind.writeKubeconfig(request.clusterName, kubeconfig);
    reached = await reachCluster(kubeconfig);
    if (reused) checkVersion(reached.serverVersion, request.kubernetesVersion, `kind cluster ${request.clusterName}`);
    interrupted(`while waiting for cluster ${request.clusterName}`);
    await waitForNodesReady(reached.kube, reused ? 1 : 1 + request.workers);
    for (const archive of archives) {
      interrupted(`while loading images into cluster ${request.clusterName}`);
      await loadUnlessPresent(kind, request.clusterName, archive, say);
    }
    if (request.waitForNodeImages && localImagesOf(imageMap).length > 0)
      await waitForNodeImages(reached.kube, localImagesOf(imageMap));
    interrupted(`after opening cluster ${request.clusterName}`);
  } catch (error) {
    // A cluster this run made and cannot hand over is not left behind, unless asked to keep it.
    if (createdByThisRun && !request.keepCluster) {
      say(`deleting kind cluster ${request.clusterName}, which this run created and cannot use`);
      await kind.delete(request.clusterName).catch(() => undefined);
      if (error instanceof InterruptedError)
        throw new InterruptedError(`${error.message.replace(/^interrupted /, '')}; the cluster was deleted`);
    }
    throw error;
  }

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

function sayImageMap(map: readonly ImageMapEntry[], say: (line: string) => void): void {
  say('image map (what runs for each image the fixtures name):');
  for (const line of imageMapLines(map)) say(`  ${line}`);
}

/** A cluster the run did not create runs the version it runs: if another was asked for, say so. */
function checkVersion(serverVersion: string, wanted: string | undefined, what: string): void {
  if (wanted && serverVersion !== wanted)
    throw new ActionableError(
      `${what} runs Kubernetes ${serverVersion}, not ${wanted}`,
      'leave out --kubernetes, or use another cluster (for kind: another --cluster-name, or delete this one)',
    );
}

/**
 * `kind load image-archive` unless every node already holds every image of the archive, by
 * Docker's image id (the same name could be another build): loading 1.2 GiB of guide images into
 * a reused cluster costs half a minute per node for nothing.
 */
async function loadUnlessPresent(
  kind: Kind,
  cluster: string,
  archive: ImageArchive,
  say: (line: string) => void,
): Promise<void> {
  const nodes = await kind.nodes(cluster);
  const known = archive.images.every((image) => image.id !== undefined);
  if (known && nodes.length > 0) {
    const present = await Promise.all(
      nodes.flatMap((node) =>
        archive.images.map(async ({ image, id }) => {
          const inspected = await execa(
            'docker',
            ['exec', node, 'crictl', 'inspecti', '-o', 'go-template', '--template', '{{.status.id}}', image],
            { reject: false },
          );
          return inspected.exitCode === 0 && inspected.stdout.trim() === id;
        }),
      ),
    );
    if (present.every(Boolean)) return;
  }
  const started = Date.now();
  await kind.loadImageArchive(cluster, archive.file);
  say(
    `loaded ${archive.images.length} image(s) from ${basename(archive.file)} onto ${nodes.length} node(s) in ${formatDuration((Date.now() - started) / 1000)}`,
  );
}
