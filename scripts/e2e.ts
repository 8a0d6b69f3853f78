/**
 * npm run e2e -- [SCENARIO ...] [--kubeconfig PATH [--context NAME]] [--cluster-name NAME]
 *                [--kubernetes VERSION] [--keep-cluster] [--workers N] [--feature-gates G=true,...] [--offline | --online | --mode MODE]
 *                [--images DIR] [--concurrency N] [--shard I/N] [--out DIR] [--list] [--test NAME]
 *
 * Every flag but --list is a setting with an environment variable too (lib/support/settings.ts);
 * the kubeconfig also comes from KUBECONFIG.
 *
 * The conformance run: opens a cluster (an existing one through a kubeconfig, else a kind
 * cluster it creates, offline when the registries are unreachable), runs the e2e project of
 * vitest against it (the disruptive scenarios, when named, after the others and alone), and
 * cleans up what it created: namespaces always, the cluster unless --keep-cluster, also after
 * Ctrl-C (exit code 130). It ends by searching every artifact it wrote, its console output
 * (<out>/e2e.log) included, for the fixtures' secrets, and fails on a hit. Every run writes
 * DIR/results.json (lib/results/schema.ts) and the guides' ledger (DIR/ledger.md); --shard runs
 * one part of the scenario files, for CI jobs whose results merge into one; --test runs only the
 * tests whose name matches (vitest -t). Under `npm run repro` the namespaces are kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { join, relative, resolve } from 'node:path';
import type { ClusterSession } from '../lib/cluster/provider.js';
import { openClusterSession } from '../lib/cluster/session.js';
import { createNamespace, deleteNamespacesOfRun, waitUntilRunLeftNothing, newRunId } from '../lib/kube/namespace.js';
import { startLatencyProbe, type LatencyProbe } from '../lib/observe/latency-probe.js';
import { describeLeaks, scanArtifacts, summarizeScan } from '../lib/harness/artifact-scan.js';
import { firstLine, INTERRUPTED_EXIT_CODE, UsageError } from '../lib/support/errors.js';
import { formatDuration } from '../lib/support/format.js';
import { ensureWritableDir } from '../lib/support/output-dir.js';
import {
  flagOf,
  HANDOVER_ENV,
  kubectlKubeconfig,
  oneKubernetesVersion,
  readSettings,
  SETTINGS,
  settingFlags,
} from '../lib/support/settings.js';
import { discoverScenarios, isDisruptive } from '../lib/harness/scenarios.js';
import { forgetRunNamespaces, noteRunNamespace, runNamespaces } from '../lib/harness/run-namespaces.js';
import { readTimings, TIMINGS_FILE, type ScenarioTiming } from '../lib/harness/timings.js';
import { DECISIONS_FILE, FIGURES_FILE, readDecisions } from '../lib/harness/decisions.js';
import { loadLedger } from '../lib/claims/ledger.js';
import { publishLedger } from '../lib/claims/publish.js';
import { ledgerCounts } from '../lib/claims/render.js';
import { writeImageMap } from '../lib/harness/image-map-report.js';
import { readRunResults, RESULTS_FILE } from '../lib/results/schema.js';
import { parseFlags, runMain } from './cli.js';

const USAGE =
  'usage: npm run e2e -- [SCENARIO ...] [--kubeconfig PATH [--context NAME]] [--cluster-name NAME] [--kubernetes VERSION] [--keep-cluster] [--workers N] [--feature-gates G=true,...] [--offline|--online|--mode MODE] [--images DIR] [--concurrency N] [--shard I/N] [--out DIR] [--list] [--test NAME]';

const SETTING_NAMES = [
  'kubeconfig',
  'context',
  'clusterName',
  'workers',
  'featureGates',
  'mode',
  'kubernetes',
  'keepCluster',
  'images',
  'concurrency',
  'shard',
  'out',
] as const;

/** Signals closer together than this are one Ctrl-C delivered twice. */
const SAME_KEYPRESS_MS = 1000;

/** The probe's writes, for bench:e2e (lib/observe/latency.ts). */
const LATENCY_PROBE_FILE = 'latency-probe.json';

/** The run's console output, also kept in <out>/e2e.log: an artifact like the others, searched for secrets too. */
class RunLog {
  private readonly file;
  constructor(path: string) {
    this.file = createWriteStream(path);
  }
  say(line: string): void {
    console.log(line);
    this.file.write(`${line}\n`);
  }
  warn(line: string): void {
    console.error(line);
    this.record(line);
  }
  /** Only into the log: for what runMain prints to the console itself. */
  record(line: string): void {
    this.file.write(`${line}\n`);
  }
  /** Copies a child's output to the console and the log. */
  tee(child: ChildProcess): void {
    child.stdout?.on('data', (chunk: Buffer) => (process.stdout.write(chunk), this.file.write(chunk)));
    child.stderr?.on('data', (chunk: Buffer) => (process.stderr.write(chunk), this.file.write(chunk)));
  }
  close(): Promise<void> {
    return new Promise((done) => this.file.end(done));
  }
}

async function main(): Promise<number> {
  const { flags, positionals } = parseFlags(
    process.argv.slice(2),
    { ...settingFlags(SETTING_NAMES), list: { type: 'boolean' }, test: { type: 'string' } },
    USAGE,
  );
  const scenarios = discoverScenarios(resolve('suites'));
  if (flags.list) {
    for (const [name, path] of scenarios)
      console.log(
        `${name.padEnd(28)} ${relative(process.cwd(), path)}${isDisruptive(path) ? '  (disruptive: only when named, alone, on a kind cluster of your own)' : ''}`,
      );
    return 0;
  }
  const unknown = positionals.filter((name) => !scenarios.has(name));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown scenario ${unknown.join(', ')}`,
      `known scenarios: ${[...scenarios.keys()].join(', ')} (npm run e2e -- --list)`,
    );
  const settings = readSettings(SETTING_NAMES, { flags, usage: USAGE });
  const kubeconfig = settings.kubeconfig ?? kubectlKubeconfig();
  const kubernetesVersion = oneKubernetesVersion(settings.kubernetes, USAGE);
  const repro = process.env[HANDOVER_ENV.repro] === '1';
  const chosen = positionals.map((name) => relative(process.cwd(), scenarios.get(name) as string));
  const disruptive = chosen.filter((file) => isDisruptive(file));
  const ordinary = chosen.filter((file) => !isDisruptive(file));
  const named = positionals.filter((name) => isDisruptive(scenarios.get(name) as string));
  if (disruptive.length > 0 && kubeconfig)
    throw new UsageError(
      `${named.join(', ')} ${named.length === 1 ? 'disrupts' : 'disrupt'} the whole cluster, and the suite never does that to a cluster it was given through a kubeconfig`,
      'run them on a kind cluster of your own: --cluster-name NAME, without --kubeconfig and KUBECONFIG',
    );
  // Ordinary scenarios run together first; disruptive ones (named only) after them, one at a time.
  const groups = [
    ...(chosen.length === 0 || ordinary.length > 0 ? [{ files: ordinary, disruptive: false }] : []),
    ...(disruptive.length > 0 ? [{ files: disruptive, disruptive: true }] : []),
  ];

  const outDir = resolve(settings.out);
  await ensureWritableDir(outDir, flagOf('out'));
  const log = new RunLog(join(outDir, 'e2e.log'));
  const runId = newRunId();
  const started = Date.now();
  const stop = new AbortController();
  let interrupted = 0;
  let child: ChildProcess | undefined;
  let lastSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // One Ctrl-C can arrive twice: from the terminal to the whole foreground group, and relayed
    // by the tsx (and npm) processes above this one. Only a press a second later is a new one.
    if (Date.now() - lastSignalAt < SAME_KEYPRESS_MS) return;
    lastSignalAt = Date.now();
    interrupted++;
    if (interrupted === 1) {
      log.warn(`\n${signal}: stopping the run, then cleaning up what it made`);
      stop.abort();
      killGroup(child, 'SIGINT');
    } else if (interrupted === 2) {
      log.warn(`\n${signal}: stopping the tests now; the cleanup still runs (a third ${signal} skips it)`);
      killGroup(child, 'SIGKILL');
    } else {
      log.warn(
        `\n${signal}: exiting without finishing the cleanup; what run ${runId} made may be left: kubectl get namespaces -l sts-conformance.io/run=${runId}`,
      );
      process.exit(INTERRUPTED_EXIT_CODE);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let session: ClusterSession | undefined;
  let probe: LatencyProbe | undefined;
  let exitCode = 1;
  try {
    session = await openClusterSession({
      kubeconfig,
      context: settings.context,
      clusterName: settings.clusterName,
      workers: settings.workers,
      featureGates: settings.featureGates,
      mode: settings.mode,
      keepCluster: settings.keepCluster,
      ...(kubernetesVersion ? { kubernetesVersion } : {}),
      logDir: join(outDir, 'cluster'),
      say: (line) => log.say(line),
      signal: stop.signal,
    });
  } catch (error) {
    log.record(`error: ${firstLine(error)}`);
    await log.close();
    throw error;
  }
  try {
    await writeImageMap(outDir, session.handle.imageMap);
    // The previous run's results stay until this one can actually start.
    // Evidence of an earlier run (timelines, kind's logs) would sit beside this run's under the
    // same test names and be taken for it. Transcripts stay: `npm run repro -- --print` reads the
    // last run of each test from them.
    for (const dir of ['allure-results', 'timelines', 'kind-logs'])
      await rm(join(outDir, dir), { recursive: true, force: true });
    for (const file of [
      'junit.xml',
      'junit-disruptive.xml',
      TIMINGS_FILE,
      LATENCY_PROBE_FILE,
      RESULTS_FILE,
      DECISIONS_FILE,
      FIGURES_FILE,
      'ledger.md',
      'ledger.json',
    ])
      await rm(join(outDir, file), { force: true });
    await forgetRunNamespaces(outDir);
    log.say(
      `run ${runId}: ${chosen.length === 0 ? 'all scenarios' : positionals.join(', ')} on ${session.handle.provider} cluster ${session.handle.name} (Kubernetes ${session.handle.serverVersion}), ${settings.concurrency} scenario file(s) at a time${disruptive.length > 0 ? ', then the disruptive ones alone' : ''}${settings.shard ? `, shard ${settings.shard.index} of ${settings.shard.count}` : ''}`,
    );
    if (process.env[HANDOVER_ENV.latencyProbe] === '1') {
      const namespace = await createNamespace(session.kube, { scenario: 'latency probe', runId });
      await noteRunNamespace(outDir, namespace.name);
      probe = await startLatencyProbe(namespace);
      log.say(`latency probe: 4 writers, an Event every 100 ms each, in ${namespace.name} (for the benchmark)`);
    }
    exitCode = 0;
    for (const group of groups) {
      if (interrupted) break;
      const vitest = resolve('node_modules', 'vitest', 'vitest.mjs');
      // Its own process group, so that a Ctrl-C reaches vitest and its workers once, through
      // killGroup, and no worker outlives the run to act in a namespace being cleaned up.
      const testFilter = typeof flags.test === 'string' ? ['-t', flags.test] : [];
      const shard = settings.shard ? [`--shard=${settings.shard.index}/${settings.shard.count}`] : [];
      child = spawn(process.execPath, [vitest, 'run', '--project', 'e2e', ...shard, ...testFilter, ...group.files], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
        env: {
          ...process.env,
          [HANDOVER_ENV.cluster]: JSON.stringify(session.handle),
          [HANDOVER_ENV.runId]: runId,
          [HANDOVER_ENV.disruptive]: group.disruptive ? '1' : '',
          [SETTINGS.out.env]: outDir,
          [SETTINGS.concurrency.env]: String(settings.concurrency),
        },
      });
      log.tee(child);
      const running = child;
      const code = await new Promise<number>((resolveExit) =>
        running.on('exit', (exit, signal) => resolveExit(exit ?? (signal ? INTERRUPTED_EXIT_CODE : 1))),
      );
      await reapGroup(running);
      exitCode = Math.max(exitCode, code);
    }
    printTimings(await readTimings(outDir), log);
    await printLedger(outDir, log);
    await printResults(outDir, log);
  } finally {
    if (probe) {
      const { writes, failures } = await probe.stop();
      await writeFile(join(outDir, LATENCY_PROBE_FILE), JSON.stringify(writes));
      log.say(
        `latency probe: ${writes.length} write(s), ${writes.filter((write) => write.receivedAt !== undefined).length} seen by its recorder${failures.length > 0 ? `; ${failures.length} failed, e.g. ${failures[0]}` : ''}`,
      );
    }
    if (repro) {
      // npm run repro: the namespaces stay for exploration; say how to remove them.
      const kept = await runNamespaces(outDir);
      if (kept.length > 0)
        log.say(
          `\nkept for exploration: namespace ${kept.join(', ')} on ${session.handle.name}\n  delete with: kubectl --kubeconfig ${session.handle.kubeconfig} delete namespace ${kept.join(' ')}`,
        );
      await session.release();
    } else await verifyNothingLeft(session);
  }
  async function verifyNothingLeft(session: ClusterSession): Promise<void> {
    // Scenarios delete their namespaces without waiting; whatever is left (a test that was
    // interrupted) is deleted now, and then the run proves that nothing it made is left, on
    // kept and existing clusters and on a kind cluster about to go alike.
    const leftovers = await deleteNamespacesOfRun(session.kube, runId, { wait: false }).catch((error: Error) => {
      log.warn(`could not list this run's namespaces: ${error.message}`);
      return [];
    });
    if (leftovers.length > 0) log.say(`deleted namespaces this run left behind: ${leftovers.join(', ')}`);
    const made = [...new Set([...(await runNamespaces(outDir)), ...leftovers])];
    const verifyStarted = Date.now();
    const left = await waitUntilRunLeftNothing(session.kube, made);
    if (left.namespaces.length + left.volumes.length > 0) {
      log.warn(
        `error: this run left ${[...left.namespaces.map((name) => `Namespace ${name}`), ...left.volumes.map((volume) => `PersistentVolume ${volume}`)].join(', ')} behind; inspect them with kubectl before deleting them by hand`,
      );
      exitCode = Math.max(exitCode, 1);
    } else {
      log.say(
        `verified: the run's ${made.length} namespace(s) and the volumes of their claims are gone (${formatDuration((Date.now() - verifyStarted) / 1000)})`,
      );
    }
    await session.release();
  }
  // Last, so that it sees every artifact of the run, this log included.
  const scan = await scanArtifacts(outDir, resolve('fixtures'));
  log.say(summarizeScan(scan));
  for (const line of describeLeaks(scan)) log.warn(`  leak: ${line}`);
  if (scan.leaks.length > 0) exitCode = Math.max(exitCode, 1);
  log.say(
    `e2e run ${runId} finished in ${formatDuration((Date.now() - started) / 1000)}${interrupted ? ' (interrupted)' : ''}; JUnit: ${groups
      .map((group) => relative(process.cwd(), join(outDir, group.disruptive ? 'junit-disruptive.xml' : 'junit.xml')))
      .join(', ')}`,
  );
  await log.close();
  return interrupted ? INTERRUPTED_EXIT_CODE : exitCode;
}

/** Signals a child's whole process group (it was spawned detached), if it still runs. */
function killGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Waits until no process of the child's group is left (its workers), killing stragglers after 10 s. */
async function reapGroup(child: ChildProcess): Promise<void> {
  if (!child.pid) return;
  const alive = () => {
    try {
      process.kill(-(child.pid as number), 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let waited = 0; alive(); waited += 200) {
    if (waited === 10_000) process.kill(-child.pid, 'SIGKILL');
    if (waited > 20_000) throw new Error(`processes of vitest (group ${child.pid}) survive SIGKILL`);
    await delay(200);
  }
}

/** The guides' statements this run decided, by verdict (out/ledger.md has each one beside the guide's words). */
async function printLedger(outDir: string, log: RunLog): Promise<void> {
  const { rows } = await publishLedger(outDir, loadLedger(), await readDecisions(outDir));
  const counts = Object.entries(ledgerCounts(rows)).filter(([, count]) => count > 0);
  log.say(
    `\nguides' statements: ${rows.length} in the ledger; ${counts.map(([verdict, count]) => `${count} ${verdict}`).join(', ')} (${relative(process.cwd(), join(outDir, 'ledger.md'))})`,
  );
}

async function printResults(outDir: string, log: RunLog): Promise<void> {
  const results = await readRunResults(outDir).catch(() => undefined);
  if (!results) {
    log.say(`\nno ${RESULTS_FILE} was written (no test started)`);
    return;
  }
  const count = (outcome: string) => results.tests.filter((test) => test.outcome === outcome).length;
  log.say(
    `\nresults: ${relative(process.cwd(), join(outDir, RESULTS_FILE))} (${results.tests.length} tests: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped)`,
  );
}

/** Per test: wall time, and the share spent waiting for the cluster. */
function printTimings(timings: readonly ScenarioTiming[], log: RunLog): void {
  if (timings.length === 0) return;
  log.say('\nscenario wall time (waiting for the cluster / harness work / of which evidence):');
  for (const timing of timings) {
    const own = timing.totalMs - timing.waitingMs;
    log.say(
      `  ${formatDuration(timing.totalMs / 1000).padStart(7)}  ${formatDuration(timing.waitingMs / 1000).padStart(7)} / ${formatDuration(own / 1000).padStart(6)} / ${formatDuration(timing.evidenceMs / 1000).padStart(5)}  ${timing.failed ? 'FAILED ' : ''}${timing.notApplicable ? 'NOT APPLICABLE ' : ''}${timing.test}`,
    );
  }
  const total = timings.reduce((sum, timing) => sum + timing.totalMs, 0);
  const waiting = timings.reduce((sum, timing) => sum + timing.waitingMs, 0);
  log.say(
    `  ${formatDuration(total / 1000).padStart(7)}  ${formatDuration(waiting / 1000).padStart(7)} waiting (${Math.round((100 * waiting) / total)}%)`,
  );
}

runMain(main);
