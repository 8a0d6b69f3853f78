import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { waitFor } from '../support/wait.js';
import type { CacheLayout } from './cache.js';
import { missingCapabilities } from './capabilities.js';

/**
 * Host preparation, idempotent: a Docker engine that answers, able to run the privileged
 * containers kind needs, and the host packages the build uses. Everything is detected; on a
 * host that already has all of it, nothing changes.
 */
export interface HostFacts {
  /** Capabilities privileged containers would be given that this host's bounding set lacks. */
  readonly missingCapabilities: readonly string[];
  /** Whether processes here may lower oom_score_adj (needs CAP_SYS_RESOURCE). */
  readonly canLowerOomScoreAdj: boolean;
  readonly dockerServerVersion: string;
  readonly dockerDefaultRuntime: string;
}

/** Host preparation failed; the message says why and what to do. */
export class HostPreparationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostPreparationError';
  }
}

const RUNTIME_WRAPPER_NAME = 'sts-runc-drop-caps';
/** A machine-wide path: dockerd's configuration outlives any one cache directory. */
const RUNTIME_WRAPPER_PATH = '/usr/local/libexec/sts-conformance/runc-drop-caps';
const DAEMON_JSON = '/etc/docker/daemon.json';
const WRAPPER_TEMPLATE = new URL('./assets/runc-drop-caps.sh', import.meta.url);

/** Debian packages the build needs on the host, by the command that proves they are there. */
const HOST_PACKAGES: ReadonlyArray<{ command: string; pkg: string }> = [
  { command: 'debootstrap', pkg: 'debootstrap' },
  { command: 'jq', pkg: 'jq' },
  { command: 'gcc', pkg: 'gcc' },
];

export interface PrepareHostOptions {
  readonly cache: CacheLayout;
  readonly say: (line: string) => void;
  /** Also install the packages needed to build images (not needed to only run a cluster). */
  readonly buildTools: boolean;
}

export async function prepareHost(options: PrepareHostOptions): Promise<HostFacts> {
  const { say } = options;
  const missing = missingCapabilities(
    readFileSync('/proc/self/status', 'utf8'),
    readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'),
  );
  const canLowerOomScoreAdj = await probeLowerOomScoreAdj();
  say(
    missing.length === 0
      ? 'capability bounding set is complete: privileged containers need no runtime wrapper'
      : `capability bounding set lacks ${missing.join(', ')}: dockerd needs a runtime wrapper that drops ${missing.length === 1 ? 'it' : 'them'}`,
  );

  const packages = HOST_PACKAGES.filter(({ command }) => options.buildTools && !onPath(command)).map(({ pkg }) => pkg);
  const dockerInstalled = onPath('dockerd') || (await dockerAnswers());
  if (!dockerInstalled) packages.unshift('docker.io');
  if (packages.length > 0) await aptInstall(packages, say);

  if (missing.length > 0) await installRuntimeWrapper(missing, say);
  if (!(await dockerAnswers())) await startDockerd(options.cache, say);
  if (missing.length > 0) await ensureDefaultRuntime(say);
  await raiseInotifyLimits(say);

  const info = await dockerInfo();
  if (missing.length > 0 && info.DefaultRuntime !== RUNTIME_WRAPPER_NAME) {
    throw new HostPreparationError(
      `dockerd's default runtime is ${info.DefaultRuntime}, not ${RUNTIME_WRAPPER_NAME}, so privileged containers will fail with "unable to apply caps"; restart dockerd so it reads ${DAEMON_JSON}`,
    );
  }
  return {
    missingCapabilities: missing,
    canLowerOomScoreAdj,
    dockerServerVersion: info.ServerVersion,
    dockerDefaultRuntime: info.DefaultRuntime,
  };
}

interface DockerInfo {
  ServerVersion: string;
  DefaultRuntime: string;
  Runtimes?: Record<string, { path?: string }>;
}

async function dockerInfo(): Promise<DockerInfo> {
  const { stdout } = await execa('docker', ['info', '--format', '{{json .}}'], { timeout: 15_000 });
  return JSON.parse(stdout) as DockerInfo;
}

export async function dockerAnswers(): Promise<boolean> {
  if (!onPath('docker')) return false;
  const result = await execa('docker', ['version', '--format', '{{.Server.Version}}'], {
    reject: false,
    timeout: 15_000,
  });
  return result.exitCode === 0 && result.stdout.trim() !== '';
}

export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, command)));
}

async function probeLowerOomScoreAdj(): Promise<boolean> {
  // A child lowers its own score; the write fails without CAP_SYS_RESOURCE, even for root.
  const result = await execa('sh', ['-c', 'echo -998 > /proc/self/oom_score_adj'], { reject: false });
  return result.exitCode === 0;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function aptInstall(packages: string[], say: (line: string) => void): Promise<void> {
  if (!isRoot() || !onPath('apt-get')) {
    throw new HostPreparationError(
      `missing host packages (${packages.join(', ')}) and cannot install them here (${isRoot() ? 'no apt-get' : 'not root'}); install them, then run again`,
    );
  }
  say(`installing Debian packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await execa('apt-get', ['update', '-qq'], { env, reject: false, all: true });
  const install = await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    env,
    reject: false,
    all: true,
  });
  if (install.exitCode !== 0) {
    const why = lastLine(install.all) || lastLine(update.all) || `exit code ${install.exitCode}`;
    throw new HostPreparationError(
      `apt-get could not install ${packages.join(', ')}: ${why}; install Docker and the build tools yourself, then run again`,
    );
  }
}

async function installRuntimeWrapper(missing: readonly string[], say: (line: string) => void): Promise<void> {
  if (!isRoot())
    throw new HostPreparationError(
      `this host lacks ${missing.join(', ')} and dockerd must use a runtime wrapper to run kind; run this once as root`,
    );
  const realRunc = ['/usr/sbin/runc', '/usr/bin/runc', '/usr/local/sbin/runc', '/usr/local/bin/runc'].find((path) =>
    existsSync(path),
  );
  if (!realRunc)
    throw new HostPreparationError(
      'runc not found next to dockerd; install docker.io (it brings runc), then run again',
    );
  const jq = ['/usr/bin/jq', '/usr/local/bin/jq'].find((path) => existsSync(path));
  if (!jq) throw new HostPreparationError('jq not found; the runtime wrapper needs it: apt-get install jq');

  const wrapperPath = RUNTIME_WRAPPER_PATH;
  const wrapper = (await readFile(WRAPPER_TEMPLATE, 'utf8'))
    .replace('@REAL_RUNC@', realRunc)
    .replace('@MISSING_CAPS@', JSON.stringify(missing))
    .replace('@JQ@', jq);
  await mkdir(dirname(wrapperPath), { recursive: true });
  if (!existsSync(wrapperPath) || readFileSync(wrapperPath, 'utf8') !== wrapper) {
    await writeFile(wrapperPath, wrapper);
    say(`wrote runtime wrapper ${wrapperPath} (drops ${missing.join(', ')}, then runs ${realRunc})`);
  }
  await chmod(wrapperPath, 0o755);

  const config = existsSync(DAEMON_JSON)
    ? (JSON.parse(await readFile(DAEMON_JSON, 'utf8')) as Record<string, unknown>)
    : {};
  const runtimes = (config.runtimes ?? {}) as Record<string, { path: string }>;
  if (runtimes[RUNTIME_WRAPPER_NAME]?.path !== wrapperPath || config['default-runtime'] !== RUNTIME_WRAPPER_NAME) {
    const updated = {
      ...config,
      'default-runtime': RUNTIME_WRAPPER_NAME,
      runtimes: { ...runtimes, [RUNTIME_WRAPPER_NAME]: { path: wrapperPath } },
    };
    await mkdir('/etc/docker', { recursive: true });
    await writeFile(DAEMON_JSON, `${JSON.stringify(updated, null, 2)}\n`);
    say(`registered ${RUNTIME_WRAPPER_NAME} as dockerd's default runtime in ${DAEMON_JSON}`);
  }
}

async function startDockerd(cache: CacheLayout, say: (line: string) => void): Promise<void> {
  if (process.env.DOCKER_HOST) {
    throw new HostPreparationError(
      `the Docker engine at DOCKER_HOST=${process.env.DOCKER_HOST} does not answer; start it or unset DOCKER_HOST`,
    );
  }
  if (!isRoot())
    throw new HostPreparationError(
      'no Docker engine answers and only root can start dockerd here; start Docker, then run again',
    );
  if (!onPath('dockerd'))
    throw new HostPreparationError(
      'no Docker engine answers and dockerd is not installed; install docker.io, then run again',
    );
  await mkdir(cache.logs, { recursive: true });
  const logFile = join(cache.logs, 'dockerd.log');
  say(`starting dockerd (log: ${logFile})`);
  const out = openSync(logFile, 'a');
  // Detached in its own session: the engine outlives this command, as a service would.
  const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  await waitFor(
    'dockerd to answer on /var/run/docker.sock',
    async () =>
      (await dockerAnswers())
        ? { done: true, value: undefined }
        : {
            done: false,
            observed: child.exitCode === null ? 'no answer yet' : `dockerd exited with ${child.exitCode}`,
          },
    { timeoutMs: 90_000, intervalMs: 500 },
  ).catch((error: Error) => {
    throw new HostPreparationError(`${error.message}; read ${logFile}`);
  });
}

async function ensureDefaultRuntime(say: (line: string) => void): Promise<void> {
  const configured = (info: DockerInfo) =>
    info.DefaultRuntime === RUNTIME_WRAPPER_NAME &&
    info.Runtimes?.[RUNTIME_WRAPPER_NAME]?.path === RUNTIME_WRAPPER_PATH;
  if (configured(await dockerInfo())) return;
  // dockerd reloads `runtimes` and `default-runtime` from daemon.json on SIGHUP.
  const pid = existsSync('/var/run/docker.pid') ? Number(readFileSync('/var/run/docker.pid', 'utf8').trim()) : NaN;
  if (!Number.isInteger(pid))
    throw new HostPreparationError(
      `dockerd runs without ${RUNTIME_WRAPPER_NAME} and its pid is unknown; restart dockerd`,
    );
  say(`asking dockerd (pid ${pid}) to reload ${DAEMON_JSON}`);
  process.kill(pid, 'SIGHUP');
  await waitFor(
    `dockerd to use ${RUNTIME_WRAPPER_PATH} as its default runtime`,
    async () => {
      const info = await dockerInfo();
      return configured(info)
        ? { done: true, value: undefined }
        : {
            done: false,
            observed: `default runtime ${info.DefaultRuntime}, ${JSON.stringify(info.Runtimes?.[RUNTIME_WRAPPER_NAME] ?? null)}`,
          };
    },
    { timeoutMs: 20_000, intervalMs: 500 },
  );
}

/** kind's known issues ask for these on multi-node clusters ("too many open files"). */
async function raiseInotifyLimits(say: (line: string) => void): Promise<void> {
  const wanted: Record<string, number> = {
    'fs.inotify.max_user_instances': 512,
    'fs.inotify.max_user_watches': 524288,
  };
  for (const [key, minimum] of Object.entries(wanted)) {
    const path = `/proc/sys/${key.replaceAll('.', '/')}`;
    const current = Number(readFileSync(path, 'utf8').trim());
    if (current >= minimum) continue;
    if (!isRoot()) {
      say(
        `warning: ${key} is ${current} (kind wants ≥ ${minimum}); multi-node clusters may fail with "too many open files"`,
      );
      continue;
    }
    await writeFile(path, String(minimum));
    say(`raised ${key} from ${current} to ${minimum} (kind's known issue "too many open files")`);
  }
}

function lastLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n').pop() ?? '';
}
