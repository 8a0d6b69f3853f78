import {
  GenericContainer,
  getContainerRuntimeClient,
  Network,
  StartupCheckStrategy,
  Wait,
  type StartedNetwork,
  type StartedTestContainer,
  type StartupStatus,
} from 'testcontainers';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import { execa } from 'execa';
import { inject } from 'vitest';
import { ActionableError } from '../../support/errors.js';
import { catalogEntry } from '../../toolchain/image-catalog.js';
import type { DbExec } from '../db-exec.js';

/**
 * The integration project's way of starting the guide images with testcontainers on the host's
 * Docker: offline (Ryuk, which would be pulled, is disabled; images must exist locally, which
 * the global setup checks), each container labelled with the run so the global teardown removes
 * whatever a failed test left behind.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    integrationRun: { readonly id: string; readonly labels: Record<string, string> };
  }
}

export const RUN_LABEL = 'sts-conformance.integration.run';
export const PID_LABEL = 'sts-conformance.integration.pid';

export function runLabels(): Record<string, string> {
  return inject('integrationRun').labels;
}

/** The local image of a catalog entry (lib/toolchain/image-catalog.ts). */
export function imageOf(catalogId: string): string {
  return catalogEntry(catalogId).local;
}

export interface ContainerSpec {
  readonly env?: Record<string, string>;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** Files copied in before start: content and target path. */
  readonly files?: ReadonlyArray<{ content: string; target: string; mode?: number }>;
  readonly network?: StartedNetwork;
  readonly alias?: string;
  /** Named Docker volumes (startVolume) mounted at these paths: data that outlives a container. */
  readonly volumes?: ReadonlyArray<{ name: string; target: string }>;
  /** A log line that says the container got past its start (the adapters do the real waiting). */
  readonly startedWhen?: RegExp;
}

const present = new Map<string, Promise<void>>();

/** Testcontainers would try to pull a missing image; this machine cannot, so say what to do instead. */
function requireLocalImage(image: string): Promise<void> {
  let check = present.get(image);
  if (!check) {
    check = execa('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { reject: false }).then((result) => {
      if (result.exitCode !== 0)
        throw new ActionableError(
          `the image ${image} is not in the local Docker engine`,
          'build the guide images with `npm run cluster:prepare` (the integration tests never pull)',
        );
    });
    present.set(image, check);
  }
  return check;
}

function configured(image: string, spec: ContainerSpec): GenericContainer {
  let container = new GenericContainer(image).withLabels(runLabels()).withEnvironment({ ...spec.env });
  if (spec.command) container = container.withCommand([...spec.command]);
  if (spec.entrypoint) container = container.withEntrypoint([...spec.entrypoint]);
  if (spec.files?.length)
    container = container.withCopyContentToContainer(
      spec.files.map((file) => ({ content: file.content, target: file.target, mode: file.mode })),
    );
  if (spec.volumes?.length)
    container = container.withBindMounts(
      spec.volumes.map((volume) => ({ source: volume.name, target: volume.target, mode: 'rw' as const })),
    );
  if (spec.network) container = container.withNetwork(spec.network);
  if (spec.alias) container = container.withNetworkAliases(spec.alias);
  return container;
}

/** A long-running container; resolves once `startedWhen` is logged, or else once it runs. */
export async function startContainer(image: string, spec: ContainerSpec = {}): Promise<StartedTestContainer> {
  await requireLocalImage(image);
  return configured(image, spec)
    .withWaitStrategy(spec.startedWhen ? Wait.forLogMessage(spec.startedWhen) : new RunningStrategy())
    .withStartupTimeout(120_000)
    .start();
}

/** Succeeds once the container runs; fails if it exited (the adapters then wait for the server itself). */
class RunningStrategy extends StartupCheckStrategy {
  override async checkStartupState(dockerClient: Dockerode, containerId: string): Promise<StartupStatus> {
    const info = await dockerClient.getContainer(containerId).inspect();
    if (info.State.Running) return 'SUCCESS';
    return info.State.Status === 'exited' || info.State.Status === 'dead' ? 'FAIL' : 'PENDING';
  }
}

/** Succeeds once the container has exited, whatever its exit code: for contracts that end in an error. */
class ExitedStrategy extends StartupCheckStrategy {
  override async checkStartupState(dockerClient: Dockerode, containerId: string): Promise<StartupStatus> {
    const info = await dockerClient.getContainer(containerId).inspect();
    return info.State.Running || info.State.Restarting ? 'PENDING' : 'SUCCESS';
  }
}

export interface Exited {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a container to its exit and returns its exit code and output; the container is removed. */
export async function runToExit(image: string, spec: ContainerSpec = {}): Promise<Exited> {
  await requireLocalImage(image);
  const container = await configured(image, spec)
    .withWaitStrategy(new ExitedStrategy())
    .withStartupTimeout(120_000)
    .start();
  try {
    const client = await getContainerRuntimeClient();
    const info = await client.container.inspect(client.container.getById(container.getId()));
    const { stdout, stderr } = await logsOf(container);
    return { exitCode: info.State.ExitCode, stdout, stderr };
  } finally {
    await container.stop({ remove: true, removeVolumes: true }).catch(() => undefined);
  }
}

/** The container's output so far, stdout and stderr apart. */
export async function logsOf(container: StartedTestContainer): Promise<{ stdout: string; stderr: string }> {
  const client = await getContainerRuntimeClient();
  const raw = await client.container.getById(container.getId()).logs({ stdout: true, stderr: true, follow: false });
  return demultiplex(raw as unknown as Buffer);
}

/** Docker's log stream of a non-TTY container: 8-byte frame headers (stream, size) before each chunk. */
export function demultiplex(raw: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const stream = raw[offset];
    const size = raw.readUInt32BE(offset + 4);
    const chunk = raw.subarray(offset + 8, offset + 8 + size);
    (stream === 2 ? err : out).push(chunk);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/**
 * The adapters' exec through testcontainers' `container.exec`. Docker's exec API has no stdin
 * here, so stdin travels in an environment variable of the exec (not its command line) and is
 * piped into the command by a shell.
 */
export function containerExec(container: StartedTestContainer): DbExec {
  return async (argv, stdin) => {
    const command = stdin === undefined ? [...argv] : ['sh', '-c', 'printf %s "$STS_EXEC_STDIN" | "$@"', 'sh', ...argv];
    const result = await container.exec(command, {
      env: stdin === undefined ? {} : { STS_EXEC_STDIN: stdin },
    });
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
  };
}

/** A Docker network for containers that talk to each other, labelled and named after the run. */
export async function startNetwork(): Promise<StartedNetwork> {
  const prefix = networkPrefix(inject('integrationRun').id);
  return new Network({ nextUuid: () => `${prefix}${Math.random().toString(36).slice(2, 10)}` }).start();
}

export function networkPrefix(runId: string): string {
  return `sts-it-${runId}-`;
}

/** A named Docker volume, labelled with the run (the global teardown removes it if a test does not). */
export async function startVolume(): Promise<string> {
  const name = `${networkPrefix(inject('integrationRun').id)}${Math.random().toString(36).slice(2, 10)}`;
  const labels = Object.entries(runLabels()).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  await execa('docker', ['volume', 'create', ...labels, name]);
  return name;
}

export async function removeVolumes(names: ReadonlyArray<string | undefined>): Promise<void> {
  const present = names.filter((name): name is string => Boolean(name));
  if (present.length > 0) await execa('docker', ['volume', 'rm', '-f', ...present], { reject: false });
}

/** Stops containers (and a network) whatever happened; for afterAll/afterEach. */
export async function stopAll(
  containers: ReadonlyArray<StartedTestContainer | undefined>,
  network?: StartedNetwork,
): Promise<void> {
  await Promise.all(
    containers.map((container) =>
      container?.stop({ remove: true, removeVolumes: true, timeout: 5_000 }).catch(() => undefined),
    ),
  );
  await network?.stop().catch(() => undefined);
}

/**
 * With STS_RECORD_OUTPUTS=1, saves a command's real output under lib/workloads/testdata/, where
 * the unit tests of the adapters' parsers read it: recorded, not invented.
 */
export async function recordOutput(name: string, text: string): Promise<void> {
  if (process.env.STS_RECORD_OUTPUTS !== '1') return;
  const file = fileURLToPath(new URL(`../testdata/${name}`, import.meta.url));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}
