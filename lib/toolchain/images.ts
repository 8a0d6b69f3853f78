import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { waitFor } from '../support/wait.js';
import type { HostFacts } from './host.js';
import {
  goRawStringConstant,
  goStringConstants,
  imagesInManifest,
  replaceImage,
  restrictOomScoreAdj,
  sandboxImage,
} from './kind-source.js';
import type { Step, StepContext, StepOutput } from './pipeline.js';
import { nodeRootfs, toolsRootfs } from './rootfs.js';
import { pins } from './pins.js';
import {
  crictl,
  kindSource,
  kubernetesRelease,
  localPathProvisioner,
  versioned,
  type GoBuildResult,
  type KubernetesRelease,
} from './toolchain.js';

/**
 * The images a kind cluster needs, assembled from Debian packages and the binaries built by
 * toolchain.ts: two debootstrapped root filesystems, kind's base image, the component images
 * under the exact names the node asks for, the node image itself, and the workload images.
 */
const recipeFiles = [
  fileURLToPath(import.meta.url),
  fileURLToPath(new URL('./kind-source.ts', import.meta.url)),
  fileURLToPath(new URL('./assets/kind-base.Dockerfile', import.meta.url)),
  fileURLToPath(new URL('./assets/kindnet-lite.sh', import.meta.url)),
];

const IMAGE_PREFIX = 'sts-conformance';

/** Registry-free name of the busybox workload image; fixtures name upstream busybox and are mapped to it. */
export const WORKLOAD_REGISTRY = 'sts-conformance.local';

/**
 * Images the steps tag along the way. Each tag ends with the key of the step that made it, so
 * an image of one of these repositories whose tag ends with no current key is stale.
 */
const INTERMEDIATE_REPOSITORIES = {
  nodeRootfs: `${IMAGE_PREFIX}/node-rootfs`,
  kindBase: `${IMAGE_PREFIX}/kind-base`,
  kindnetLite: `${WORKLOAD_REGISTRY}/kindnet-lite`,
  debianTools: `${IMAGE_PREFIX}/debian-tools`,
} as const;

export function isIntermediateImage(reference: string): boolean {
  return Object.values(INTERMEDIATE_REPOSITORIES).some((repository) => reference.startsWith(`${repository}:`));
}

async function dockerImageExists(reference: string): Promise<boolean> {
  const result = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', reference], { reject: false });
  return result.exitCode === 0;
}

/** `docker build` with the legacy builder: it resolves FROM against local images and never pulls. */
async function dockerBuild(
  context: StepContext,
  contextDir: string,
  tags: readonly string[],
  buildArgs: Record<string, string> = {},
  dockerfile?: string,
) {
  await context.run(
    'docker',
    [
      'build',
      '--network',
      'none',
      '--force-rm',
      ...(dockerfile ? ['-f', dockerfile] : []),
      ...Object.entries(buildArgs).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
      ...tags.flatMap((tag) => ['-t', tag]),
      contextDir,
    ],
    { env: { DOCKER_BUILDKIT: '0' } },
  );
}

// ---------------------------------------------------------------------------------------------
// kind's base image

export interface DockerImageResult {
  readonly image: string;
}

const dockerImageStillPresent = async (output: StepOutput<DockerImageResult>) => dockerImageExists(output.result.image);

const baseImages = new Map<boolean, Step<DockerImageResult>>();

/** One base image for every Kubernetes version (the same step object each time, as the pipeline needs). */
export function baseImage(host: HostFacts): Step<DockerImageResult> {
  const known = baseImages.get(host.canLowerOomScoreAdj);
  if (known) return known;
  const step: Step<DockerImageResult> = {
    name: 'base-image',
    title: `kind ${pins.kind} base image from the Debian root filesystem`,
    resource: 'io',
    needs: [kindSource, nodeRootfs, crictl],
    recipeFiles,
    fingerprint: () => ({ restrictOomScoreAdj: !host.canLowerOomScoreAdj }),
    stillPresent: dockerImageStillPresent,
    async build(context, use) {
      const source = use(kindSource);
      const rootfs = use(nodeRootfs);
      const rootfsImage = `${INTERMEDIATE_REPOSITORIES.nodeRootfs}:${rootfs.key}`;
      const image = `${INTERMEDIATE_REPOSITORIES.kindBase}:${pins.kind}-${context.key}`;
      if (!(await dockerImageExists(rootfsImage))) {
        await context.run('docker', ['import', join(rootfs.dir, rootfs.result.tarball), rootfsImage]);
      }

      const buildContext = join(context.outDir, '.context');
      await cp(join(source.dir, source.result.baseDir, 'files'), join(buildContext, 'files'), { recursive: true });
      const containerdConfig = join(buildContext, 'files', 'etc', 'containerd', 'config.toml');
      if (!host.canLowerOomScoreAdj) {
        await writeFile(containerdConfig, restrictOomScoreAdj(await readFile(containerdConfig, 'utf8')));
        context.note('containerd config: restrict_oom_score_adj = true (this host cannot lower oom_score_adj)');
      }
      const tools = use(crictl);
      await copyFile(join(tools.dir, 'bin', 'crictl'), join(buildContext, 'crictl'));
      await copyFile(
        fileURLToPath(new URL('./assets/kind-base.Dockerfile', import.meta.url)),
        join(buildContext, 'Dockerfile'),
      );
      await dockerBuild(context, buildContext, [image], { ROOTFS: rootfsImage });
      await rm(buildContext, { recursive: true, force: true });
      return { image };
    },
  };
  baseImages.set(host.canLowerOomScoreAdj, step);
  return step;
}

// ---------------------------------------------------------------------------------------------
// Component images: the exact names the node's containerd will be asked for

export interface ComponentImagesResult {
  readonly tarball: 'components.tar';
  readonly images: readonly string[];
  /** The default CNI and storage manifests for /kind/manifests: kind's, with kindnet-lite as the CNI image. */
  readonly manifests: { readonly cni: 'default-cni.yaml'; readonly storage: 'default-storage.yaml' };
}

interface ComponentImage {
  readonly names: readonly string[];
  /** Docker image to start from; scratch for static binaries. */
  readonly from: 'scratch' | 'tools';
  /** Files to copy: [source path, path in the image]. */
  readonly files: ReadonlyArray<readonly [string, string]>;
  readonly instructions: readonly string[];
}

const componentSteps = new Map<string, Step<ComponentImagesResult>>();

/** The images of one Kubernetes version's control plane, with the CNI and storage images. */
export function componentImages(release: KubernetesRelease = kubernetesRelease()): Step<ComponentImagesResult> {
  const known = componentSteps.get(release.version);
  if (known) return known;
  const step = componentImagesStep(release);
  componentSteps.set(release.version, step);
  return step;
}

const componentImagesStep = ({
  version,
  kubernetes,
  etcd,
  coredns,
  pause,
}: KubernetesRelease): Step<ComponentImagesResult> => ({
  name: versioned('component-images', version),
  title: `control-plane (Kubernetes ${version}), CNI and storage images under the names kubeadm and kind use`,
  resource: 'io',
  needs: [kindSource, kubernetes, etcd, coredns, localPathProvisioner, pause, toolsRootfs],
  recipeFiles,
  fingerprint: () => ({}),
  async build(context, use) {
    const source = use(kindSource);
    const k8s = use(kubernetes);
    const nodeManifests = readNodeManifests(source);
    const containerdConfig = requireText(
      join(source.dir, source.result.baseDir, 'files', 'etc', 'containerd', 'config.toml'),
    );
    const sandbox = sandboxImage(containerdConfig);
    const kubeadmImages = k8s.result.kubeadmImages;
    const named = (repository: string) => {
      const image = kubeadmImages.find((candidate) => candidate.startsWith(`${repository}:`));
      if (!image) throw new Error(`kubeadm lists no ${repository} image`);
      return image;
    };
    const [kindnetdImage] = imagesInManifest(nodeManifests.cni);
    const [provisionerImage, helperImage] = [nodeManifests.storageProvisionerImage, nodeManifests.storageHelperImage];
    if (!kindnetdImage) throw new Error("no image in kind's default CNI manifest");
    // kindnetd's module is not on the Go proxy; see assets/kindnet-lite.sh for what stands in.
    const kindnetLiteImage = `${INTERMEDIATE_REPOSITORIES.kindnetLite}:${context.key}`;
    const cniManifest = replaceImage(nodeManifests.cni, kindnetdImage, kindnetLiteImage);

    const binary = (output: StepOutput<GoBuildResult>, name: string) => join(output.dir, 'bin', name);
    const k8sBinary = (name: string) => join(k8s.dir, 'bin', name);
    const busybox = join(use(toolsRootfs).dir, 'bin', 'busybox');
    const staticPath = 'ENV PATH=/usr/local/bin:/usr/bin:/bin';
    const controlPlane = (name: string): ComponentImage => ({
      names: [named(`registry.k8s.io/${name}`)],
      from: 'scratch',
      files: [[k8sBinary(name), `/usr/local/bin/${name}`]],
      instructions: [staticPath],
    });

    const images: ComponentImage[] = [
      // The sandbox image containerd is configured with (3.10) and the one kubeadm lists (3.10.1): one image, two names.
      {
        names: unique([sandbox, named('registry.k8s.io/pause')]),
        from: 'scratch',
        files: [[join(use(pause).dir, 'bin', 'pause'), '/pause']],
        instructions: ['USER 65535:65535', 'ENTRYPOINT ["/pause"]'],
      },
      {
        names: [named('registry.k8s.io/etcd')],
        from: 'scratch',
        files: [[binary(use(etcd), 'etcd'), '/usr/local/bin/etcd']],
        instructions: [staticPath],
      },
      controlPlane('kube-apiserver'),
      controlPlane('kube-controller-manager'),
      controlPlane('kube-scheduler'),
      // kube-proxy runs /usr/local/bin/kube-proxy and programs iptables (nft backend, like the node).
      {
        names: [named('registry.k8s.io/kube-proxy')],
        from: 'tools',
        files: [[k8sBinary('kube-proxy'), '/usr/local/bin/kube-proxy']],
        instructions: [],
      },
      // The CoreDNS pod only passes -conf, so the image's entrypoint is the binary. It runs as root: no file capabilities needed.
      {
        names: [named('registry.k8s.io/coredns/coredns')],
        from: 'scratch',
        files: [[binary(use(coredns), 'coredns'), '/coredns']],
        instructions: ['ENTRYPOINT ["/coredns"]'],
      },
      {
        names: [kindnetLiteImage],
        from: 'tools',
        files: [
          [k8sBinary('kubectl'), '/usr/local/bin/kubectl'],
          [fileURLToPath(new URL('./assets/kindnet-lite.sh', import.meta.url)), '/usr/local/bin/kindnet-lite'],
        ],
        instructions: ['CMD ["/usr/local/bin/kindnet-lite"]'],
      },
      {
        names: [provisionerImage],
        from: 'scratch',
        files: [[binary(use(localPathProvisioner), 'local-path-provisioner'), '/usr/local/bin/local-path-provisioner']],
        instructions: [staticPath],
      },
      // The helper pod runs `sh /script/setup|teardown`, which needs sh, mkdir and rm.
      { names: [helperImage], from: 'scratch', files: [[busybox, '/bin/busybox']], instructions: BUSYBOX_ROOTFS },
    ];

    const tools = use(toolsRootfs);
    const toolsImage = `${INTERMEDIATE_REPOSITORIES.debianTools}:${tools.key}`;
    if (!(await dockerImageExists(toolsImage)))
      await context.run('docker', ['import', join(tools.dir, tools.result.tarball), toolsImage]);

    const contexts = join(context.outDir, '.contexts');
    for (const [index, image] of images.entries()) {
      const dir = join(contexts, String(index));
      await mkdir(dir, { recursive: true });
      const lines = [`FROM ${image.from === 'tools' ? toolsImage : 'scratch'}`];
      for (const [file, target] of image.files) {
        const name = target.split('/').pop() as string;
        await copyFile(file, join(dir, name));
        await chmod(join(dir, name), 0o755);
        lines.push(`COPY ${name} ${target}`);
      }
      lines.push(...image.instructions);
      await writeFile(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`);
      context.note(`building ${image.names.join(', ')}`);
      await dockerBuild(context, dir, image.names);
    }
    await rm(contexts, { recursive: true, force: true });

    const allNames = images.flatMap((image) => image.names);
    await context.run('docker', ['save', '-o', join(context.outDir, 'components.tar'), ...allNames]);
    await writeFile(join(context.outDir, 'default-cni.yaml'), cniManifest);
    await writeFile(join(context.outDir, 'default-storage.yaml'), nodeManifests.storage);
    return {
      tarball: 'components.tar',
      images: allNames,
      manifests: { cni: 'default-cni.yaml', storage: 'default-storage.yaml' },
    };
  },
});

interface NodeManifests {
  readonly cni: string;
  readonly storage: string;
  readonly storageProvisionerImage: string;
  readonly storageHelperImage: string;
}

/** kind's default CNI and storage manifests with their image names, read from the kind module. */
function readNodeManifests(source: StepOutput<{ nodeImageDir: string }>): NodeManifests {
  const cniSource = requireText(join(source.dir, source.result.nodeImageDir, 'const_cni.go'));
  const storageSource = requireText(join(source.dir, source.result.nodeImageDir, 'const_storage.go'));
  const cniConstants = goStringConstants(cniSource);
  const storageConstants = goStringConstants(storageSource);
  const provisioner = storageConstants.get('storageProvisionerImage');
  const helper = storageConstants.get('storageHelperImage');
  if (!provisioner || !helper)
    throw new Error("kind's const_storage.go no longer names storageProvisionerImage and storageHelperImage");
  return {
    cni: goRawStringConstant(cniSource, 'defaultCNIManifest', cniConstants),
    storage: goRawStringConstant(storageSource, 'defaultStorageManifest', storageConstants),
    storageProvisionerImage: provisioner,
    storageHelperImage: helper,
  };
}

// ---------------------------------------------------------------------------------------------
// The node image

export interface NodeImageResult extends DockerImageResult {
  readonly tarball: 'node-image.tar';
  readonly kubernetesVersion: string;
  readonly preloadedImages: readonly string[];
}

const nodeSteps = new Map<string, Step<NodeImageResult>>();

/** The kind node image of one Kubernetes version: sts-conformance/kind-node:<version>. */
export function nodeImage(host: HostFacts, release: KubernetesRelease = kubernetesRelease()): Step<NodeImageResult> {
  const known = nodeSteps.get(release.version);
  if (known) return known;
  const step = nodeImageStep(host, release);
  nodeSteps.set(release.version, step);
  return step;
}

function nodeImageStep(host: HostFacts, release: KubernetesRelease): Step<NodeImageResult> {
  const base = baseImage(host);
  const { version, kubernetes } = release;
  const components = componentImages(release);
  return {
    name: versioned('node-image', version),
    title: `kind node image for Kubernetes ${version}`,
    resource: 'io',
    needs: [base, components, kubernetes],
    recipeFiles,
    fingerprint: () => ({ kubernetes: version }),
    async build(context, use) {
      const image = `${IMAGE_PREFIX}/kind-node:${version}`;
      const built = use(components);
      const k8s = use(kubernetes);
      const container = `sts-conformance-node-build-${process.pid}`;
      // The same shape as `kind build node-image`: a container from the base image, binaries
      // and manifests copied in, images imported by its own containerd, then a commit.
      await context.run('docker', [
        'run',
        '-d',
        '--name',
        container,
        '--entrypoint',
        'sleep',
        '--security-opt',
        'seccomp=unconfined',
        '--network',
        'none',
        use(base).result.image,
        'infinity',
      ]);
      try {
        const exec = (...args: string[]) => context.run('docker', ['exec', container, ...args]);
        for (const name of ['kubeadm', 'kubelet', 'kubectl']) {
          await context.run('docker', ['cp', join(k8s.dir, 'bin', name), `${container}:/usr/bin/${name}`]);
          await exec('chmod', '0755', `/usr/bin/${name}`);
          await exec('chown', 'root:root', `/usr/bin/${name}`);
        }
        const staging = join(context.outDir, '.kind');
        await mkdir(join(staging, 'manifests'), { recursive: true });
        // kind reads the version from this file and passes it to kubeadm as kubernetesVersion.
        await writeFile(join(staging, 'version'), version);
        await copyFile(join(built.dir, built.result.manifests.cni), join(staging, 'manifests', 'default-cni.yaml'));
        await copyFile(
          join(built.dir, built.result.manifests.storage),
          join(staging, 'manifests', 'default-storage.yaml'),
        );
        await exec('mkdir', '-p', '/kind/manifests');
        await context.run('docker', ['cp', join(staging, 'version'), `${container}:/kind/version`]);
        await context.run('docker', [
          'cp',
          join(staging, 'manifests', 'default-cni.yaml'),
          `${container}:/kind/manifests/default-cni.yaml`,
        ]);
        await context.run('docker', [
          'cp',
          join(staging, 'manifests', 'default-storage.yaml'),
          `${container}:/kind/manifests/default-storage.yaml`,
        ]);
        await rm(staging, { recursive: true, force: true });

        await context.run('docker', ['exec', '-d', container, 'containerd']);
        await waitFor(
          'containerd in the node build container to accept connections',
          async () => {
            const probe = await execa('docker', ['exec', container, 'ctr', 'version'], { reject: false });
            return probe.exitCode === 0
              ? { done: true, value: undefined }
              : { done: false, observed: probe.stderr.split('\n')[0] ?? '' };
          },
          { timeoutMs: 60_000, intervalMs: 500 },
        );
        await context.run(
          'docker',
          [
            'exec',
            '-i',
            container,
            'ctr',
            '--namespace=k8s.io',
            'images',
            'import',
            '--all-platforms',
            '--no-unpack',
            '--digests',
            '-',
          ],
          {
            inputFile: join(built.dir, built.result.tarball),
          },
        );
        const listed = new Set(
          (
            await context.capture('docker', ['exec', container, 'ctr', '--namespace=k8s.io', 'images', 'list', '-q'])
          ).split('\n'),
        );
        const expected = built.result.images.map(fullyQualified);
        const absent = expected.filter((name) => !listed.has(name));
        if (absent.length > 0) throw new Error(`the node's containerd lacks ${absent.join(', ')} after import`);
        // ctr 1.x has no `import --label`: pin afterwards so kubelet's image GC never removes them.
        for (const name of expected) {
          await exec('ctr', '--namespace=k8s.io', 'images', 'label', name, 'io.cri-containerd.pinned=pinned');
        }
        await exec('pkill', 'containerd');
        await waitFor(
          'containerd in the node build container to exit',
          async () => {
            const running = await execa('docker', ['exec', container, 'pgrep', '-x', 'containerd'], { reject: false });
            return running.exitCode !== 0
              ? { done: true, value: undefined }
              : { done: false, observed: `pid ${running.stdout.trim()}` };
          },
          { timeoutMs: 30_000, intervalMs: 250 },
        );

        await context.run('docker', [
          'commit',
          '--change',
          'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]',
          '--change',
          'ENV HTTP_PROXY="" HTTPS_PROXY="" NO_PROXY=""',
          container,
          image,
        ]);
        const stopSignal = (
          await context.capture('docker', ['image', 'inspect', '--format', '{{.Config.StopSignal}}', image])
        ).trim();
        if (stopSignal !== 'SIGRTMIN+3')
          throw new Error(`node image lost STOPSIGNAL (has ${JSON.stringify(stopSignal)})`);
        context.note('saving the node image');
        await context.run('docker', ['save', '-o', join(context.outDir, 'node-image.tar'), image]);
        return { image, tarball: 'node-image.tar', kubernetesVersion: version, preloadedImages: expected };
      } finally {
        await execa('docker', ['rm', '-f', '-v', container], { reject: false });
      }
    },
  };
}

/** containerd's name for a Docker reference: docker.io is implied for bare repositories. */
export function fullyQualified(reference: string): string {
  const firstPart = reference.split('/')[0] ?? '';
  const hasRegistry =
    reference.includes('/') && (firstPart.includes('.') || firstPart.includes(':') || firstPart === 'localhost');
  if (hasRegistry) return reference;
  return reference.includes('/') ? `docker.io/${reference}` : `docker.io/library/${reference}`;
}

// ---------------------------------------------------------------------------------------------
// Workload images

export interface WorkloadImage {
  /** The local name loaded into clusters. */
  readonly image: string;
  /** The public image fixtures name and this one stands in for. */
  readonly standsInFor: string;
}

export interface WorkloadImagesResult {
  readonly tarball: 'workloads.tar';
  readonly images: readonly WorkloadImage[];
}

export const workloadImages: Step<WorkloadImagesResult> = {
  name: 'workload-images',
  title: "workload images: busybox from Debian's busybox-static",
  resource: 'io',
  needs: [toolsRootfs],
  recipeFiles,
  fingerprint: () => ({}),
  async build(context, use) {
    const tools = use(toolsRootfs);
    const debianVersion = tools.result.versions['busybox-static'] ?? '';
    // "1:1.35.0-4+deb12u1+b1" -> "1.35.0": the upstream version is what workloads care about.
    const upstream = /^(?:\d+:)?([\d.]+)/.exec(debianVersion)?.[1];
    if (!upstream) throw new Error(`cannot read busybox-static's version from ${JSON.stringify(debianVersion)}`);
    const busybox: WorkloadImage = {
      image: `${WORKLOAD_REGISTRY}/busybox:${upstream}`,
      standsInFor: 'docker.io/library/busybox',
    };

    const dir = join(context.outDir, '.context');
    await mkdir(dir, { recursive: true });
    await copyFile(join(tools.dir, 'bin', 'busybox'), join(dir, 'busybox'));
    await chmod(join(dir, 'busybox'), 0o755);
    await writeFile(
      join(dir, 'Dockerfile'),
      ['FROM scratch', 'COPY busybox /bin/busybox', ...BUSYBOX_ROOTFS, 'CMD ["sh"]', ''].join('\n'),
    );
    await dockerBuild(context, dir, [busybox.image]);
    await rm(dir, { recursive: true, force: true });
    await context.run('docker', ['save', '-o', join(context.outDir, 'workloads.tar'), busybox.image]);
    return { tarball: 'workloads.tar', images: [busybox] };
  },
};

/**
 * What the busybox image on Docker Hub has besides the binary, and workloads count on: the applet
 * links, a world-writable /tmp, root's home, and passwd/group entries for root and nobody.
 */
const BUSYBOX_ROOTFS = [
  'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -p /tmp /root /home /var /etc /usr && chmod 1777 /tmp && printf \'root:x:0:0:root:/root:/bin/sh\\nnobody:x:65534:65534:nobody:/home:/bin/false\\n\' > /etc/passwd && printf \'root:x:0:\\nnobody:x:65534:\\n\' > /etc/group"]',
  'ENV PATH=/bin',
];

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function requireText(path: string): string {
  if (!existsSync(path)) throw new Error(`missing ${path}`);
  return readFileSync(path, 'utf8');
}
