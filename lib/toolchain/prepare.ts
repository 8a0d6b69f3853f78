import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../support/errors.js';
import { formatBytes, formatDuration } from '../support/format.js';
import { cacheLayout, type CacheLayout } from './cache.js';
import { prepareHost, type HostFacts } from './host.js';
import {
  isIntermediateImage,
  nodeImage,
  workloadImages,
  type NodeImageResult,
  type WorkloadImage,
  type WorkloadImagesResult,
} from './images.js';
import { guideImages, isGuideIntermediate, type GuideImagesResult } from './guide-images/index.js';
import { IMAGE_CATALOG } from './image-catalog.js';
import { Pipeline, type PipelineReporter, type Step, type StepOutput } from './pipeline.js';
import { pins } from './pins.js';
import { kindCli, kubernetes } from './toolchain.js';

/** A `docker save` archive and the images in it, with Docker's image id where it is known. */
export interface ImageArchive {
  readonly file: string;
  readonly images: ReadonlyArray<{ readonly image: string; readonly id?: string }>;
}

/** What a kind cluster needs, all of it local: the kind binary, the node image and the workload images. */
export interface OfflineArtifacts {
  readonly kind: string;
  readonly kubectl: string;
  readonly nodeImage: string;
  readonly kubernetesVersion: string;
  /** Every local workload image (busybox and the guide images of lib/toolchain/image-catalog.ts). */
  readonly workloadImages: readonly string[];
  /** `docker save` archives of the workload images, for `kind load image-archive`, with what they hold. */
  readonly workloadArchives: readonly ImageArchive[];
  readonly host: HostFacts;
}

export interface PrepareOptions {
  /** Step names to rebuild (their dependents follow), or 'all'. */
  readonly rebuild?: ReadonlySet<string> | 'all';
  readonly say?: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly cache?: CacheLayout;
}

/** Every step reachable from `targets`, dependencies first. */
function stepsOf(targets: readonly Step<unknown>[]): Step<unknown>[] {
  const ordered: Step<unknown>[] = [];
  const visit = (step: Step<unknown>) => {
    if (ordered.some((known) => known.name === step.name)) return;
    step.needs.forEach(visit);
    ordered.push(step);
  };
  targets.forEach(visit);
  return ordered;
}

export class UnknownStepError extends UsageError {
  constructor(unknown: readonly string[], known: readonly string[]) {
    super(`unknown step ${unknown.join(', ')} for --rebuild`, `steps are: all, ${known.join(', ')}`);
    this.name = 'UnknownStepError';
  }
}

/**
 * Builds (or finds in the cache) everything an offline kind cluster needs, and makes sure the
 * node and workload images are in the local Docker engine.
 */
export async function prepareOffline(options: PrepareOptions = {}): Promise<OfflineArtifacts> {
  const say = options.say ?? ((line: string) => console.log(line));
  const cache = options.cache ?? cacheLayout();
  const started = Date.now();

  const hostStarted = Date.now();
  const host = await prepareHost({ cache, say: (line) => say(`  host: ${line}`), buildTools: true });
  say(
    `✓ host ready in ${formatDuration((Date.now() - hostStarted) / 1000)} (Docker ${host.dockerServerVersion}, default runtime ${host.dockerDefaultRuntime})`,
  );

  const node = nodeImage(host);
  const known = stepsOf([kindCli, node, workloadImages, guideImages]).map((step) => step.name);
  const rebuild = options.rebuild ?? new Set<string>();
  if (rebuild !== 'all') {
    const unknown = [...rebuild].filter((name) => !known.includes(name));
    if (unknown.length > 0) throw new UnknownStepError(unknown, known);
  }

  const timings: Array<StepOutput<unknown>> = [];
  const reporter: PipelineReporter = {
    started: (step, key, logFile) => say(`▸ ${step.name}: ${step.title} [${key}] (log: ${logFile})`),
    progress: (step, elapsed, lastLine) =>
      say(`  ${step.name}: ${formatDuration(elapsed)} so far; ${truncate(lastLine, 110)}`),
    finished: (output) => {
      timings.push(output);
      say(
        output.cached
          ? `✓ ${output.name}: cached [${output.key}]`
          : `✓ ${output.name}: built in ${formatDuration(output.seconds)}`,
      );
    },
    failed: () => {},
  };
  // The first failure stops the other steps (their commands are killed) before it is reported.
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const pipeline = new Pipeline({
    cache,
    rebuild,
    reporter,
    signal: stop.signal,
    env: {
      GOTOOLCHAIN: 'local',
      GOFLAGS: '-mod=mod',
      GOWORK: 'off',
      CGO_ENABLED: '0',
      GOMODCACHE: cache.goModCache,
      GOCACHE: cache.goBuildCache,
    },
  });
  const settled = await Promise.allSettled(
    [
      pipeline.resolve(kindCli),
      pipeline.resolve(node),
      pipeline.resolve(workloadImages),
      pipeline.resolve(kubernetes),
      pipeline.resolve(guideImages),
    ].map((pending) =>
      pending.catch((error: unknown) => {
        stop.abort();
        throw error;
      }),
    ),
  );
  const failures = settled
    .filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
    .map((outcome) => outcome.reason as unknown);
  if (failures.length > 0) throw failures.find((error) => !String(error).includes('interrupted')) ?? failures[0];
  const [kind, nodeOutput, workloads, k8s, guides] = settled.map(
    (outcome) => (outcome as PromiseFulfilledResult<StepOutput<unknown>>).value,
  ) as [
    StepOutput<{ binaries: readonly string[] }>,
    StepOutput<NodeImageResult>,
    StepOutput<WorkloadImagesResult>,
    StepOutput<unknown>,
    StepOutput<GuideImagesResult>,
  ];
  requireCatalogAgrees(workloads.result.images);

  await ensureImageLoaded(nodeOutput.result.image, join(nodeOutput.dir, nodeOutput.result.tarball), say);
  for (const image of workloads.result.images) {
    await ensureImageLoaded(image.image, join(workloads.dir, workloads.result.tarball), say);
  }
  const guideArchive = join(guides.dir, guides.result.tarball);
  for (const image of guides.result.images) await ensureImageLoaded(image.image, guideArchive, say, image.id);

  const pruned = await pruneStaleArtifacts(cache, pipeline.resolvedOutputs());
  if (pruned.entries > 0)
    say(
      `pruned ${pruned.entries} cache entr${pruned.entries === 1 ? 'y' : 'ies'} of older recipes (${formatBytes(pruned.bytes)}) and ${pruned.images} Docker image(s)`,
    );

  const built = timings.filter((output) => !output.cached);
  if (built.length > 0) {
    say('step times:');
    for (const output of built) say(`  ${output.name.padEnd(24)} ${formatDuration(output.seconds)}`);
  }
  say(
    `✓ offline toolchain ready in ${formatDuration((Date.now() - started) / 1000)}: node image ${nodeOutput.result.image}, kind ${pins.kind}, cache ${cache.root} (${await directorySize(cache.root)})`,
  );

  return {
    kind: join(kind.dir, 'bin', 'kind'),
    kubectl: join(k8s.dir, 'bin', 'kubectl'),
    nodeImage: nodeOutput.result.image,
    kubernetesVersion: nodeOutput.result.kubernetesVersion,
    workloadImages: [
      ...workloads.result.images.map((image) => image.image),
      ...guides.result.images.map((image) => image.image),
    ],
    workloadArchives: [
      {
        file: join(workloads.dir, workloads.result.tarball),
        images: workloads.result.images.map(({ image }) => ({ image })),
      },
      { file: guideArchive, images: guides.result.images.map(({ image, id }) => ({ image, id })) },
    ],
    host,
  };
}

/**
 * Removes artifacts of older keys of the steps just resolved, and the intermediate Docker images
 * they tagged, so the cache holds one recipe's worth. Partial directories of a prepare that is
 * still running elsewhere are left alone.
 */
async function pruneStaleArtifacts(
  cache: CacheLayout,
  current: ReadonlyMap<string, StepOutput<unknown>>,
): Promise<{ entries: number; bytes: number; images: number }> {
  let entries = 0;
  let bytes = 0;
  const currentKeys = new Set([...current.values()].map((output) => output.key));
  for (const [name, output] of current) {
    const dir = join(cache.artifacts, name);
    for (const entry of await readdir(dir).catch(() => [] as string[])) {
      if (entry === output.key || entry.includes('.partial-')) continue;
      const size = Number((await execa('du', ['-sb', join(dir, entry)], { reject: false })).stdout.split('\t')[0]);
      await rm(join(dir, entry), { recursive: true, force: true });
      entries++;
      bytes += Number.isFinite(size) ? size : 0;
    }
  }
  const listed = await execa('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { reject: false });
  const stale = listed.stdout
    .split('\n')
    .filter((reference) => isIntermediateImage(reference) || isGuideIntermediate(reference))
    .filter((reference) => ![...currentKeys].some((key) => reference.endsWith(key)));
  if (stale.length > 0) await execa('docker', ['rmi', ...stale], { reject: false });
  return { entries, bytes, images: stale.length };
}

/**
 * Loads the image from its archive unless the engine has it; with `id`, also when the engine's
 * image of that name is another build (another checkout's recipe tagged the same name).
 */
async function ensureImageLoaded(
  image: string,
  archive: string,
  say: (line: string) => void,
  id?: string,
): Promise<void> {
  const present = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { reject: false });
  if (present.exitCode === 0 && (id === undefined || present.stdout.trim() === id)) return;
  const started = Date.now();
  await execa('docker', ['load', '-i', archive]);
  say(`✓ loaded ${image} into Docker from the cache in ${formatDuration((Date.now() - started) / 1000)}`);
}

/** The busybox image images.ts builds is the one the image catalog names (its version comes from Debian). */
function requireCatalogAgrees(built: readonly WorkloadImage[]): void {
  for (const image of built) {
    const entry = IMAGE_CATALOG.find((candidate) => candidate.official === image.standsInFor);
    if (!entry || entry.local !== image.image)
      throw new Error(
        `the workload image step built ${image.image} for ${image.standsInFor}, but the image catalog (lib/toolchain/image-catalog.ts) names ${entry?.local ?? 'nothing'}`,
      );
  }
}

async function directorySize(path: string): Promise<string> {
  const result = await execa('du', ['-sb', path], { reject: false });
  const bytes = Number(result.stdout.split('\t')[0]);
  return Number.isFinite(bytes) ? formatBytes(bytes) : 'size unknown';
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
