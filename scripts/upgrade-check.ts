/**
 * npm run upgrade-check -- --from v1.33.13 --to v1.34.10 [--workers N] [--cluster-name NAME] [--keep-cluster] [SCENARIO ...] [--concurrency N] [--out DIR]
 * npm run upgrade-check -- --kubeconfig FILE [--context NAME] [--upgrade-done-file PATH] [--upgrade-timeout MINUTES] [SCENARIO ...] [--out DIR]
 *
 * Does a cluster upgrade keep the StatefulSet behaviours and their data (lib/harness/upgrade-check.ts)?
 * On kind: a cluster of --from is made (offline when the registries are unreachable), upgraded in
 * place to --to by the suite (kubeadm on the control plane, then each worker drained, upgraded and
 * uncordoned), and deleted at the end unless --keep-cluster. On a cluster given by kubeconfig: the
 * check stops before the upgrade and you perform it; then create the --upgrade-done-file (or press
 * Enter) and it goes on. Either way it only touches namespaces it made, and removes them, also
 * after Ctrl-C (exit 130).
 *
 * The scenarios before and after default to the core behaviours (suites/core); name others to
 * run those (`npm run e2e -- --list`). Writes DIR/continuity.md (verdicts and figures),
 * continuity.json, continuity.svg (the figures over time), DIR/before and DIR/after (each a full
 * e2e run), comparison.md. Exit 0: every statement held, the negative control failed as it must,
 * both scenario runs passed and nothing regressed; 1 otherwise; 2 bad input; 130 interrupted.
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, relative, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import type { ClusterSession } from '../lib/cluster/provider.js';
import { kindNodes } from '../lib/cluster/kind-runtime.js';
import { openClusterSession } from '../lib/cluster/session.js';
import { describeLeaks, scanArtifacts, summarizeScan } from '../lib/harness/artifact-scan.js';
import { runUpgradeCheck, type SuitePhase, type UpgradeTarget } from '../lib/harness/upgrade-check.js';
import { discoverScenarios, isDisruptive } from '../lib/harness/scenarios.js';
import { deleteNamespacesOfRun, newRunId } from '../lib/kube/namespace.js';
import { INTERRUPTED_EXIT_CODE, UsageError } from '../lib/support/errors.js';
import { formatDuration } from '../lib/support/format.js';
import { ensureWritableDir } from '../lib/support/output-dir.js';
import { kubectlKubeconfig, readSettings, SETTINGS, settingFlags } from '../lib/support/settings.js';
import { prepareOffline } from '../lib/toolchain/prepare.js';
import { parseFlags, runMain } from './cli.js';

const USAGE =
  'usage: npm run upgrade-check -- --from V --to V [--workers N] [--cluster-name NAME] [--keep-cluster] | --kubeconfig FILE [--context NAME] [--upgrade-done-file PATH] [--upgrade-timeout MINUTES]; then [SCENARIO ...] [--concurrency N] [--out DIR]';

const SETTING_NAMES = ['kubeconfig', 'context', 'workers', 'keepCluster', 'mode', 'concurrency'] as const;
const DEFAULT_CLUSTER = 'sts-upgrade';
const DEFAULT_OUT = join('out', 'upgrade');
/** The core behaviours: the documented contract, about five minutes at three files at a time. */
const DEFAULT_SCENARIOS = [
  'ordered-creation',
  'reverse-termination',
  'rolling-update',
  'partition',
  'stable-dns',
  'storage-reattachment',
  'status-truth',
];

runMain(async () => {
  const { flags, positionals } = parseFlags(
    process.argv.slice(2),
    {
      ...settingFlags([...SETTING_NAMES]),
      'cluster-name': { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'upgrade-done-file': { type: 'string' },
      'upgrade-timeout': { type: 'string' },
    },
    USAGE,
  );
  const settings = readSettings(SETTING_NAMES, { flags, usage: USAGE });
  // A worker unless told otherwise: the drain, upgrade and uncordon of a worker is half of what
  // an in-place upgrade does to the workloads (e2e's default is a single node).
  const workers = flags.workers === undefined && !process.env[SETTINGS.workers.env] ? 1 : settings.workers;
  const kubeconfig = settings.kubeconfig ?? kubectlKubeconfig();
  const scenarios = chooseScenarios(positionals);
  const outDir = resolve(typeof flags.out === 'string' ? flags.out : DEFAULT_OUT);
  await ensureWritableDir(outDir, '--out');
  const clusterName = typeof flags['cluster-name'] === 'string' ? flags['cluster-name'] : DEFAULT_CLUSTER;
  const versions = kubeconfig ? undefined : kindVersions(flags);
  if (kubeconfig && (flags.from !== undefined || flags.to !== undefined))
    throw new UsageError(
      '--from and --to make a kind cluster and upgrade it; with --kubeconfig you perform the upgrade',
      USAGE,
    );
  if (!kubeconfig && flags['upgrade-done-file'] !== undefined)
    throw new UsageError('--upgrade-done-file is for a cluster you upgrade yourself (--kubeconfig)', USAGE);
  const upgradeTimeoutMs = minutes(flags['upgrade-timeout'], 120);

  const runId = newRunId();
  const stop = new AbortController();
  let interrupted = false;
  let session: ClusterSession | undefined;
  const started = Date.now();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the upgrade check, then removing what it made`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const interruption = new Promise<'interrupted'>((settle) =>
    stop.signal.addEventListener('abort', () => settle('interrupted')),
  );

  try {
    if (versions && (await kindNodes(clusterName)).length > 0)
      throw new UsageError(
        `kind cluster ${clusterName} exists already, and the upgrade check upgrades the cluster it makes`,
        `delete it (npm run cluster:down -- --cluster-name ${clusterName}) or pass another --cluster-name`,
      );
    if (versions) {
      // The newer version's binaries and images must be in the toolchain cache before the cluster
      // is made: finding them missing after the first phase would waste it.
      console.log(`toolchain for ${versions.to} (the upgrade's binaries and control-plane images)`);
      await prepareOffline({
        say: (line) => console.log(`  ${line}`),
        signal: stop.signal,
        kubernetesVersions: [versions.to],
      });
    }
    session = await openClusterSession({
      ...(kubeconfig ? { kubeconfig, context: settings.context } : {}),
      clusterName,
      workers,
      mode: settings.mode,
      keepCluster: settings.keepCluster,
      ...(versions ? { kubernetesVersion: versions.from } : {}),
      logDir: join(outDir, 'cluster'),
      waitForNodeImages: true,
      say: (line) => console.log(line),
      signal: stop.signal,
    });
    const handle = session.handle;
    const target: UpgradeTarget = versions
      ? { kind: 'kind', cluster: handle.name, from: versions.from, to: versions.to }
      : {
          kind: 'existing',
          awaitUpgrade: () => awaitUpgradeByHand(flags['upgrade-done-file'], upgradeTimeoutMs, stop.signal),
        };
    console.log(
      `upgrade check ${runId} on ${handle.provider} cluster ${handle.name} (Kubernetes ${handle.serverVersion})${versions ? ` -> ${versions.to}` : ''}; scenarios before and after: ${scenarios.join(', ')}`,
    );
    const runSuite = (phase: SuitePhase, dir: string) =>
      runE2e(phase, dir, handle.kubeconfig, handle.context, scenarios, settings.concurrency, stop.signal);
    const outcome = await Promise.race([
      runUpgradeCheck({
        session,
        target,
        outDir,
        runId,
        runSuite,
        say: (line) => console.log(line),
        signal: stop.signal,
      }),
      interruption,
    ]);
    if (outcome === 'interrupted') return INTERRUPTED_EXIT_CODE;
    const { report } = outcome;
    let exitCode = outcome.exitCode;
    console.log(`\n${summaryLines(report).join('\n')}`);
    // Like every e2e run: no fixture secret in anything the check wrote (its own files and both runs').
    const scan = await scanArtifacts(outDir, resolve('fixtures'));
    console.log(summarizeScan(scan));
    for (const line of describeLeaks(scan)) console.error(`  leak: ${line}`);
    if (scan.leaks.length > 0) exitCode = 1;
    console.log(
      `\nupgrade check ${exitCode === 0 ? 'passed' : 'FAILED'} in ${formatDuration((Date.now() - started) / 1000)}: ${relative(process.cwd(), join(outDir, 'continuity.md'))}, continuity.svg, comparison.md`,
    );
    return exitCode;
  } finally {
    if (session) {
      const left = await deleteNamespacesOfRun(session.kube, runId, { wait: true }).catch(() => []);
      if (left.length > 0) console.log(`deleted namespaces the check left: ${left.join(', ')}`);
      await session.release();
    }
  }
});

function chooseScenarios(positionals: readonly string[]): string[] {
  const known = discoverScenarios(resolve('suites'));
  const chosen = positionals.length > 0 ? [...positionals] : DEFAULT_SCENARIOS;
  const unknown = chosen.filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new UsageError(`unknown scenario ${unknown.join(', ')}`, `known scenarios: ${[...known.keys()].join(', ')}`);
  const disruptive = chosen.filter((name) => isDisruptive(known.get(name) as string));
  if (disruptive.length > 0)
    throw new UsageError(
      `${disruptive.join(', ')} ${disruptive.length === 1 ? 'disrupts' : 'disrupt'} the cluster, which the upgrade check runs scenarios on next to its long-lived workloads`,
      'name ordinary scenarios only',
    );
  return chosen;
}

function kindVersions(flags: Record<string, unknown>): { from: string; to: string } {
  const read = (flag: 'from' | 'to') => {
    const raw = flags[flag];
    if (typeof raw !== 'string')
      throw new UsageError(`--${flag} is missing: a kind upgrade needs both versions`, USAGE);
    const [version] = SETTINGS.kubernetes.parse(raw, { name: `--${flag}`, kind: 'flag' }) ?? [];
    return version as string;
  };
  const from = read('from');
  const to = read('to');
  const [fromMinor, fromPatch] = from.slice(3).split('.').map(Number) as [number, number];
  const [toMinor, toPatch] = to.slice(3).split('.').map(Number) as [number, number];
  if (toMinor < fromMinor || (toMinor === fromMinor && toPatch <= fromPatch))
    throw new UsageError(
      `--to ${to} is not newer than --from ${from}`,
      'an upgrade goes to a newer version: swap them',
    );
  if (toMinor - fromMinor > 1)
    throw new UsageError(
      `--from ${from} --to ${to} skips a minor version`,
      'kubeadm upgrades one minor version at a time; upgrade in steps',
    );
  return { from, to };
}

function minutes(raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback * 60_000;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(
      `--upgrade-timeout ${String(raw)} is not a number of minutes`,
      'pass e.g. --upgrade-timeout 90',
    );
  return value * 60_000;
}

/** The person upgrades the cluster; the check waits for the done file, or for Enter on a terminal. */
async function awaitUpgradeByHand(doneFile: unknown, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const file = typeof doneFile === 'string' ? resolve(doneFile) : undefined;
  console.log(
    `\n  Upgrade the cluster now. The probes and the sampler are running.\n  When the upgrade is done, ${file ? `create ${file} (touch it)` : 'press Enter'}${file && process.stdin.isTTY ? ' or press Enter' : ''}. Waiting up to ${formatDuration(timeoutMs / 1000)}.`,
  );
  if (!file && !process.stdin.isTTY)
    throw new UsageError(
      'nobody can say the upgrade is done: standard input is not a terminal',
      'pass --upgrade-done-file PATH and create that file when the upgrade is done',
    );
  const deadline = Date.now() + timeoutMs;
  const enter = process.stdin.isTTY ? pressEnter() : undefined;
  for (;;) {
    if (file && existsSync(file)) break;
    if (enter?.pressed) break;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${formatDuration(timeoutMs / 1000)} waiting for the upgrade to be done${file ? ` (${file} never appeared)` : ''}`,
      );
    // Polling a file a person creates: not a cluster condition, so no named cluster wait applies.
    await delay(2000, undefined, { signal });
  }
  enter?.close();
}

function pressEnter(): { pressed: boolean; close(): void } {
  const state = { pressed: false, close: () => lines.close() };
  const lines = createInterface({ input: process.stdin });
  lines.once('line', () => (state.pressed = true));
  return state;
}

/** One `npm run e2e` against the cluster, in its own output directory. */
async function runE2e(
  phase: SuitePhase,
  dir: string,
  kubeconfig: string,
  context: string | undefined,
  scenarios: readonly string[],
  concurrency: number,
  signal: AbortSignal,
): Promise<number> {
  console.log(
    `  npm run e2e -- ${scenarios.join(' ')} --kubeconfig ${kubeconfig} --out ${relative(process.cwd(), dir)} (${phase})`,
  );
  const tsx = resolve('node_modules', 'tsx', 'dist', 'cli.mjs');
  const result = await execa(
    process.execPath,
    [
      tsx,
      'scripts/e2e.ts',
      ...scenarios,
      '--kubeconfig',
      kubeconfig,
      ...(context ? ['--context', context] : []),
      '--out',
      dir,
      '--concurrency',
      String(concurrency),
    ],
    { stdio: 'inherit', reject: false, cancelSignal: signal, env: { ...process.env, KUBECONFIG: '' } },
  );
  return result.exitCode ?? INTERRUPTED_EXIT_CODE;
}

function summaryLines(report: Awaited<ReturnType<typeof runUpgradeCheck>>['report']): string[] {
  const lines = report.verdicts.map((entry) => {
    if (entry.notDecidableHere) return `- ${entry.statement}: not decidable here (${entry.notDecidableHere})`;
    const ok = entry.controlExpects ? entry.verdict.outcome === 'violated' : entry.verdict.holds;
    return `${ok ? '✓' : '✗'} ${entry.statement}: ${entry.verdict.outcome}`;
  });
  const figures = report.figures;
  if (figures)
    lines.push(
      `writes ${figures.writes.attempted} attempted, ${figures.writes.acknowledged} acknowledged, ${figures.writes.lost} lost; reads ${figures.writes.readsOk} ok, ${figures.writes.readsFailed} failed; identities duplicated ${figures.identitiesDuplicated.api}/${figures.identitiesDuplicated.runtime ?? '-'}; claims changed ${figures.claimsChanged}; max unavailable ${JSON.stringify(figures.maxUnavailability)}`,
    );
  lines.push(...report.phases.map((phase) => `${formatDuration(phase.ms / 1000).padStart(8)}  ${phase.phase}`));
  lines.push(...report.problems.map((problem) => `problem: ${problem}`));
  return lines;
}
