/**
 * npm run fault:interrupt -- [--moment NAME[,NAME...]] [--cluster-name NAME]
 *
 * Ctrl-C at five moments of a real run, each proven on a real cluster: `npm run e2e --
 * ordered-creation` is started in its own process group and sent SIGINT the way a terminal sends
 * it, when the moment is seen from outside (kind's output, the cluster, the output directory).
 * Then: the exit code must be 130, and nothing the run made may be left: no namespace of the run,
 * no PersistentVolume of its claims, and no kind cluster it created. Moments:
 *
 *   cluster-creation  while kind creates a fresh cluster (the cluster must go)
 *   apply             right after the first StatefulSet is applied (on NAME, which stays)
 *   hold              while web-1 is held not Ready, on a cluster the run created (it must go)
 *   evidence          when the first timeline is written (on NAME)
 *   teardown          while the run deletes its namespaces and verifies they are gone (on NAME)
 *
 * NAME (default sts-faults) is a kind cluster of your own that the runs reuse and leave alone.
 * Writes out/fault-interrupt/result.json; exits nonzero if any moment left something behind.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { connect, loadKubeConfig, type Kube } from '../lib/kube/client.js';
import { cacheRoot } from '../lib/toolchain/cache.js';
import { UsageError } from '../lib/support/errors.js';
import { writeJson } from './bench-support.js';
import { parseFlags, runMain } from './cli.js';
import {
  kindNodeContainers,
  leftoversOf,
  notedNamespaces,
  since,
  startE2e,
  when,
  type E2eProcess,
} from './fault-support.js';

interface Moment {
  readonly name: string;
  /** fresh: the run creates (and must delete) its cluster; kept: it reuses the named one. */
  readonly cluster: 'fresh' | 'kept';
  readonly describe: string;
  arrived(run: E2eProcess, context: { kube: () => Kube | undefined; out: string }): Promise<boolean>;
}

const runNamespacesOf = async (kube: Kube, runId: string) =>
  (await kube.core.listNamespace({ labelSelector: `sts-conformance.io/run=${runId}` })).items.map(
    (item) => item.metadata?.name ?? '',
  );

const MOMENTS: readonly Moment[] = [
  {
    name: 'cluster-creation',
    cluster: 'fresh',
    describe: 'kind printed "Starting control-plane" while creating the cluster',
    arrived: async (run) => /kind: .*Starting control-plane/.test(run.output()),
  },
  {
    name: 'apply',
    cluster: 'kept',
    describe: 'the first StatefulSet of the run exists (its fixture was just applied)',
    arrived: async (run, { kube }) => {
      const runId = run.runId();
      const client = kube();
      if (!runId || !client) return false;
      for (const namespace of await runNamespacesOf(client, runId))
        if ((await client.apps.listNamespacedStatefulSet({ namespace })).items.length > 0) return true;
      return false;
    },
  },
  {
    name: 'hold',
    cluster: 'fresh',
    describe: 'web reports 2 pods, 1 Ready: web-1 is held and the 10 s window has begun',
    arrived: async (run, { kube }) => {
      const runId = run.runId();
      const client = kube();
      if (!runId || !client) return false;
      for (const namespace of await runNamespacesOf(client, runId)) {
        const sets = (await client.apps.listNamespacedStatefulSet({ namespace })).items;
        if (sets.some((set) => set.status?.replicas === 2 && set.status.readyReplicas === 1)) return true;
      }
      return false;
    },
  },
  {
    name: 'evidence',
    cluster: 'kept',
    describe: 'the first timeline file appeared under <out>/timelines/ (evidence of the first test being written)',
    arrived: async (_run, { out }) => {
      const entries = await readdir(join(out, 'timelines'), { recursive: true }).catch(() => []);
      return entries.some((entry) => String(entry).endsWith('.timeline.json'));
    },
  },
  {
    name: 'teardown',
    cluster: 'kept',
    describe: 'the tests finished and the run printed its timings: it is deleting and verifying its namespaces',
    arrived: async (run) => /scenario wall time/.test(run.output()),
  },
];

interface Outcome {
  moment: string;
  cluster: string;
  trigger: string;
  exitCode: number;
  secondsToExit: number;
  namespacesLeft: string[];
  volumesLeft: string[];
  clusterLeft: boolean;
  clusterKept: boolean;
  passed: boolean;
}

runMain(async () => {
  const usage = 'usage: npm run fault:interrupt -- [--moment NAME[,NAME...]] [--cluster-name NAME]';
  const { flags } = parseFlags(
    process.argv.slice(2),
    { moment: { type: 'string' }, 'cluster-name': { type: 'string' } },
    usage,
  );
  const wanted = String(flags.moment ?? MOMENTS.map((moment) => moment.name).join(',')).split(',');
  const unknown = wanted.filter((name) => !MOMENTS.some((moment) => moment.name === name));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown moment ${unknown.join(', ')}`,
      `choose from ${MOMENTS.map((m) => m.name).join(', ')}`,
    );
  // Not the e2e default (sts-e2e): these runs need a cluster of the caller's own.
  const kept = String(flags['cluster-name'] ?? 'sts-faults');
  const outcomes: Outcome[] = [];

  for (const moment of MOMENTS.filter((candidate) => wanted.includes(candidate.name))) {
    const cluster = moment.cluster === 'kept' ? kept : `sts-int-${process.pid}`;
    const out = resolve('out', 'fault-interrupt', moment.name);
    const kubeconfig = join(cacheRoot(), 'clusters', `${cluster}.kubeconfig`);
    let kube: Kube | undefined;
    const kubeOnce = () => {
      if (!kube && moment.cluster === 'kept') kube = connect(loadKubeConfig(kubeconfig));
      return kube;
    };
    console.log(`\n== ${moment.name}: npm run e2e -- ordered-creation --cluster-name ${cluster}`);
    const run = startE2e(
      ['ordered-creation', '--offline', '--cluster-name', cluster, '--out', out],
      join(out, 'driver.log'),
    );
    await when(moment.describe, run, async () => {
      // A fresh cluster's kubeconfig exists once the run reached it (it printed its run line).
      if (!kube && moment.cluster === 'fresh' && run.runId()) kube = connect(loadKubeConfig(kubeconfig));
      return moment.arrived(run, { kube: kubeOnce, out });
    });
    const interruptedAt = Date.now();
    console.log(`   Ctrl-C (SIGINT to the process group): ${moment.describe}`);
    run.interrupt();
    const exitCode = await run.exited;
    const secondsToExit = (Date.now() - interruptedAt) / 1000;
    console.log(`   exited with ${exitCode} ${since(interruptedAt)} after the Ctrl-C`);

    const runId = run.runId();
    const nodes = await kindNodeContainers(cluster);
    const leftovers =
      runId && nodes.length > 0
        ? await leftoversOf(connect(loadKubeConfig(kubeconfig)), runId, await notedNamespaces(out))
        : { namespaces: [], volumes: [] };
    const clusterLeft = moment.cluster === 'fresh' && nodes.length > 0;
    const clusterKept = moment.cluster === 'kept' && nodes.length > 0;
    const outcome: Outcome = {
      moment: moment.name,
      cluster: moment.cluster === 'fresh' ? `${cluster} (created by the run)` : `${cluster} (reused, kept)`,
      trigger: moment.describe,
      exitCode,
      secondsToExit,
      namespacesLeft: leftovers.namespaces,
      volumesLeft: leftovers.volumes,
      clusterLeft,
      clusterKept,
      passed:
        exitCode === 130 &&
        leftovers.namespaces.length + leftovers.volumes.length === 0 &&
        !clusterLeft &&
        (moment.cluster === 'fresh' || clusterKept),
    };
    outcomes.push(outcome);
    console.log(
      `   ${outcome.passed ? 'PASS' : 'FAIL'}: exit ${exitCode}; namespaces left: ${leftovers.namespaces.join(', ') || 'none'}; volumes left: ${leftovers.volumes.join(', ') || 'none'}; ${moment.cluster === 'fresh' ? `cluster ${cluster} ${clusterLeft ? 'LEFT BEHIND' : 'gone'}` : `cluster ${cluster} ${clusterKept ? 'still there, as it should be' : 'GONE'}`}`,
    );
  }

  await writeJson(resolve('out', 'fault-interrupt', 'result.json'), outcomes);
  console.log('\n| moment | cluster | exit | to exit | namespaces left | volumes left | cluster |');
  console.log('|---|---|---|---|---|---|---|');
  for (const outcome of outcomes)
    console.log(
      `| ${outcome.moment} | ${outcome.cluster} | ${outcome.exitCode} | ${outcome.secondsToExit.toFixed(1)} s | ${outcome.namespacesLeft.length} | ${outcome.volumesLeft.length} | ${outcome.clusterLeft ? 'left behind' : outcome.clusterKept ? 'kept' : 'deleted'} |`,
    );
  return outcomes.every((outcome) => outcome.passed) ? 0 : 1;
});
