import { copyFile, mkdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptSourceFiles, mirrorFromAptSources } from './apt-sources.js';
import { kindBasePackages } from './kind-source.js';
import type { Step, StepContext, StepOutput } from './pipeline.js';
import { pins } from './pins.js';
import { kindSource } from './toolchain.js';

/**
 * Root filesystems debootstrapped from Debian: the kind node's and a small one for the tool
 * images. Kept apart from images.ts so that changing how images are assembled does not
 * re-download a Debian.
 */
const recipeFiles = [fileURLToPath(import.meta.url), fileURLToPath(new URL('./kind-source.ts', import.meta.url))];

/** STS_DEBIAN_MIRROR, else the mirror this machine's apt uses for the suite (apt-sources.ts). */
export function debianMirror(): string {
  const mirror = process.env.STS_DEBIAN_MIRROR ?? mirrorFromAptSources(aptSourceFiles(), pins.debianSuite);
  if (!mirror) {
    throw new Error(
      `no Debian mirror for ${pins.debianSuite} in this machine's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d); set STS_DEBIAN_MIRROR to one`,
    );
  }
  return mirror;
}

export interface RootfsResult {
  readonly tarball: 'rootfs.tar';
  readonly packages: readonly string[];
  /** `dpkg-query` versions of packages the images care about. */
  readonly versions: Record<string, string>;
}

/**
 * `debootstrap --variant=minbase` with extra packages, packed as a tar for `docker import`.
 * `keep` copies files out of the tree first: [path in the root filesystem, path in the step output].
 */
async function debootstrap(
  context: StepContext,
  packages: readonly string[],
  reportVersionsOf: readonly string[],
  keep: ReadonlyArray<readonly [string, string]> = [],
): Promise<RootfsResult> {
  const root = join(context.outDir, 'rootfs');
  const debs = join(context.cache.root, 'debs');
  await mkdir(debs, { recursive: true });
  context.note(`debootstrap ${pins.debianSuite} with ${packages.length} extra packages from ${debianMirror()}`);
  await context.run('debootstrap', [
    '--variant=minbase',
    `--include=${packages.join(',')}`,
    `--cache-dir=${debs}`,
    pins.debianSuite,
    root,
    debianMirror(),
  ]);
  const versions: Record<string, string> = {};
  for (const pkg of reportVersionsOf) {
    versions[pkg] = (await context.capture('chroot', [root, 'dpkg-query', '-W', '-f', '${Version}', pkg])).trim();
  }
  for (const [from, to] of keep) {
    await mkdir(dirname(join(context.outDir, to)), { recursive: true });
    await copyFile(join(root, from), join(context.outDir, to));
  }
  // Package indexes and downloaded archives only make the image larger.
  await context.run('sh', [
    '-c',
    `rm -rf "${root}"/var/lib/apt/lists/* "${root}"/var/cache/apt/archives/*.deb "${root}"/var/log/*.log`,
  ]);
  await context.run('tar', ['-C', root, '--numeric-owner', '-cf', join(context.outDir, 'rootfs.tar'), '.']);
  await rm(root, { recursive: true, force: true });
  return { tarball: 'rootfs.tar', packages, versions };
}

/** The node's root filesystem: what kind's base image installs, plus containerd, runc and the CNI plugins from Debian. */
export const nodeRootfs: Step<RootfsResult> = {
  name: 'node-rootfs',
  title: `Debian ${pins.debianSuite} root filesystem for kind nodes`,
  resource: 'io',
  needs: [kindSource],
  recipeFiles,
  fingerprint: (use) => ({ suite: pins.debianSuite, packages: nodePackages(use(kindSource)) }),
  build: (context, use) =>
    debootstrap(context, nodePackages(use(kindSource)), [
      'containerd',
      'runc',
      'containernetworking-plugins',
      'systemd',
    ]),
};

function nodePackages(source: StepOutput<{ baseDir: string }>): string[] {
  const dockerfile = readFileSync(join(source.dir, source.result.baseDir, 'Dockerfile'), 'utf8');
  // Debian's builds instead of kind's self-built containerd 2.2 / runc 1.2 / CNI 1.8: see README, "Offline mode".
  return [...kindBasePackages(dockerfile), 'containerd', 'runc', 'containernetworking-plugins'];
}

/** A small Debian with iptables, nftables and iproute2 (kube-proxy, kindnet-lite) and busybox-static (workloads, local-path helper). */
export const toolsRootfs: Step<RootfsResult> = {
  name: 'tools-rootfs',
  title: `Debian ${pins.debianSuite} root filesystem with iptables, nftables, iproute2 and busybox-static`,
  resource: 'io',
  needs: [],
  recipeFiles,
  fingerprint: () => ({ suite: pins.debianSuite, packages: TOOLS_PACKAGES }),
  // The busybox binary is kept apart: workload images need nothing else. (/bin is /usr/bin in bookworm.)
  build: (context) =>
    debootstrap(context, TOOLS_PACKAGES, ['busybox-static', 'iptables'], [['usr/bin/busybox', 'bin/busybox']]),
};

const TOOLS_PACKAGES = ['iptables', 'nftables', 'conntrack', 'iproute2', 'ca-certificates', 'busybox-static'];
