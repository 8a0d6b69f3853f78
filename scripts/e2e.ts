/**
 * npm run e2e -- [SCENARIO ...] [--kubeconfig PATH [--context NAME]] [--cluster-name NAME]
 *                [--keep-cluster] [--workers N] [--offline | --online] [--out DIR] [--list]
 *
 * The conformance run: opens a cluster (an existing one through a kubeconfig, else a kind
 * cluster it creates, offline when the registries are unreachable), runs the e2e project of
 * vitest against it, and cleans up what it created: namespaces always, the cluster unless
 * --keep-cluster, also after Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { CLUSTER_ENV, type ClusterSession } from '../lib/cluster/provider.js';
import { openClusterSession } from '../lib/cluster/session.js';
import { deleteNamespacesOfRun, newRunId } from '../lib/kube/namespace.js';
import { formatDuration } from '../lib/support/format.js';
import { OUT_DIR_ENV, RUN_ID_ENV } from '../lib/harness/global-setup.js';
import { discoverScenarios } from '../lib/harness/scenarios.js';
import { readTimings, TIMINGS_FILE, type ScenarioTiming } from '../lib/harness/timings.js';
import { parseFlags, runMain, UsageError } from './cli.js';

const USAGE =
  'usage: npm run e2e -- [SCENARIO ...] [--kubeconfig PATH [--context NAME]] [--cluster-name NAME] [--keep-cluster] [--workers N] [--offline|--online] [--out DIR] [--list]';

async function main(): Promise<number> {
  const { flags, positionals } = parseFlags(
    process.argv.slice(2),
    {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'cluster-name': { type: 'string' },
      'keep-cluster': { type: 'boolean' },
      workers: { type: 'string' },
      offline: { type: 'boolean' },
      online: { type: 'boolean' },
      out: { type: 'string' },
      list: { type: 'boolean' },
    },
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
  if (flags.offline && flags.online) throw new UsageError('--offline and --online contradict each other', USAGE);
  const workers = Number(flags.workers ?? 0);
  if (!Number.isInteger(workers) || workers < 0)
    throw new UsageError(`--workers ${flags.workers} is not a whole number`, USAGE);
  const kubeconfig = (flags.kubeconfig as string | undefined) ?? process.env.KUBECONFIG;
  const files = positionals.map((name) => relative(process.cwd(), scenarios.get(name) as string));

  const outDir = resolve((flags.out as string | undefined) ?? 'out');
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
      kubeconfig,
      context: flags.context as string | undefined,
      clusterName: (flags['cluster-name'] as string | undefined) ?? 'sts-e2e',
      workers,
      mode: flags.offline ? 'offline' : flags.online ? 'online' : 'auto',
      keep: Boolean(flags['keep-cluster']),
      logDir: join(outDir, 'cluster'),
      say: (line) => console.log(line),
    });
    if (interrupted) return 130;
    // The previous run's results stay until this one can actually start.
    await rm(join(outDir, 'allure-results'), { recursive: true, force: true });
    await rm(join(outDir, 'junit.xml'), { force: true });
    await rm(join(outDir, TIMINGS_FILE), { force: true });
    console.log(
      `run ${runId}: ${files.length === 0 ? 'all scenarios' : positionals.join(', ')} on ${session.handle.provider} cluster ${session.handle.name} (Kubernetes ${session.handle.serverVersion})`,
    );

    const vitest = resolve('node_modules', 'vitest', 'vitest.mjs');
    child = spawn(process.execPath, [vitest, 'run', '--project', 'e2e', ...files], {
      stdio: 'inherit',
      env: {
        ...process.env,
        [CLUSTER_ENV]: JSON.stringify(session.handle),
        [RUN_ID_ENV]: runId,
        [OUT_DIR_ENV]: outDir,
      },
    });
    exitCode = await new Promise<number>((resolveExit) =>
      child?.on('exit', (code, signal) => resolveExit(code ?? (signal ? 130 : 1))),
    );
    if (interrupted) exitCode = 130;
    printTimings(await readTimings(outDir));
    return exitCode;
  } finally {
    if (session) {
      // A cluster about to be deleted takes its namespaces with it; on any other, wait until they are gone.
      const clusterGoes = session.handle.createdByThisRun && !flags['keep-cluster'];
      const leftovers = await deleteNamespacesOfRun(session.kube, runId, { wait: !clusterGoes }).catch(
        (error: Error) => {
          console.error(`could not list this run's namespaces: ${error.message}`);
          return [];
        },
      );
      if (leftovers.length > 0) console.log(`deleted namespaces this run left behind: ${leftovers.join(', ')}`);
      await session.release();
      console.log(
        `e2e run ${runId} finished in ${formatDuration((Date.now() - started) / 1000)}${interrupted ? ' (interrupted)' : ''}; JUnit: ${relative(process.cwd(), join(outDir, 'junit.xml'))}`,
      );
    }
  }
}

/** Per test: wall time, and the share spent waiting for the cluster. */
function printTimings(timings: readonly ScenarioTiming[]): void {
  if (timings.length === 0) return;
  console.log('\nscenario wall time (waiting for the cluster / harness work / of which evidence):');
  for (const timing of timings) {
    const own = timing.totalMs - timing.waitingMs;
    console.log(
      `  ${formatDuration(timing.totalMs / 1000).padStart(7)}  ${formatDuration(timing.waitingMs / 1000).padStart(7)} / ${formatDuration(own / 1000).padStart(6)} / ${formatDuration(timing.evidenceMs / 1000).padStart(5)}  ${timing.failed ? 'FAILED ' : ''}${timing.test}`,
    );
  }
  const total = timings.reduce((sum, timing) => sum + timing.totalMs, 0);
  const waiting = timings.reduce((sum, timing) => sum + timing.waitingMs, 0);
  console.log(
    `  ${formatDuration(total / 1000).padStart(7)}  ${formatDuration(waiting / 1000).padStart(7)} waiting (${Math.round((100 * waiting) / total)}%)`,
  );
}

runMain(main);
