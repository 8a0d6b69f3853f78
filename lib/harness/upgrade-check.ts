import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterSession } from '../cluster/provider.js';
import {
  kindUpgradeInputs,
  runUpgrade,
  upgradePlan,
  type StepTiming,
  type UpgradeStep,
} from '../cluster/kind-upgrade.js';
import { kindNodes } from '../cluster/kind-runtime.js';
import {
  changedClaims,
  claimsStable,
  dnsFigures,
  duplicatedIdentities,
  filesKept,
  identitiesUnique,
  maxUnavailability,
  namesResolveAgain,
  writeFigures,
} from '../invariants/continuity.js';
import { ledgerIntact, ledgerFigures, type WriteLedger } from '../invariants/data.js';
import { replicasCaughtUp } from '../invariants/replication.js';
import { describeViolations, kindsOf, verdict as makeVerdict, type Verdict } from '../invariants/verdict.js';
import { serverVersion } from '../kube/client.js';
import { claimBound, claimGone, nodeAtVersion, nodeReadiness } from '../kube/conditions.js';
import { createNamespace, deleteNamespace, waitUntilRunLeftNothing, type OwnedNamespace } from '../kube/namespace.js';
import { clusterReads } from '../kube/verbs.js';
import { ContinuitySampler, type ContinuitySamples } from '../observe/continuity-sampler.js';
import { compareRuns, comparisonExitCode } from '../results/compare.js';
import { renderComparisonMarkdown } from '../results/render.js';
import { readRunResults } from '../results/schema.js';
import { formatDuration } from '../support/format.js';
import { mostSpecificMatch } from '../support/image-reference.js';
import { waitFor } from '../support/wait.js';
import {
  acknowledgedIds,
  ContinuityProbes,
  dnsSamples,
  probeSilences,
  unloggedProbeRows,
  writeIntervals,
  type ProbeRecord,
} from '../workloads/continuity-probes.js';
import type { WorkloadContext } from '../workloads/context.js';
import type { AdaptedFixture } from '../workloads/fixtures.js';
import { GuidePostgres } from '../workloads/guide-postgres.js';
import type { LedgerBook } from '../workloads/guide-workload.js';
import { WebStatefulSet } from '../workloads/web.js';
import { renderContinuitySvg } from './continuity-picture.js';

/**
 * `npm run upgrade-check`: do the StatefulSet behaviours and their data survive a cluster upgrade,
 * and does anything behave differently afterwards? Three phases, the way people upgrade:
 *
 *   before  the suite's scenarios; then long-lived workloads left running: the Day 11 guide's
 *           PostgreSQL set (a primary and a streaming replica, a ledger of acknowledged rows) and
 *           a `web` set with a file on each claim; the continuity probes and the sampler start.
 *   during  on kind, a real in-place upgrade (lib/cluster/kind-upgrade.ts), each node awaited at
 *           the new version before the next; on a cluster given by kubeconfig, the person
 *           upgrades and says when it is done. The probes write, read and resolve throughout.
 *   after   the long-lived workloads Ready again and verified down to their data; the continuity
 *           judges; a negative control; the scenarios again and the comparison with before.
 */

export type UpgradeTarget =
  | { readonly kind: 'kind'; readonly cluster: string; readonly from: string; readonly to: string }
  | { readonly kind: 'existing'; readonly awaitUpgrade: () => Promise<void> };

export type SuitePhase = 'before' | 'after';

export interface UpgradeCheckRequest {
  readonly session: ClusterSession;
  readonly target: UpgradeTarget;
  readonly outDir: string;
  readonly runId: string;
  /** Runs the scenarios against the session's cluster, writing results.json into `dir`. */
  readonly runSuite: (phase: SuitePhase, dir: string) => Promise<number>;
  readonly say: (line: string) => void;
  readonly signal: AbortSignal;
}

/** A judged statement of the check, beside what it examined. */
export interface CheckVerdict {
  readonly statement: string;
  readonly verdict: Verdict;
  /** Present on the negative control: it passes when the verdict is violated with these kinds. */
  readonly controlExpects?: readonly string[];
  /** Why this cluster cannot decide the statement: reported beside the others, not counted either way. */
  readonly notDecidableHere?: string;
}

export interface UpgradeCheckResult {
  readonly exitCode: number;
  readonly report: UpgradeReport;
}

interface PhaseTiming {
  readonly phase: string;
  readonly startedAt: number;
  readonly ms: number;
}

export interface UpgradeReport {
  readonly cluster: {
    readonly provider: string;
    readonly name: string;
    readonly before: string;
    readonly after?: string;
  };
  readonly phases: readonly PhaseTiming[];
  readonly upgradeSteps: readonly StepTiming[];
  readonly figures?: ContinuityFigures;
  readonly verdicts: readonly CheckVerdict[];
  readonly suites: Partial<Record<SuitePhase, number>>;
  readonly comparison?: { readonly exitCode: number; readonly markdown: string };
  readonly fidelity: readonly string[];
  readonly adaptations: readonly string[];
  readonly problems: readonly string[];
}

export interface ContinuityFigures {
  readonly windowMs: number;
  readonly upgradeWindowMs: number;
  readonly writes: ReturnType<typeof writeFigures> & {
    readonly lost: number;
    /** Rows of the writer whose attempt no log read showed (counted as unconfirmed). */
    readonly unloggedProbeRows: number;
    readonly acknowledgedDuringUpgradeRatio?: number;
  };
  readonly replicaReadBack?: number;
  readonly maxUnavailability: Record<string, number>;
  readonly identitiesDuplicated: { readonly api: number; readonly runtime?: number };
  readonly claimsChanged: number;
  readonly dns: ReturnType<typeof dnsFigures>;
  readonly apiOutages: { readonly count: number; readonly totalMs: number; readonly longestMs: number };
  readonly probeSilencesMs: number;
  readonly samples: {
    readonly api: number;
    readonly runtime: number;
    readonly runtimeFailures: number;
    readonly probeAttempts: number;
  };
}

const SEED_ROWS = 20;
const WEB_REPLICAS = 2;
const POSTGRES_REPLICAS = 2;
/** Write buckets of the figures and the picture. */
const BUCKET_MS = 10_000;
/** The writer tries once a second; this long without a line means the probe itself was down. */
const PROBE_SILENCE_MS = 15_000;
/** How long the workloads get to be Ready and serving again once the upgrade is over. */
const RECOVERY_MS = 600_000;
const REPLICA_DEADLINE_MS = 60_000;

export async function runUpgradeCheck(request: UpgradeCheckRequest): Promise<UpgradeCheckResult> {
  const { session, target, outDir, say, signal } = request;
  const kube = session.kube;
  const phases: PhaseTiming[] = [];
  const verdicts: CheckVerdict[] = [];
  const problems: string[] = [];
  const fidelity: string[] = [];
  const adaptations: string[] = [];
  const suites: Partial<Record<SuitePhase, number>> = {};
  let upgradeSteps: StepTiming[] = [];
  let figures: ContinuityFigures | undefined;
  let comparison: UpgradeReport['comparison'];
  const before = await serverVersion(kube);
  let after: string | undefined;
  await mkdir(outDir, { recursive: true });

  const timed = async <T>(phase: string, body: () => Promise<T>): Promise<T> => {
    const startedAt = Date.now();
    say(`\n== ${phase}`);
    try {
      return await body();
    } finally {
      phases.push({ phase, startedAt, ms: Date.now() - startedAt });
      say(`== ${phase}: ${formatDuration((Date.now() - startedAt) / 1000)}`);
    }
  };

  let namespace: OwnedNamespace | undefined;
  try {
    suites.before = await timed('before: the scenarios', () => request.runSuite('before', join(outDir, 'before')));
    signal.throwIfAborted();

    namespace = await createNamespace(kube, { scenario: 'upgrade check long-lived', runId: request.runId });
    const context: WorkloadContext = {
      namespace,
      cluster: session.handle,
      applied: (fixture: AdaptedFixture) =>
        adaptations.push(...fixture.transforms.map((transform) => `${fixture.source}: ${transform}`)),
    };
    const workloads = await timed('before: long-lived workloads', () => LongLived.start(context, target, say));
    fidelity.push(...imageFidelity(session, ['postgres:14', 'docker.io/library/busybox:1.36']));

    const upgradeStartedAt = Date.now();
    await timed('during: the upgrade', async () => {
      if (target.kind === 'kind')
        upgradeSteps = await upgradeKind(session, target, join(outDir, 'upgrade-steps.log'), say, signal);
      else await target.awaitUpgrade();
    });
    const upgradeEndedAt = Date.now();
    after = await serverVersion(kube);

    const samples = await timed('after: long-lived workloads verified', async () => {
      if (target.kind === 'existing')
        for (const node of await clusterReads.nodes(kube))
          await nodeReadiness(kube, node.metadata?.name ?? '', true, RECOVERY_MS);
      return workloads.recoverAndVerify(upgradeEndedAt, say);
    });
    verdicts.push(...samples.verdicts);
    figures = continuityFigures(workloads.origin, samples, { from: upgradeStartedAt, to: upgradeEndedAt });
    // The raw observations, so the figures and the picture can be made again without a cluster.
    await writeFile(
      join(outDir, 'samples.json'),
      JSON.stringify({ origin: workloads.origin, upgrade: { from: upgradeStartedAt, to: upgradeEndedAt }, ...samples }),
    );
    await writePicture(outDir, target, before, after, workloads.origin, samples, phases, upgradeSteps);

    verdicts.push(await timed('after: negative control', () => workloads.claimControl(say)));
    await timed('after: clean up the long-lived workloads', () => removeNamespace(namespace!, say));
    namespace = undefined;

    suites.after = await timed('after: the scenarios', () => request.runSuite('after', join(outDir, 'after')));
    comparison = await compareSuites(outDir, before, after, problems);
  } catch (error) {
    problems.push(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  } finally {
    if (namespace)
      await removeNamespace(namespace, say).catch((error: Error) =>
        problems.push(`cleanup: ${error.message.split('\n')[0]}`),
      );
  }

  const report: UpgradeReport = {
    cluster: { provider: session.handle.provider, name: session.handle.name, before, after },
    phases,
    upgradeSteps,
    figures,
    verdicts,
    suites,
    comparison,
    fidelity,
    adaptations: [...new Set(adaptations)],
    problems,
  };
  await writeFile(join(outDir, 'continuity.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'continuity.md'), renderReport(report));
  return { exitCode: exitCodeOf(report), report };
}

/** 0 when every statement held, the control failed as it must, both suite runs passed and nothing regressed. */
export function exitCodeOf(report: UpgradeReport): number {
  const judged = report.verdicts.every((entry) =>
    entry.notDecidableHere
      ? true
      : entry.controlExpects
        ? entry.verdict.outcome === 'violated' &&
          entry.controlExpects.every((kind) => kindsOf(entry.verdict).includes(kind as never))
        : entry.verdict.holds,
  );
  const suitesPassed = report.suites.before === 0 && report.suites.after === 0;
  // 3 is a timing shift beyond noise, not a verdict: reported, not failed (compare's own exit code says it).
  const notRegressed =
    report.comparison !== undefined && report.comparison.exitCode !== 1 && report.comparison.exitCode !== 2;
  return judged && suitesPassed && notRegressed && report.problems.length === 0 && report.verdicts.length > 0 ? 0 : 1;
}

/** The in-place upgrade, phase by phase; after each node's phase, that node (and the API server) at the new version. */
async function upgradeKind(
  session: ClusterSession,
  target: Extract<UpgradeTarget, { kind: 'kind' }>,
  transcriptFile: string,
  say: (line: string) => void,
  signal: AbortSignal,
): Promise<StepTiming[]> {
  const inputs = await kindUpgradeInputs(target.cluster, target.to);
  const timings: StepTiming[] = [];
  // Every step's command and output, for the person reading why a step took long or failed.
  const transcript = (step: UpgradeStep, output: string) =>
    appendFileSync(
      transcriptFile,
      `\n$ docker ${step.docker.join(' ')}   # ${step.node}: ${step.what}\n${output.trim()}\n`,
    );
  for (const phase of upgradePlan(inputs)) {
    say(`  ${phase.name}`);
    timings.push(...(await runUpgrade(phase.steps, { signal, log: say, transcript })));
    if (phase.node) {
      const started = Date.now();
      await nodeAtVersion(session.kube, phase.node, target.to, { apiVersion: target.to, timeoutMs: 600_000, signal });
      timings.push({
        node: phase.node,
        what: `wait: Node Ready at ${target.to}`,
        startedAt: started,
        ms: Date.now() - started,
        attempts: 1,
      });
    }
  }
  return timings;
}

/** The PostgreSQL set, the web set, the probes and the sampler, from "before" to the verdicts of "after". */
class LongLived {
  readonly origin: number;
  private readonly markers: Record<string, string> = {};

  private constructor(
    readonly context: WorkloadContext,
    readonly postgres: GuidePostgres,
    readonly web: WebStatefulSet,
    readonly book: LedgerBook,
    readonly probes: ContinuityProbes,
    readonly sampler: ContinuitySampler,
    readonly target: UpgradeTarget,
  ) {
    this.origin = Date.now();
  }

  static async start(context: WorkloadContext, target: UpgradeTarget, say: (line: string) => void): Promise<LongLived> {
    say("  the Day 11 guide's postgres set (2 replicas, streaming replication from postgres-0) and web (2 replicas)");
    const { postgres } = await GuidePostgres.deploy(context, {
      addSecret: true,
      readinessProbe: true,
      replication: true,
      replicas: POSTGRES_REPLICAS,
    });
    const web = await WebStatefulSet.deploy(context, { replicas: WEB_REPLICAS });
    await Promise.all([postgres.waitReady(POSTGRES_REPLICAS), web.waitReady(WEB_REPLICAS)]);
    const book = await postgres.openLedger(0);
    await postgres.writeRows(0, book, SEED_ROWS);
    say(`  ${book.counts.acknowledged} of ${SEED_ROWS} seed rows acknowledged by postgres-0`);
    const dnsNames = [
      'kubernetes.default.svc.cluster.local',
      ...Array.from({ length: WEB_REPLICAS }, (_, ordinal) => web.podDnsName(ordinal)),
      ...Array.from({ length: POSTGRES_REPLICAS }, (_, ordinal) => postgres.podDnsName(ordinal)),
    ];
    const probes = await ContinuityProbes.deploy(context, {
      primary: 'postgres-0.database',
      replica: 'postgres-1.database',
      dnsNames,
      onControlPlane: target.kind === 'kind',
    });
    const sampler = new ContinuitySampler({
      namespace: context.namespace,
      sets: ['postgres', 'web'],
      ...(target.kind === 'kind'
        ? { runtimeNodes: async () => (await kindNodes(target.cluster)).map((node) => node.name) }
        : {}),
    });
    const workloads = new LongLived(context, postgres, web, book, probes, sampler, target);
    for (let ordinal = 0; ordinal < WEB_REPLICAS; ordinal += 1) {
      const marker = `before-upgrade-${randomBytes(4).toString('hex')}`;
      await web.writeMarker(ordinal, marker);
      workloads.markers[web.podName(ordinal)] = marker;
    }
    await probes.waitWorking();
    probes.startCollecting();
    sampler.start();
    say(`  probes writing, reading and resolving ${dnsNames.length} names; sampler started`);
    return workloads;
  }

  /** After the upgrade: Ready again, serving again, then the probes stopped and everything judged. */
  async recoverAndVerify(
    upgradeEndedAt: number,
    say: (line: string) => void,
  ): Promise<ContinuitySamples & { verdicts: CheckVerdict[]; records: ProbeRecord[]; lost: number; unlogged: number }> {
    const { postgres, web, probes } = this;
    // Both waits run to their end, so a failure names the set that did not recover, not the first to time out.
    const recovered = await Promise.allSettled([postgres.waitReady(POSTGRES_REPLICAS), web.waitReady(WEB_REPLICAS)]);
    const notRecovered = recovered.find((outcome) => outcome.status === 'rejected');
    if (notRecovered) throw notRecovered.reason;
    await this.waitServingSince(upgradeEndedAt);
    await probes.stopWriting();
    await probes.stopCollecting();
    const samples = await this.sampler.stop();
    const records = probes.all();
    say(
      `  ${records.length} probe attempts collected; ${samples.apiSamples} API samples, ${samples.runtimeSamples} runtime samples`,
    );

    const ledger: { -readonly [K in keyof WriteLedger]: WriteLedger[K] } = {
      subject: 'postgres-0 sts_ledger.ledger (seed rows and the probe writer)',
      acknowledged: [...this.book.ledger().acknowledged, ...acknowledgedIds(records)],
      attempted: [
        ...(this.book.ledger().attempted ?? []),
        ...records.flatMap((record) => (record.kind === 'write' && !record.ok ? [record.id] : [])),
      ],
    };
    const primary = await postgres.readLedger(0, 'postgres-0 after the upgrade');
    const unlogged = unloggedProbeRows(primary.ids ?? [], records);
    if (unlogged.length > 0) {
      ledger.attempted = [...(ledger.attempted ?? []), ...unlogged];
      say(
        `  ${unlogged.length} probe row(s) whose attempt no log read showed (an evicted probe's last lines): counted as unconfirmed`,
      );
    }
    const replica = await postgres.catchUp(1, ledger.acknowledged, Date.now(), REPLICA_DEADLINE_MS);
    const readBack: Record<string, string | undefined> = {};
    for (let ordinal = 0; ordinal < WEB_REPLICAS; ordinal += 1)
      readBack[web.podName(ordinal)] = await web.readMarker(ordinal);
    const verdicts: CheckVerdict[] = [
      {
        statement: 'no identity had two pods at once, as the API server listed them',
        verdict: identitiesUnique(samples.apiPods),
      },
      this.target.kind === 'kind'
        ? {
            statement: "no identity had two pods at once, as the nodes' container runtimes ran them",
            verdict: identitiesUnique(samples.runtimePods),
          }
        : {
            statement: "no identity had two pods at once, as the nodes' container runtimes ran them",
            verdict: makeVerdict('no identity has two pods at once (runtimes)', 'nothing', [], ['not decidable here']),
            notDecidableHere: 'the nodes of a cluster given by kubeconfig cannot be asked what their runtimes run',
          },
      { statement: 'no claim changed UID', verdict: claimsStable(samples.claims) },
      {
        statement: 'every acknowledged write is on the primary after the upgrade',
        verdict: ledgerIntact(ledger, primary),
      },
      { statement: 'the replica holds every acknowledged write', verdict: replicasCaughtUp(ledger, [replica]) },
      { statement: "each web pod's file on its claim is intact", verdict: filesKept(this.markers, readBack) },
      { statement: 'every DNS name resolves again', verdict: namesResolveAgain(dnsSamples(records, this.origin)) },
      { statement: 'the probes watched the whole upgrade', verdict: coverage(records, samples, this.origin) },
    ];
    const lost = ledgerFigures(ledger, primary).lost;
    say(
      `  ledger: ${ledger.acknowledged.length} acknowledged, ${primary.ids?.length ?? 'none'} read back on postgres-0, ${lost} lost`,
    );
    return { ...samples, verdicts, records, lost, unlogged: unlogged.length };
  }

  /** Writes acknowledged and every name resolved again after the upgrade ended: the workloads serve. */
  private async waitServingSince(since: number): Promise<void> {
    await waitFor(
      'an acknowledged write, an answered read and every DNS name resolved after the upgrade ended',
      async () => {
        await this.probes.collect();
        const recent = this.probes.all().filter((record) => record.at > since);
        const wrote = recent.some((record) => record.kind === 'write' && record.ok);
        const read = recent.some((record) => record.kind === 'read' && record.ok);
        const lastLookups = new Map<string, boolean>();
        for (const record of recent)
          if (record.kind === 'dns') lastLookups.set(record.name, record.lookup.outcome.kind === 'answer');
        const unresolved = [...lastLookups].filter(([, resolved]) => !resolved).map(([name]) => name);
        const done = wrote && read && lastLookups.size > 0 && unresolved.length === 0;
        return done
          ? { done: true, value: undefined }
          : {
              done: false,
              observed: `write ${wrote ? 'ok' : 'not yet'}, read ${read ? 'ok' : 'not yet'}, ${lastLookups.size} names looked up, unresolved: ${unresolved.join(', ') || 'none'}`,
            };
      },
      { timeoutMs: RECOVERY_MS, intervalMs: 5000 },
    );
  }

  /**
   * The negative control of "no claim changed UID": web-1's claim deleted with its pod, so the
   * controller makes both again; the same judge over this window must report claim-changed for
   * data-web-1, and only for it.
   */
  async claimControl(say: (line: string) => void): Promise<CheckVerdict> {
    const control = new ContinuitySampler({ namespace: this.context.namespace, sets: ['web'] });
    control.start();
    const { namespace } = this.context;
    const claim = this.web.claimName(1);
    const claimUid = (await this.web.claimUids([1])).get(1);
    await this.web.deleteClaim(1);
    const podUid = await this.web.deletePod(1);
    await claimGone(namespace, claim, claimUid);
    await this.web.waitPodCreated(1, podUid);
    await claimBound(namespace, claim);
    await this.web.waitReady(WEB_REPLICAS);
    // One sample more of the new claim, so the judge sees both UIDs whatever the sampling phase.
    await control.sampledAfter(Date.now());
    const samples = await control.stop();
    const verdict = claimsStable(samples.claims.filter((sighting) => sighting.claim.startsWith('data-web-')));
    const named = verdict.violations.every((violation) => violation.message.includes('data-web-1'));
    say(
      `  control: data-web-1 deleted with web-1: ${verdict.outcome}${verdict.holds ? '' : `\n${describeViolations(verdict)}`}`,
    );
    return {
      statement: 'negative control: a claim deleted with its pod and made again is claim-changed (data-web-1 only)',
      verdict: named
        ? verdict
        : makeVerdict(verdict.invariant, verdict.checked, verdict.violations, [
            'the control named another claim than data-web-1',
          ]),
      controlExpects: ['claim-changed'],
    };
  }
}

/** The probes and the sampler saw the whole window: no observation is no verdict. */
function coverage(records: readonly ProbeRecord[], samples: ContinuitySamples, origin: number): Verdict {
  const unobserved: string[] = [];
  if (!records.some((record) => record.kind === 'write')) unobserved.push('the writer made no attempt');
  if (!records.some((record) => record.kind === 'dns')) unobserved.push('the resolver made no lookup');
  if (samples.apiSamples === 0) unobserved.push('the API server was never sampled');
  const silences = writerSilences(records, origin);
  const checked = `${records.length} probe attempts, ${samples.apiSamples} API samples, ${samples.runtimeSamples} runtime samples; writer silent ${silences.count} time(s) for ${formatDuration(silences.totalMs / 1000)}`;
  return makeVerdict('the monitors observed the window', checked, [], unobserved);
}

/** Stretches in which the writer logged no attempt at all: the probe itself was down, not the database. */
function writerSilences(records: readonly ProbeRecord[], origin: number): { count: number; totalMs: number } {
  const silences = probeSilences(
    records,
    'write',
    { from: origin, to: records.at(-1)?.at ?? origin },
    PROBE_SILENCE_MS,
  );
  return { count: silences.length, totalMs: silences.reduce((sum, silence) => sum + silence.to - silence.from, 0) };
}

function continuityFigures(
  origin: number,
  samples: ContinuitySamples & { records: ProbeRecord[]; lost: number; unlogged: number },
  upgrade: { from: number; to: number },
): ContinuityFigures {
  const lost = samples.lost;
  const records = samples.records;
  const intervals = writeIntervals(records, origin, BUCKET_MS);
  const inUpgrade = records.filter(
    (record) => record.kind === 'write' && record.at >= upgrade.from && record.at <= upgrade.to,
  );
  const outages = samples.apiOutages.map((outage) => outage.to - outage.from);
  return {
    windowMs: (records.at(-1)?.at ?? origin) - origin,
    upgradeWindowMs: upgrade.to - upgrade.from,
    writes: {
      ...writeFigures(intervals),
      lost,
      unloggedProbeRows: samples.unlogged,
      acknowledgedDuringUpgradeRatio:
        inUpgrade.length === 0
          ? undefined
          : inUpgrade.filter((record) => record.kind === 'write' && record.ok).length / inUpgrade.length,
    },
    maxUnavailability: maxUnavailability(samples.availability),
    identitiesDuplicated: {
      api: duplicatedIdentities(samples.apiPods),
      ...(samples.runtimeSamples > 0 ? { runtime: duplicatedIdentities(samples.runtimePods) } : {}),
    },
    claimsChanged: changedClaims(samples.claims),
    dns: dnsFigures(dnsSamples(records, origin)),
    apiOutages: {
      count: outages.length,
      totalMs: outages.reduce((a, b) => a + b, 0),
      longestMs: Math.max(0, ...outages),
    },
    probeSilencesMs: writerSilences(records, origin).totalMs,
    samples: {
      api: samples.apiSamples,
      runtime: samples.runtimeSamples,
      runtimeFailures: samples.runtimeFailures,
      probeAttempts: records.length,
    },
  };
}

async function writePicture(
  outDir: string,
  target: UpgradeTarget,
  before: string,
  after: string,
  origin: number,
  samples: ContinuitySamples & { records: ProbeRecord[] },
  phases: readonly PhaseTiming[],
  steps: readonly StepTiming[],
): Promise<void> {
  const end = Math.max(samples.records.at(-1)?.at ?? origin, ...samples.availability.map((sample) => sample.at));
  const relative = (at: number) => at - origin;
  const during = phases.find((phase) => phase.phase.startsWith('during'));
  const nodePhases =
    target.kind === 'kind'
      ? upgradeBands(steps)
      : during
        ? [{ name: 'upgrade (by hand)', from: during.startedAt, to: during.startedAt + during.ms }]
        : [];
  const svg = renderContinuitySvg({
    title: `upgrade-check: ${target.kind === 'kind' ? `kind ${target.cluster}` : 'cluster'} ${before} -> ${after}`,
    durationMs: end - origin,
    phases: nodePhases.map((band) => ({ name: band.name, from: relative(band.from), to: relative(band.to) })),
    marks: steps
      .filter((step) => /kubeadm|drain|uncordon|restart kubelet/.test(step.what))
      .map((step) => ({ at: relative(step.startedAt), label: `${step.node}: ${step.what}` })),
    writes: writeIntervals(samples.records, origin, BUCKET_MS),
    availability: samples.availability.map((sample) => ({ ...sample, at: relative(sample.at) })),
    dns: dnsSamples(samples.records, origin),
    apiOutages: samples.apiOutages.map((outage) => ({ from: relative(outage.from), to: relative(outage.to) })),
  });
  await writeFile(join(outDir, 'continuity.svg'), svg);
}

/** One band per node: from its first upgrade step to the end of its last (its wait included). */
function upgradeBands(steps: readonly StepTiming[]): { name: string; from: number; to: number }[] {
  const bands = new Map<string, { from: number; to: number }>();
  for (const step of steps) {
    if (/images|archive/.test(step.what)) continue;
    const band = bands.get(step.node) ?? { from: step.startedAt, to: step.startedAt + step.ms };
    band.from = Math.min(band.from, step.startedAt);
    band.to = Math.max(band.to, step.startedAt + step.ms);
    bands.set(step.node, band);
  }
  return [...bands].map(([node, band]) => ({ name: node, ...band }));
}

async function compareSuites(outDir: string, before: string, after: string | undefined, problems: string[]) {
  try {
    const [a, b] = await Promise.all([readRunResults(join(outDir, 'before')), readRunResults(join(outDir, 'after'))]);
    const comparison = compareRuns(a, b, { labels: [`before (${before})`, `after (${after ?? 'unknown'})`] });
    const markdown = renderComparisonMarkdown(comparison);
    await writeFile(join(outDir, 'comparison.md'), markdown);
    await writeFile(join(outDir, 'comparison.json'), `${JSON.stringify(comparison, null, 2)}\n`);
    return { exitCode: comparisonExitCode(comparison), markdown };
  } catch (error) {
    problems.push(`comparison: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return undefined;
  }
}

async function removeNamespace(namespace: OwnedNamespace, say: (line: string) => void): Promise<void> {
  await deleteNamespace(namespace, { wait: true, timeoutMs: 300_000 });
  const left = await waitUntilRunLeftNothing(namespace.kube, [namespace.name]);
  if (left.namespaces.length + left.volumes.length > 0)
    throw new Error(`Namespace ${namespace.name} left ${[...left.namespaces, ...left.volumes].join(', ')} behind`);
  say(`  Namespace ${namespace.name} and the volumes of its claims are gone`);
}

/** What ran for the official images the long-lived workloads name: a stand-in is said beside the verdicts. */
function imageFidelity(session: ClusterSession, images: readonly string[]): string[] {
  return images.map((image) => {
    const entry = mostSpecificMatch(session.handle.imageMap, image);
    if (!entry || entry.mode === 'official') return `${image}: the official image`;
    const limits = entry.cannotShow.length > 0 ? `; cannot show: ${entry.cannotShow.join('; ')}` : '';
    return `${image}: ran as ${entry.image ?? '?'} (${entry.mode}: ${entry.product} ${entry.version})${limits}`;
  });
}

function renderReport(report: UpgradeReport): string {
  const lines: string[] = [];
  const { cluster, figures } = report;
  lines.push(
    `# Upgrade check: ${cluster.provider} cluster ${cluster.name}, ${cluster.before} -> ${cluster.after ?? '(not reached)'}`,
    '',
  );
  lines.push(`Outcome: ${exitCodeOf(report) === 0 ? 'passed' : 'FAILED'}`, '');
  lines.push('## Phases', '', '| phase | wall time |', '|---|---|');
  for (const phase of report.phases) lines.push(`| ${phase.phase} | ${formatDuration(phase.ms / 1000)} |`);
  lines.push('', '## Verdicts', '', '| statement | verdict | examined |', '|---|---|---|');
  for (const entry of report.verdicts) {
    const outcome = entry.notDecidableHere
      ? `not decidable here: ${entry.notDecidableHere}`
      : entry.controlExpects
        ? `${entry.verdict.outcome} (control: must be violated with ${entry.controlExpects.join(', ')})`
        : entry.verdict.outcome;
    lines.push(`| ${entry.statement} | ${outcome} | ${entry.verdict.checked} |`);
    for (const violation of entry.verdict.violations) lines.push(`|  | [${violation.kind}] | ${violation.message} |`);
    for (const reason of entry.verdict.unobserved) lines.push(`|  | [inconclusive] | ${reason} |`);
  }
  if (figures) {
    const ratio = (value: number | undefined) => (value === undefined ? 'n/a' : `${(100 * value).toFixed(1)}%`);
    lines.push('', '## Continuity figures', '');
    lines.push(
      `- window: ${formatDuration(figures.windowMs / 1000)} of monitoring, ${formatDuration(figures.upgradeWindowMs / 1000)} of upgrade`,
    );
    lines.push(
      `- writes: ${figures.writes.attempted} attempted, ${figures.writes.acknowledged} acknowledged (${ratio(figures.writes.acknowledgedRatio)}; during the upgrade ${ratio(figures.writes.acknowledgedDuringUpgradeRatio)}), ${figures.writes.failed} failed, ${figures.writes.lost} lost, ${figures.writes.unloggedProbeRows} in the ledger but in no log read; longest stretch without an acknowledged write ${formatDuration(figures.writes.longestWriteOutageMs / 1000)}`,
    );
    lines.push(`- reads on the replica: ${figures.writes.readsOk} ok, ${figures.writes.readsFailed} failed`);
    lines.push(
      `- max unavailability (replicas - ready): ${
        Object.entries(figures.maxUnavailability)
          .map(([set, count]) => `${set} ${count}`)
          .join(', ') || 'none sampled'
      }`,
    );
    lines.push(
      `- identities with two pods at once: ${figures.identitiesDuplicated.api} (API), ${figures.identitiesDuplicated.runtime ?? 'not sampled'} (runtimes)`,
    );
    lines.push(`- claims that changed UID: ${figures.claimsChanged}`);
    lines.push(
      `- DNS: ${figures.dns.lookups} lookups, ${figures.dns.resolved} resolved; unresolved at the end: ${figures.dns.unresolvedAtEnd.join(', ') || 'none'}`,
    );
    lines.push(
      `- API server unanswered: ${figures.apiOutages.count} time(s), ${formatDuration(figures.apiOutages.totalMs / 1000)} in all, longest ${formatDuration(figures.apiOutages.longestMs / 1000)}`,
    );
    lines.push(
      `- samples: ${figures.samples.api} API, ${figures.samples.runtime} runtime (${figures.samples.runtimeFailures} failed), ${figures.samples.probeAttempts} probe attempts; probes silent ${formatDuration(figures.probeSilencesMs / 1000)}`,
    );
    lines.push('', '![continuity over time](continuity.svg)');
  }
  if (report.upgradeSteps.length > 0) {
    lines.push('', '## Upgrade steps', '', '| node | step | time | attempts |', '|---|---|---|---|');
    for (const step of report.upgradeSteps)
      lines.push(`| ${step.node} | ${step.what} | ${formatDuration(step.ms / 1000)} | ${step.attempts} |`);
  }
  lines.push('', '## Scenarios before and after', '');
  lines.push(`- before: exit ${report.suites.before ?? 'not run'}; after: exit ${report.suites.after ?? 'not run'}`);
  lines.push(`- comparison: ${report.comparison ? `exit ${report.comparison.exitCode} (comparison.md)` : 'none'}`);
  lines.push('', '## Fidelity', '', ...report.fidelity.map((line) => `- ${line}`));
  lines.push('', '## Adaptations of the fixtures', '', ...report.adaptations.map((line) => `- ${line}`));
  if (report.problems.length > 0) lines.push('', '## Problems', '', ...report.problems.map((line) => `- ${line}`));
  return `${lines.join('\n')}\n`;
}
