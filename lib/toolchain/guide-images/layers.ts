import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { aptSourceFiles, mirrorFromAptSources } from '../apt-sources.js';
import type { Step, StepContext, StepOutput } from '../pipeline.js';
import { pins } from '../pins.js';
import type { CatalogEntry } from '../image-catalog.js';

/**
 * How the guide images are assembled, layer by layer, so the Debian-based ones share their
 * lower layers (one Debian, one PostgreSQL client layer) instead of each carrying a root
 * filesystem of its own:
 *
 * - an apt layer is a container of the layer below, run with the host's network and the shared
 *   Debian package cache, that installs packages from Debian (the suite, its updates and its
 *   security archive, from this machine's apt sources), then committed as one layer;
 * - a file layer is a `docker build` with the legacy builder and no network: it copies files of
 *   the repository (entrypoints, scripts) or of other steps (binaries) onto a layer below and
 *   sets the image's metadata.
 *
 * Intermediate images are named <INTERMEDIATE>/<name>:<step key>, so a stale one is recognisable
 * and a rebuilt recipe never reuses another's layer.
 */

export const ASSETS = fileURLToPath(new URL('../assets/images/', import.meta.url));
export const LAYERS_SOURCE = fileURLToPath(import.meta.url);

/** The repository of the suite's intermediate images (the one images.ts uses for its own). */
export const INTERMEDIATE = 'sts-conformance';

export function asset(image: string, file: string): string {
  return join(ASSETS, image, file);
}

export async function dockerImageExists(reference: string): Promise<boolean> {
  const result = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', reference], { reject: false });
  return result.exitCode === 0;
}

export interface ImageResult {
  readonly image: string;
}

/** For steps whose output is a Docker image: is it still in the engine? */
export const imageStillPresent = async (output: StepOutput<ImageResult>) => dockerImageExists(output.result.image);

/** Debian suites an apt layer installs from: the release, its updates and its security archive. */
function debianSuites(): string[] {
  return [pins.debianSuite, `${pins.debianSuite}-updates`, `${pins.debianSuite}-security`];
}

/**
 * A deb822 sources file for the container, with the mirror this machine's apt uses for each
 * suite (never a name of our own). A suite the machine has no source for is left out and said.
 */
export function containerAptSources(files = aptSourceFiles()): { text: string; missing: string[] } {
  const stanzas: string[] = [];
  const missing: string[] = [];
  for (const suite of debianSuites()) {
    const mirror = mirrorFromAptSources(files, suite);
    if (!mirror) {
      missing.push(suite);
      continue;
    }
    stanzas.push(
      [
        'Types: deb',
        `URIs: ${mirror}`,
        `Suites: ${suite}`,
        'Components: main',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
      ].join('\n'),
    );
  }
  return { text: `${stanzas.join('\n\n')}\n`, missing };
}

/**
 * The shared package cache is one directory for every build on this machine (debootstrap's and
 * apt's); apt refuses to share its lock, so builds take turns through this file lock.
 */
function debsCache(context: StepContext): { dir: string; lock: string } {
  const dir = join(context.cache.root, 'debs');
  return { dir, lock: join(dir, '.sts-conformance.lock') };
}

/**
 * `debootstrap --variant=minbase` into a tarball, for `docker import`. rootfs.ts has the same for
 * the node and tools root filesystems; this one stays apart so that neither recipe changes the other.
 */
export async function debootstrapTarball(context: StepContext, mirror: string): Promise<string> {
  const root = join(context.outDir, 'rootfs');
  const { dir, lock } = debsCache(context);
  await mkdir(dir, { recursive: true });
  context.note(`debootstrap ${pins.debianSuite} (minbase) from this machine's Debian mirror`);
  await context.run('flock', [
    '-w',
    '1800',
    lock,
    'debootstrap',
    '--variant=minbase',
    `--cache-dir=${dir}`,
    pins.debianSuite,
    root,
    mirror,
  ]);
  await context.run('sh', [
    '-c',
    `rm -rf "${root}"/var/lib/apt/lists/* "${root}"/var/cache/apt/archives/*.deb "${root}"/var/log/*.log`,
  ]);
  const tarball = join(context.outDir, 'rootfs.tar');
  await context.run('tar', ['-C', root, '--numeric-owner', '-cf', tarball, '.']);
  await rm(root, { recursive: true, force: true });
  return tarball;
}

/**
 * Runs `script` (a file of the repository, run by bash in the container) in a container of
 * `from`, with this machine's Debian sources and the shared package cache mounted, and commits
 * the container as `image`. Neither the sources nor the cache end up in the image: they are mounts.
 * The script sees the packages to install in $PACKAGES (exact Debian versions where pinned).
 */
export async function aptLayer(
  context: StepContext,
  options: { from: string; image: string; script: string; env?: Record<string, string> },
): Promise<void> {
  const sources = containerAptSources();
  if (sources.missing.length > 0)
    context.note(`this machine's apt sources name no mirror for ${sources.missing.join(', ')}; installing without`);
  const work = join(context.outDir, '.apt');
  await mkdir(work, { recursive: true });
  await writeFile(join(work, 'debian.sources'), sources.text);
  await writeFile(join(work, 'empty.list'), '');
  const prelude = await readFile(join(ASSETS, 'apt-layer-prelude.sh'), 'utf8');
  await writeFile(
    join(work, 'layer.sh'),
    `${prelude}\n# ---- ${options.script.replace(/^.*\/assets\//, 'assets/')}\n${await readFile(options.script, 'utf8')}`,
  );
  const { dir, lock } = debsCache(context);
  await mkdir(dir, { recursive: true });
  const container = `sts-conformance-layer-${context.key}-${process.pid}`;
  try {
    await context.run('flock', [
      '-w',
      '1800',
      lock,
      'docker',
      'run',
      '--name',
      container,
      '--pull',
      'never',
      '--network',
      'host',
      '-v',
      `${join(work, 'debian.sources')}:/etc/apt/sources.list.d/debian.sources:ro`,
      '-v',
      `${join(work, 'empty.list')}:/etc/apt/sources.list:ro`,
      '-v',
      `${join(work, 'layer.sh')}:/tmp/layer.sh:ro`,
      '-v',
      `${dir}:/var/cache/apt/archives`,
      '-e',
      'DEBIAN_FRONTEND=noninteractive',
      ...Object.entries(options.env ?? {}).flatMap(([name, value]) => ['-e', `${name}=${value}`]),
      options.from,
      'bash',
      '-euo',
      'pipefail',
      '/tmp/layer.sh',
    ]);
    // A committed container keeps the command it ran; the image should not.
    await context.run('docker', [
      'commit',
      '--change',
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--change',
      'CMD ["bash"]',
      container,
      options.image,
    ]);
  } finally {
    await execa('docker', ['rm', '-f', '-v', container], { reject: false });
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * `docker build` with the legacy builder (it resolves FROM against local images and never pulls)
 * and no network. `files` are copied into the context: [source file or directory, name in the context].
 */
export async function fileLayer(
  context: StepContext,
  options: {
    dockerfile: string;
    tags: readonly string[];
    files: ReadonlyArray<readonly [string, string]>;
    buildArgs?: Record<string, string>;
    labels?: Record<string, string>;
  },
): Promise<void> {
  const dir = join(context.outDir, '.context');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [source, name] of options.files) {
    if (!existsSync(source)) throw new Error(`missing ${source} for ${options.tags.join(', ')}`);
    await cp(source, join(dir, name), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  }
  await copyFile(options.dockerfile, join(dir, 'Dockerfile'));
  try {
    await context.run(
      'docker',
      [
        'build',
        '--network',
        'none',
        '--force-rm',
        ...Object.entries(options.buildArgs ?? {}).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
        ...Object.entries(options.labels ?? {}).flatMap(([name, value]) => ['--label', `${name}=${value}`]),
        ...options.tags.flatMap((tag) => ['-t', tag]),
        dir,
      ],
      { env: { DOCKER_BUILDKIT: '0' } },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `docker import` of a root filesystem tarball, unless the image is there already. */
export async function importRootfs(context: StepContext, tarball: string, image: string): Promise<void> {
  if (await dockerImageExists(image)) return;
  await context.run('docker', ['import', tarball, image]);
}

/** What a label says in a built image (the layer scripts record package versions as labels' sources). */
export async function runIn(image: string, command: readonly string[]): Promise<string> {
  const result = await execa(
    'docker',
    [
      'run',
      '--rm',
      '--pull',
      'never',
      '--network',
      'none',
      '--entrypoint',
      command[0] as string,
      image,
      ...command.slice(1),
    ],
    { reject: false },
  );
  if (result.exitCode !== 0)
    throw new Error(
      `\`${command.join(' ')}\` in ${image} exited with code ${result.exitCode}: ${result.stderr.trim()}`,
    );
  return result.stdout.trim();
}

/** OCI labels saying what a guide image is and what it stands in for. */
export function catalogLabels(entry: CatalogEntry): Record<string, string> {
  return {
    'org.opencontainers.image.title': entry.product,
    'org.opencontainers.image.version': entry.version,
    'org.opencontainers.image.description': `${entry.placeholder ? "the guides' placeholder" : 'stands in for'} ${entry.official}; built from ${entry.source}`,
  };
}

/** Upstream version of an installed Debian package: "1:10.11.19-0+deb12u1" -> "10.11.19". */
export function upstreamVersion(debianVersion: string): string {
  return /^(?:\d+:)?([^-+~]+)/.exec(debianVersion)?.[1] ?? debianVersion;
}

export async function debianPackageVersion(image: string, pkg: string): Promise<string> {
  return runIn(image, ['dpkg-query', '-W', '-f', '${Version}', pkg]);
}

/** A step's recipe: this file, the step's module, and the assets it copies. */
export function recipe(stepModule: string, ...assets: string[]): string[] {
  return [LAYERS_SOURCE, join(ASSETS, 'apt-layer-prelude.sh'), fileURLToPath(stepModule), ...assets];
}

export type { Step, StepContext, StepOutput };
