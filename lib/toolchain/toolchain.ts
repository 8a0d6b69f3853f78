import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { copyFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Step, StepContext } from './pipeline.js';
import { pins } from './pins.js';
import { stagingReplaces, toolsFile, wrapperGoMod } from './gomod.js';

/**
 * Everything compiled from the Go module proxy (and the one C program, pause), with
 * GOTOOLCHAIN=local so the installed Go is the only compiler. Each program is built through a
 * throwaway wrapper module that keeps the target's go line and GODEBUG defaults.
 */
const recipeFiles = [fileURLToPath(import.meta.url), fileURLToPath(new URL('./gomod.ts', import.meta.url))];

export interface GoBuildResult {
  readonly module: string;
  readonly version: string;
  /** Binary names under bin/ of the step's directory. */
  readonly binaries: readonly string[];
  /** The tag's commit when the proxy reports it. */
  readonly commit?: string;
}

interface ModuleDownload {
  Path: string;
  Version: string;
  Dir?: string;
  GoMod?: string;
  Error?: string;
  Origin?: { Hash?: string };
}

interface GoBuildSpec {
  readonly module: string;
  readonly version: string;
  readonly packages: readonly string[];
  readonly ldflags?: readonly string[];
  readonly tags?: readonly string[];
  readonly replaces?: (targetGoMod: string) => string[];
  /** Output file name when building a single package whose directory name differs. */
  readonly binaryName?: string;
}

export async function downloadModule(context: StepContext, module: string, version: string): Promise<ModuleDownload> {
  const scratch = join(context.outDir, '.download');
  await mkdir(scratch, { recursive: true });
  // Outside any module, so GOFLAGS=-mod=mod must not apply.
  const { exitCode, stdout } = await context.attempt('go', ['mod', 'download', '-json', `${module}@${version}`], {
    cwd: scratch,
    env: { GOFLAGS: '' },
  });
  await rm(scratch, { recursive: true, force: true });
  let download: ModuleDownload | undefined;
  try {
    download = JSON.parse(stdout) as ModuleDownload;
  } catch {
    download = undefined;
  }
  if (exitCode !== 0 || !download || download.Error) {
    const reason = download?.Error?.split('\n')[0] ?? `go mod download exited with code ${exitCode}`;
    throw new Error(`cannot download ${module}@${version} (${await proxyDiagnosis()}): ${reason}`);
  }
  return download;
}

/** Says whether the configured module proxy answers, so a network failure reads as one. */
async function proxyDiagnosis(): Promise<string> {
  // The proxy `go` itself uses: GOPROXY from the environment or from `go env` (never a name of our own).
  const configured = process.env.GOPROXY ?? (await execa('go', ['env', 'GOPROXY'], { reject: false })).stdout.trim();
  const proxy = configured.split(/[,|]/)[0] ?? '';
  if (!/^https?:\/\//.test(proxy)) return `GOPROXY=${configured}`;
  try {
    const response = await fetch(proxy, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    return `Go module proxy ${proxy} answers HTTP ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return `Go module proxy ${proxy} is unreachable (${cause}); set GOPROXY to a reachable proxy`;
  }
}

async function goBuild(context: StepContext, name: string, spec: GoBuildSpec): Promise<GoBuildResult> {
  const download = await downloadModule(context, spec.module, spec.version);
  if (!download.GoMod) throw new Error(`the proxy returned no go.mod for ${spec.module}@${spec.version}`);
  const targetGoMod = await readFile(download.GoMod, 'utf8');

  const work = join(context.outDir, '.work');
  await mkdir(work, { recursive: true });
  await writeFile(
    join(work, 'go.mod'),
    wrapperGoMod({
      name: `sts-conformance.local/build/${name}`,
      targetGoMod,
      module: spec.module,
      version: spec.version,
      replaces: spec.replaces?.(targetGoMod),
    }),
  );
  await writeFile(join(work, 'tools.go'), toolsFile(spec.packages));
  context.note(`resolving dependencies of ${spec.module}@${spec.version}`);
  await context.run('go', ['mod', 'tidy'], { cwd: work });

  const bin = join(context.outDir, 'bin');
  await mkdir(bin, { recursive: true });
  const output = spec.binaryName ? join(bin, spec.binaryName) : `${bin}/`;
  context.note(`compiling ${spec.packages.length} package(s)`);
  await context.run(
    'go',
    [
      'build',
      '-trimpath',
      ...(spec.tags?.length ? ['-tags', spec.tags.join(',')] : []),
      '-ldflags',
      ['-s', '-w', ...(spec.ldflags ?? [])].join(' '),
      '-o',
      output,
      ...spec.packages,
    ],
    { cwd: work },
  );
  await rm(work, { recursive: true, force: true });

  const binaries = spec.binaryName ? [spec.binaryName] : spec.packages.map((pkg) => pkg.split('/').pop() as string);
  for (const binary of binaries) {
    if (!existsSync(join(bin, binary))) throw new Error(`go build produced no ${binary}`);
  }
  return { module: spec.module, version: spec.version, binaries, commit: download.Origin?.Hash };
}

// ---------------------------------------------------------------------------------------------

export const kindCli: Step<GoBuildResult> = {
  name: 'kind',
  title: `kind ${pins.kind} CLI`,
  resource: 'cpu',
  needs: [],
  recipeFiles,
  fingerprint: () => ({ kind: pins.kind }),
  async build(context) {
    const built = await goBuild(context, 'kind', {
      module: 'sigs.k8s.io/kind',
      version: pins.kind,
      packages: ['sigs.k8s.io/kind'],
    });
    await context.run(join(context.outDir, 'bin', 'kind'), ['version']);
    return built;
  },
};

export interface KindSourceResult {
  /** images/base of the kind module: the base Dockerfile and the files/ tree. */
  readonly baseDir: 'images/base';
  /** The Go files that hold the node manifests and the images they name. */
  readonly nodeImageDir: 'nodeimage';
}

/** The parts of kind's source the node image must agree with, copied out of the read-only module cache. */
export const kindSource: Step<KindSourceResult> = {
  name: 'kind-source',
  title: `kind ${pins.kind} base-image files and node manifests`,
  resource: 'io',
  needs: [],
  recipeFiles,
  fingerprint: () => ({ kind: pins.kind }),
  async build(context) {
    const { Dir } = await downloadModule(context, 'sigs.k8s.io/kind', pins.kind);
    if (!Dir) throw new Error('no source directory for the kind module');
    await cp(join(Dir, 'images', 'base'), join(context.outDir, 'images', 'base'), { recursive: true });
    await mkdir(join(context.outDir, 'nodeimage'), { recursive: true });
    for (const file of ['const_cni.go', 'const_storage.go']) {
      await copyFile(join(Dir, 'pkg', 'build', 'nodeimage', file), join(context.outDir, 'nodeimage', file));
    }
    await context.run('chmod', ['-R', 'u+w', context.outDir]);
    return { baseDir: 'images/base', nodeImageDir: 'nodeimage' };
  },
};

// ---------------------------------------------------------------------------------------------

export interface KubernetesResult extends GoBuildResult {
  /** `kubeadm config images list` of the built kubeadm: the control-plane images the node needs. */
  readonly kubeadmImages: readonly string[];
  /** pause.c from the Kubernetes module, for the pause step. */
  readonly pauseSource: string;
}

const KUBERNETES_COMMANDS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
  'kubelet',
  'kubeadm',
  'kubectl',
];

/**
 * The steps that depend on the Kubernetes version, one set per version (the cache keys them by
 * it, so several versions live side by side): the binaries, and etcd, CoreDNS and pause at the
 * versions that release's kubeadm asks for. A step's name carries its version
 * (`kubernetes@v1.33.13`); everything else (kind, the root filesystems, the base image, crictl,
 * the storage provisioner, the workload images) is built once for all versions.
 */
export interface KubernetesRelease {
  readonly version: string;
  readonly kubernetes: Step<KubernetesResult>;
  readonly etcd: Step<GoBuildResult>;
  readonly coredns: Step<GoBuildResult>;
  readonly pause: Step<PauseResult>;
}

const releases = new Map<string, KubernetesRelease>();

/** The steps of one Kubernetes version; the same objects every time (the pipeline tells steps apart by identity). */
export function kubernetesRelease(version: string = pins.kubernetes): KubernetesRelease {
  let release = releases.get(version);
  if (!release) {
    const k8s = kubernetesStep(version);
    release = { version, kubernetes: k8s, etcd: etcdStep(k8s), coredns: corednsStep(k8s), pause: pauseStep(k8s) };
    releases.set(version, release);
  }
  return release;
}

/** "v1.33.13" -> "v0.33.13": the staging modules (k8s.io/api, client-go...) are tagged v0.X.Y for Kubernetes v1.X.Y. */
export function stagingVersion(version: string): string {
  const match = /^v1\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`${version} is not a Kubernetes release version (v1.MINOR.PATCH)`);
  return `v0.${match[1]}.${match[2]}`;
}

/** A step's name for one version: kubernetes@v1.33.13. */
export const versioned = (name: string, version: string) => `${name}@${version}`;

const kubernetesStep = (version: string): Step<KubernetesResult> => ({
  name: versioned('kubernetes', version),
  title: `Kubernetes ${version}: ${KUBERNETES_COMMANDS.join(', ')}`,
  resource: 'cpu',
  needs: [],
  recipeFiles,
  fingerprint: () => ({ kubernetes: version, staging: stagingVersion(version), commands: KUBERNETES_COMMANDS }),
  async build(context) {
    const download = await downloadModule(context, 'k8s.io/kubernetes', version);
    const [major, minor] = version.replace(/^v/, '').split('.');
    // The release time, not the build time: rebuilding the same version yields the same binaries.
    const buildDate = await releaseTime(download);
    const versionFields: Record<string, string> = {
      gitVersion: version,
      gitMajor: major as string,
      gitMinor: minor as string,
      gitTreeState: 'clean',
      buildDate,
      ...(download.Origin?.Hash ? { gitCommit: download.Origin.Hash } : {}),
    };
    // hack/lib/version.sh sets each field in both packages.
    const ldflags = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) =>
      Object.entries(versionFields).map(([field, value]) => `-X '${pkg}.${field}=${value}'`),
    );
    const built = await goBuild(context, 'kubernetes', {
      module: 'k8s.io/kubernetes',
      version,
      packages: KUBERNETES_COMMANDS.map((command) => `k8s.io/kubernetes/cmd/${command}`),
      tags: ['selinux', 'notest'],
      ldflags,
      replaces: (goMod) => stagingReplaces(goMod, stagingVersion(version)),
    });

    const kubeadm = join(context.outDir, 'bin', 'kubeadm');
    const reported = (await context.capture(kubeadm, ['version', '-o', 'short'])).trim();
    if (reported !== version) throw new Error(`kubeadm reports version ${reported}, expected ${version}`);
    const images = (await context.capture(kubeadm, ['config', 'images', 'list', '--kubernetes-version', version]))
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);

    if (!download.Dir) throw new Error('no source directory for the Kubernetes module');
    const pauseC = join(download.Dir, 'build', 'pause', 'linux', 'pause.c');
    await mkdir(join(context.outDir, 'pause'), { recursive: true });
    await copyFile(pauseC, join(context.outDir, 'pause', 'pause.c'));
    return { ...built, commit: download.Origin?.Hash, kubeadmImages: images, pauseSource: 'pause/pause.c' };
  },
});

async function releaseTime(download: ModuleDownload): Promise<string> {
  const infoFile = download.GoMod?.replace(/\.mod$/, '.info');
  const info =
    infoFile && existsSync(infoFile) ? (JSON.parse(await readFile(infoFile, 'utf8')) as { Time?: string }) : {};
  return (info.Time ?? '1970-01-01T00:00:00Z').replace(/\.\d+Z$/, 'Z');
}

/** The tag of a `kubeadm config images list` entry, e.g. etcd -> "3.6.4-0". */
export function kubeadmImageTag(images: readonly string[], repository: string): string {
  const image = images.find((candidate) => candidate.startsWith(`${repository}:`));
  if (!image) throw new Error(`kubeadm lists no ${repository} image (it lists ${images.join(', ')})`);
  return image.slice(repository.length + 1);
}

// ---------------------------------------------------------------------------------------------

const etcdStep = (kubernetes: Step<KubernetesResult>): Step<GoBuildResult> => ({
  name: kubernetes.name.replace(/^kubernetes/, 'etcd'),
  title: `etcd, at the version kubeadm ${kubernetes.name.replace(/^kubernetes@/, '')} asks for`,
  resource: 'cpu',
  needs: [kubernetes],
  recipeFiles,
  fingerprint: (use) => ({ etcd: etcdVersion(use(kubernetes).result.kubeadmImages) }),
  build: (context, use) => {
    const version = etcdVersion(use(kubernetes).result.kubeadmImages);
    // server/go.mod replaces its sibling modules with ../api etc., so `go install` refuses it.
    return goBuild(context, 'etcd', {
      module: 'go.etcd.io/etcd/server/v3',
      version,
      packages: ['go.etcd.io/etcd/server/v3'],
      binaryName: 'etcd',
    });
  },
});

/** "registry.k8s.io/etcd:3.6.4-0" -> "v3.6.4" */
export function etcdVersion(kubeadmImages: readonly string[]): string {
  return `v${kubeadmImageTag(kubeadmImages, 'registry.k8s.io/etcd').replace(/-\d+$/, '')}`;
}

const corednsStep = (kubernetes: Step<KubernetesResult>): Step<GoBuildResult> => ({
  name: kubernetes.name.replace(/^kubernetes/, 'coredns'),
  title: `CoreDNS, at the version kubeadm ${kubernetes.name.replace(/^kubernetes@/, '')} asks for`,
  resource: 'cpu',
  needs: [kubernetes],
  recipeFiles,
  fingerprint: (use) => ({
    coredns: kubeadmImageTag(use(kubernetes).result.kubeadmImages, 'registry.k8s.io/coredns/coredns'),
  }),
  build: (context, use) => {
    const version = kubeadmImageTag(use(kubernetes).result.kubeadmImages, 'registry.k8s.io/coredns/coredns');
    return goBuild(context, 'coredns', {
      module: 'github.com/coredns/coredns',
      version,
      packages: ['github.com/coredns/coredns'],
      binaryName: 'coredns',
      ldflags: [`-X github.com/coredns/coredns/coremain.GitCommit=${version}`],
    });
  },
});

export const crictl: Step<GoBuildResult> = {
  name: 'crictl',
  title: `crictl ${pins.crictl}`,
  resource: 'cpu',
  needs: [],
  recipeFiles,
  fingerprint: () => ({ crictl: pins.crictl }),
  build: (context) =>
    goBuild(context, 'crictl', {
      module: 'sigs.k8s.io/cri-tools',
      version: pins.crictl,
      packages: ['sigs.k8s.io/cri-tools/cmd/crictl'],
      ldflags: [`-X sigs.k8s.io/cri-tools/pkg/version.Version=${pins.crictl.replace(/^v/, '')}`],
    }),
};

export const localPathProvisioner: Step<GoBuildResult> = {
  name: 'local-path-provisioner',
  title: `local-path-provisioner ${pins.localPathProvisioner}`,
  resource: 'cpu',
  needs: [],
  recipeFiles,
  fingerprint: () => ({ localPathProvisioner: pins.localPathProvisioner }),
  build: (context) =>
    goBuild(context, 'local-path-provisioner', {
      module: 'github.com/rancher/local-path-provisioner',
      version: pins.localPathProvisioner,
      packages: ['github.com/rancher/local-path-provisioner'],
      binaryName: 'local-path-provisioner',
      ldflags: [`-X main.VERSION=${pins.localPathProvisioner}`],
    }),
};

export interface PauseResult {
  readonly binary: 'bin/pause';
  readonly version: string;
}

const pauseStep = (kubernetes: Step<KubernetesResult>): Step<PauseResult> => ({
  name: kubernetes.name.replace(/^kubernetes/, 'pause'),
  title: `pause, compiled from the Kubernetes module ${kubernetes.name.replace(/^kubernetes@/, '')}`,
  resource: 'cpu',
  needs: [kubernetes],
  recipeFiles,
  fingerprint: (use) => ({ pause: kubeadmImageTag(use(kubernetes).result.kubeadmImages, 'registry.k8s.io/pause') }),
  async build(context, use) {
    const k8s = use(kubernetes);
    const version = kubeadmImageTag(k8s.result.kubeadmImages, 'registry.k8s.io/pause');
    await mkdir(join(context.outDir, 'bin'), { recursive: true });
    // The flags of build/pause/Makefile: a static, stripped binary.
    await context.run('gcc', [
      '-Os',
      '-Wall',
      '-Werror',
      '-static',
      `-DVERSION=v${version}`,
      '-o',
      join(context.outDir, 'bin', 'pause'),
      join(k8s.dir, k8s.result.pauseSource),
    ]);
    await context.run('strip', [join(context.outDir, 'bin', 'pause')]);
    return { binary: 'bin/pause', version };
  },
});
