/**
 * npm run e2e -- [SCENARIO ...] [--kubeconfig PATH [--context NAME]] [--cluster-name NAME]
 *                [--keep-cluster] [--workers N] [--feature-gates G=true,...] [--offline | --online | --mode MODE] [--concurrency N]
 *                [--out DIR] [--list]
 *
 * Every flag but --list is a setting with an environment variable too (lib/support/settings.ts);
 * the kubeconfig also comes from KUBECONFIG.
 *
 * The conformance run: opens a cluster (an existing one through a kubeconfig, else a kind
 * cluster it creates, offline when the registries are unreachable), runs the e2e project of
 * vitest against it, and cleans up what it created: namespaces always, the cluster unless
 * --keep-cluster, also after Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ClusterSession } from '../lib/cluster/provider.js';
import { openClusterSession } from '../lib/cluster/session.js';
import { deleteNamespacesOfRun, waitUntilRunLeftNothing, newRunId } from '../lib/kube/namespace.js';
import { UsageError } from '../lib/support/errors.js';
import { formatDuration } from '../lib/support/format.js';
import { HANDOVER_ENV, kubectlKubeconfig, readSettings, SETTINGS, settingFlags } from '../lib/support/settings.js';
import { discoverScenarios } from '../lib/harness/scenarios.js';
import { forgetRunNamespaces, runNamespaces } from '../lib/harness/run-namespaces.js';
import { readTimings, TIMINGS_FILE, type ScenarioTiming } from '../lib/harness/timings.js';
import { parseFlags, runMain } from './cli.js';

const USAGE =
  'usage: npm run e2e -- [SCENARIO ...] [--kubeconfig PATH [--context NAME]] [--cluster-name NAME] [--keep-cluster] [--workers N] [--feature-gates G=true,...] [--offline|--online|--mode MODE] [--concurrency N] [--out DIR] [--list]';

const SETTING_NAMES = [
  'kubeconfig',
  'context',
  'clusterName',
  'workers',
  'featureGates',
  'mode',
  'keepCluster',
  'concurrency',
  'out',
] as const;

async function main(): Promise<number> {
  const { flags, positionals } = parseFlags(
    process.argv.slice(2),
    { ...settingFlags(SETTING_NAMES), list: { type: 'boolean' } },
    USAGE,
  );
  const scenarios = discoverScenarios(resolve('suites'));
  if (flags.list) {
    for (const [name, path] of scenarios) console.log(`${name.padEnd(28)} ${relative(process.cwd(), path)}`);
    return 0;
  }
  const unknown = positionals.filter((name) => !scenarios.has(name));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown scenario ${unknown.join(', ')}`,
      `known scenarios: ${[...scenarios.keys()].join(', ')} (npm run e2e -- --list)`,
    );
  const settings = readSettings(SETTING_NAMES, { flags, usage: USAGE });
  const files = positionals.map((name) => relative(process.cwd(), scenarios.get(name) as string));

  const outDir = resolve(settings.out);
  const runId = newRunId();
  const started = Date.now();
  let interrupted = 0;
  let child: ReturnType<typeof spawn> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted++;
    console.error(
      interrupted === 1
        ? `\n${signal}: stopping the run, then cleaning up (again to skip waiting for the tests)`
        : `\n${signal}: cleaning up now`,
    );
    if (child && child.exitCode === null) child.kill(interrupted === 1 ? 'SIGINT' : 'SIGKILL');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let session: ClusterSession | undefined;
  let exitCode = 1;
  try {
    session = await openClusterSession({
      kubeconfig: settings.kubeconfig ?? kubectlKubeconfig(),
      context: settings.context,
      clusterName: settings.clusterName,
      workers: settings.workers,
      featureGates: settings.featureGates,
      mode: settings.mode,
      keepCluster: settings.keepCluster,
      logDir: join(outDir, 'cluster'),
      say: (line) => console.log(line),
    });
    if (interrupted) return 130;
    // The previous run's results stay until this one can actually start.
    await rm(join(outDir, 'allure-results'), { recursive: true, force: true });
    await rm(join(outDir, 'junit.xml'), { force: true });
    await rm(join(outDir, TIMINGS_FILE), { force: true });
    await forgetRunNamespaces(outDir);
    console.log(
      `run ${runId}: ${files.length === 0 ? 'all scenarios' : positionals.join(', ')} on ${session.handle.provider} cluster ${session.handle.name} (Kubernetes ${session.handle.serverVersion}), ${settings.concurrency} scenario file(s) at a time`,
    );

    const vitest = resolve('node_modules', 'vitest', 'vitest.mjs');
    child = spawn(process.execPath, [vitest, 'run', '--project', 'e2e', ...files], {
      stdio: 'inherit',
      env: {
        ...process.env,
        [HANDOVER_ENV.cluster]: JSON.stringify(session.handle),
        [HANDOVER_ENV.runId]: runId,
        [SETTINGS.out.env]: outDir,
        [SETTINGS.concurrency.env]: String(settings.concurrency),
      },
    });
    exitCode = await new Promise<number>((resolveExit) =>
      child?.on('exit', (code, signal) => resolveExit(code ?? (signal ? 130 : 1))),
    );
    if (interrupted) exitCode = 130;
    printTimings(await readTimings(outDir));
  } finally {
    if (session) {
      // Scenarios delete their namespaces without waiting; whatever is left (a test that was
      // interrupted) is deleted now, and then the run proves that nothing it made is left, on
      // kept and existing clusters and on a kind cluster about to go alike.
      const leftovers = await deleteNamespacesOfRun(session.kube, runId, { wait: false }).catch((error: Error) => {
        console.error(`could not list this run's namespaces: ${error.message}`);
        return [];
      });
      if (leftovers.length > 0) console.log(`deleted namespaces this run left behind: ${leftovers.join(', ')}`);
      const made = [...new Set([...(await runNamespaces(outDir)), ...leftovers])];
      const verifyStarted = Date.now();
      const left = await waitUntilRunLeftNothing(session.kube, made);
      if (left.namespaces.length + left.volumes.length > 0) {
        console.error(
          `error: this run left ${[...left.namespaces.map((name) => `Namespace ${name}`), ...left.volumes.map((volume) => `PersistentVolume ${volume}`)].join(', ')} behind; inspect them with kubectl before deleting them by hand`,
        );
        if (exitCode === 0) exitCode = 1;
      } else {
        console.log(
          `verified: the run's ${made.length} namespace(s) and the volumes of their claims are gone (${formatDuration((Date.now() - verifyStarted) / 1000)})`,
        );
      }
      await session.release();
      console.log(
        `e2e run ${runId} finished in ${formatDuration((Date.now() - started) / 1000)}${interrupted ? ' (interrupted)' : ''}; JUnit: ${relative(process.cwd(), join(outDir, 'junit.xml'))}`,
      );
    }
  }
  return exitCode;
}

/** Per test: wall time, and the share spent waiting for the cluster. */
function printTimings(timings: readonly ScenarioTiming[]): void {
  if (timings.length === 0) return;
  console.log('\nscenario wall time (waiting for the cluster / harness work / of which evidence):');
  for (const timing of timings) {
    const own = timing.totalMs - timing.waitingMs;
    console.log(
      `  ${formatDuration(timing.totalMs / 1000).padStart(7)}  ${formatDuration(timing.waitingMs / 1000).padStart(7)} / ${formatDuration(own / 1000).padStart(6)} / ${formatDuration(timing.evidenceMs / 1000).padStart(5)}  ${timing.failed ? 'FAILED ' : ''}${timing.notApplicable ? 'NOT APPLICABLE ' : ''}${timing.test}`,
    );
  }
  for (const timing of timings.filter((entry) => entry.notApplicable))
    console.log(`  not run: ${timing.test}\n    ${timing.notApplicable?.split('; ').join('\n    ')}`);
  const total = timings.reduce((sum, timing) => sum + timing.totalMs, 0);
  const waiting = timings.reduce((sum, timing) => sum + timing.waitingMs, 0);
  console.log(
    `  ${formatDuration(total / 1000).padStart(7)}  ${formatDuration(waiting / 1000).padStart(7)} waiting (${Math.round((100 * waiting) / total)}%)`,
  );
}

runMain(main);
