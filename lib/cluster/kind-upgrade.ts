import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { ActionableError } from '../support/errors.js';
import { cacheLayout } from '../toolchain/cache.js';
import { kindNodes } from './kind-runtime.js';

/**
 * A real in-place upgrade of a kind cluster, the way kubeadm clusters are upgraded: kind nodes run
 * systemd, kubelet and kubeadm, so the new kubeadm is copied in and does the work. Offline: the new
 * binaries come from the toolchain cache (kubernetes@VERSION) and the control-plane images from the
 * component-images@VERSION archive, imported into every node's containerd so kubeadm's preflight
 * pull finds them locally.
 */

export interface UpgradeInputs {
  readonly controlPlane: string;
  readonly workers: readonly string[];
  readonly version: string;
  /** Directory holding kubeadm, kubelet and kubectl of the new version. */
  readonly binDir: string;
  /** `docker save` archive of the new version's control-plane images. */
  readonly imagesTar: string;
}

export interface UpgradeStep {
  readonly node: string;
  readonly phase: 'control-plane' | 'worker';
  readonly what: string;
  /** Argument vector for `docker` on the host. */
  readonly docker: readonly string[];
  /** Upper bound for this step; the upgrade fails naming the step when it is exceeded. */
  readonly timeoutMs: number;
  /**
   * kubectl steps that are safe to repeat (drain, uncordon): a connection refused by an API server
   * that kubeadm or a kubelet restart is replacing is an infrastructure failure, retried a few times.
   */
  readonly repeatable?: boolean;
}

/**
 * A part of the upgrade after which one node runs the new version: the runner waits for that node
 * (Ready, reporting the new kubelet) and for the API server before the next phase, because a
 * drain started while the control plane's static pods restart fails on a refused connection.
 */
export interface UpgradePhase {
  readonly name: string;
  /** The node this phase upgrades; absent for the preparation that touches every node. */
  readonly node?: string;
  readonly steps: readonly UpgradeStep[];
}

const ADMIN = '/etc/kubernetes/admin.conf';
const MINUTE = 60_000;

/** The ordered phases: images everywhere, control plane first, then each worker drained, upgraded, uncordoned. */
export function upgradePlan(inputs: UpgradeInputs): UpgradePhase[] {
  const { controlPlane, workers, version, binDir, imagesTar } = inputs;
  const kubectl = (...args: string[]) => ['exec', controlPlane, 'kubectl', '--kubeconfig', ADMIN, ...args];
  const copy = (node: string, phase: UpgradeStep['phase'], binary: string): UpgradeStep => ({
    node,
    phase,
    what: `copy ${binary} ${version}`,
    docker: ['cp', join(binDir, binary), `${node}:/usr/bin/${binary}`],
    timeoutMs: MINUTE,
  });
  const importImages = (node: string, phase: UpgradeStep['phase']): UpgradeStep[] => [
    {
      node,
      phase,
      // /tmp in a kind node is a tmpfs over the container's layer: docker cp writes beneath it.
      what: 'copy control-plane images',
      docker: ['cp', imagesTar, `${node}:/var/upgrade-images.tar`],
      timeoutMs: 3 * MINUTE,
    },
    {
      node,
      phase,
      what: 'import control-plane images into containerd',
      docker: ['exec', node, 'ctr', '-n', 'k8s.io', 'images', 'import', '/var/upgrade-images.tar'],
      timeoutMs: 5 * MINUTE,
    },
    {
      node,
      phase,
      what: 'remove image archive',
      docker: ['exec', node, 'rm', '-f', '/var/upgrade-images.tar'],
      timeoutMs: MINUTE,
    },
  ];
  const restartKubelet = (node: string, phase: UpgradeStep['phase']): UpgradeStep => ({
    node,
    phase,
    what: 'restart kubelet',
    docker: ['exec', node, 'sh', '-c', 'systemctl daemon-reload && systemctl restart kubelet'],
    timeoutMs: MINUTE,
  });

  // Every node gets the images before kubeadm runs: its preflight health-check Job may land on a
  // worker, and a worker without the new pause image has nowhere to pull it from.
  const phases: UpgradePhase[] = [
    {
      name: 'images on every node',
      steps: [
        ...importImages(controlPlane, 'control-plane'),
        ...workers.flatMap((worker) => importImages(worker, 'worker')),
      ],
    },
    {
      name: `control plane ${controlPlane}`,
      node: controlPlane,
      steps: [
        copy(controlPlane, 'control-plane', 'kubeadm'),
        {
          node: controlPlane,
          phase: 'control-plane',
          what: `kubeadm upgrade apply ${version}`,
          docker: ['exec', controlPlane, 'kubeadm', 'upgrade', 'apply', version, '--yes'],
          timeoutMs: 15 * MINUTE,
        },
        copy(controlPlane, 'control-plane', 'kubelet'),
        copy(controlPlane, 'control-plane', 'kubectl'),
        restartKubelet(controlPlane, 'control-plane'),
      ],
    },
  ];
  for (const worker of workers)
    phases.push({
      name: `worker ${worker}`,
      node: worker,
      steps: [
        {
          node: worker,
          phase: 'worker',
          what: 'drain',
          // Pods on local volumes cannot move; they wait Pending until the node is back: that is
          // the unavailability an in-place upgrade costs, and the monitors measure it.
          docker: kubectl('drain', worker, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=10m'),
          timeoutMs: 11 * MINUTE,
          repeatable: true,
        },
        copy(worker, 'worker', 'kubeadm'),
        {
          node: worker,
          phase: 'worker',
          what: 'kubeadm upgrade node',
          docker: ['exec', worker, 'kubeadm', 'upgrade', 'node'],
          timeoutMs: 10 * MINUTE,
        },
        copy(worker, 'worker', 'kubelet'),
        copy(worker, 'worker', 'kubectl'),
        restartKubelet(worker, 'worker'),
        {
          node: worker,
          phase: 'worker',
          what: 'uncordon',
          docker: kubectl('uncordon', worker),
          timeoutMs: MINUTE,
          repeatable: true,
        },
      ],
    });
  return phases;
}

/** The newest complete artifact directory of a toolchain step, e.g. kubernetes@v1.34.10. */
export function artifactDir(step: string, artifacts = cacheLayout().artifacts): string {
  const base = join(artifacts, step);
  const complete = existsSync(base)
    ? readdirSync(base)
        .map((key) => join(base, key))
        .filter((dir) => existsSync(join(dir, 'complete.json')))
        .sort((a, b) => statSync(join(b, 'complete.json')).mtimeMs - statSync(join(a, 'complete.json')).mtimeMs)
    : [];
  if (complete.length === 0)
    throw new ActionableError(
      `the toolchain cache has no complete ${step} (looked in ${base})`,
      `run \`npm run cluster:prepare -- --kubernetes ${step.split('@')[1] ?? 'VERSION'}\` first`,
    );
  return complete[0]!;
}

/** Inputs for upgrading cluster `name` to `version` from the toolchain cache. */
export async function kindUpgradeInputs(name: string, version: string): Promise<UpgradeInputs> {
  const nodes = await kindNodes(name);
  const controlPlanes = nodes.filter((node) => node.role === 'control-plane').map((node) => node.name);
  if (controlPlanes.length !== 1)
    throw new ActionableError(
      `kind cluster ${name} has ${controlPlanes.length} control-plane nodes running`,
      'the in-place upgrade handles exactly one control-plane node; create the cluster with cluster:up',
    );
  return {
    controlPlane: controlPlanes[0]!,
    workers: nodes.filter((node) => node.role === 'worker').map((node) => node.name),
    version,
    binDir: join(artifactDir(`kubernetes@${version}`), 'bin'),
    imagesTar: join(artifactDir(`component-images@${version}`), 'components.tar'),
  };
}

export interface StepTiming {
  readonly node: string;
  readonly what: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly ms: number;
  /** Attempts a repeatable step needed (1 when it succeeded at once). */
  readonly attempts: number;
}

/**
 * A repeatable step gets this many attempts, this far apart: enough for a static pod's restart
 * (the API server went unanswered for up to 1m02s in the runs measured).
 */
const ATTEMPTS = 6;
const ATTEMPT_PAUSE_MS = 15_000;

/** Runs the steps of one phase in order; a failing step stops the upgrade with its output. */
export async function runUpgrade(
  steps: readonly UpgradeStep[],
  options: {
    signal?: AbortSignal;
    log?: (line: string) => void;
    transcript?: (step: UpgradeStep, output: string) => void;
  } = {},
): Promise<StepTiming[]> {
  const timings: StepTiming[] = [];
  for (const step of steps) {
    const started = Date.now();
    options.log?.(`  upgrade ${step.node}: ${step.what}`);
    // Every attempt goes to the transcript: an unreachable API server on the first drain is what the reader looks for.
    const run = async () => {
      const outcome = await execa('docker', [...step.docker], {
        reject: false,
        timeout: step.timeoutMs,
        cancelSignal: options.signal,
        all: true,
      });
      options.transcript?.(step, `${String(outcome.all ?? '')}\n(exit code ${outcome.exitCode ?? 'none'})`);
      return outcome;
    };
    let result = await run();
    let attempts = 1;
    while (
      step.repeatable &&
      attempts < ATTEMPTS &&
      result.exitCode !== 0 &&
      !result.timedOut &&
      apiServerUnreachable(result.all)
    ) {
      options.log?.(
        `  upgrade ${step.node}: ${step.what} could not reach the API server; attempt ${attempts + 1} in ${ATTEMPT_PAUSE_MS / 1000}s`,
      );
      await delay(ATTEMPT_PAUSE_MS, undefined, { signal: options.signal });
      result = await run();
      attempts += 1;
    }
    if (result.exitCode !== 0 || result.timedOut)
      throw new ActionableError(
        `upgrade step "${step.what}" on ${step.node} failed${result.timedOut ? ` (over ${step.timeoutMs / 1000}s)` : ''}: ${String(
          result.all ?? '',
        )
          .trim()
          .split('\n')
          .slice(-5)
          .join(' | ')}`,
        `inspect the node with \`docker exec -it ${step.node} bash\` (journalctl -u kubelet); keep it with --keep-cluster`,
      );
    timings.push({ node: step.node, what: step.what, startedAt: started, ms: Date.now() - started, attempts });
  }
  return timings;
}

/**
 * kubectl's words for an API server it could not reach or that was not serving yet: refused,
 * reset, a TLS handshake or read that timed out, 503. The only failures worth repeating: the
 * control plane's static pods restart once more after its kubelet's, and drain and uncordon are
 * idempotent. Anything else (a pod that cannot be evicted, a missing node) is an answer.
 */
export function apiServerUnreachable(output: unknown): boolean {
  return /connection refused|was refused|connection reset by peer|TLS handshake timeout|i\/o timeout|unexpected EOF|http2: client connection lost|ServiceUnavailable|the server is currently unable/i.test(
    String(output ?? ''),
  );
}
