import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { call, type Kube } from '../lib/kube/client.js';
import { formatDuration } from '../lib/support/format.js';
import { waitFor } from '../lib/support/wait.js';

/**
 * What the fault scripts (scripts/fault-*.ts) share: running `npm run e2e` as a person would
 * (its own process group, so a Ctrl-C reaches it the way a terminal sends one) and reading
 * off the cluster what a run left behind.
 */
export interface E2eProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** The run id, once it printed its "run <id>:" line. */
  runId(): string | undefined;
  /** Sends SIGINT to its whole process group, as a terminal's Ctrl-C does. */
  interrupt(): void;
  readonly exited: Promise<number>;
}

export function startE2e(args: readonly string[], logFile: string): E2eProcess {
  const tsx = resolve('node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(process.execPath, [tsx, 'scripts/e2e.ts', ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const pending = mkdir(dirname(logFile), { recursive: true });
  const log = pending.then(() => createWriteStream(logFile));
  const take = (chunk: Buffer) => {
    text += chunk.toString();
    void log.then((stream) => stream.write(chunk));
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<number>((done) =>
    child.on('exit', (code, signal) => {
      void log.then((stream) => stream.end());
      done(code ?? (signal ? 128 : 1));
    }),
  );
  return {
    child,
    output: () => text,
    runId: () => /^run (\S+): /m.exec(text)?.[1],
    interrupt: () => {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGINT');
    },
    exited,
  };
}

/** Waits until `happened` says the moment has come; fails at once if the run ends first. */
export async function when(
  what: string,
  run: E2eProcess,
  happened: () => Promise<boolean>,
  timeoutMs = 600_000,
): Promise<void> {
  const stop = new AbortController();
  const ended = run.exited.then((code) => {
    throw new Error(`the run ended (exit ${code}) before ${what}; its output ends: ${run.output().slice(-600)}`);
  });
  try {
    await Promise.race([
      ended,
      waitFor(
        what,
        async () =>
          (await happened().catch(() => false))
            ? { done: true, value: undefined }
            : { done: false, observed: 'not yet' },
        { timeoutMs, intervalMs: 200, signal: stop.signal },
      ),
    ]);
  } finally {
    stop.abort();
    ended.catch(() => undefined);
  }
}

/** The namespaces of a run that still exist, and the PersistentVolumes bound to claims in any namespace it made. */
export async function leftoversOf(
  kube: Kube,
  runId: string,
  madeNamespaces: readonly string[],
): Promise<{ namespaces: string[]; volumes: string[] }> {
  const labelled = await call('list Namespaces of the run', () =>
    kube.core.listNamespace({ labelSelector: `sts-conformance.io/run=${runId}` }),
  );
  const namespaces = labelled.items.map((item) => item.metadata?.name ?? '');
  const ours = new Set([...madeNamespaces, ...namespaces]);
  const volumes = await call('list PersistentVolumes', () => kube.core.listPersistentVolume());
  return {
    namespaces,
    volumes: volumes.items
      .filter((volume) => ours.has(volume.spec?.claimRef?.namespace ?? ''))
      .map((volume) => `${volume.metadata?.name} (${volume.spec?.claimRef?.namespace}/${volume.spec?.claimRef?.name})`),
  };
}

/** The namespaces a run noted in <out>/namespaces.txt. */
export async function notedNamespaces(outDir: string): Promise<string[]> {
  const text = await readFile(join(outDir, 'namespaces.txt'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean);
}

/** Node containers of a kind cluster, by kind's label: what `kind delete cluster` removes. */
export async function kindNodeContainers(cluster: string): Promise<string[]> {
  const { stdout } = await execa('docker', [
    'ps',
    '-a',
    '--filter',
    `label=io.x-k8s.kind.cluster=${cluster}`,
    '--format',
    '{{.Names}}',
  ]);
  return stdout.split('\n').filter(Boolean);
}

export function since(started: number): string {
  return formatDuration((Date.now() - started) / 1000);
}
