import * as allure from 'allure-js-commons';
import { inject, test as base } from 'vitest';
import type { ClusterHandle } from '../cluster/provider.js';
import { connect, transientRetries, type Kube } from '../kube/client.js';
import type { ControllerContract } from '../kube/cluster-facts.js';
import type { OwnedNamespace } from '../kube/namespace.js';
import { checkDecision, decidersOf, findClaim, loadLedger, type Decision } from '../claims/ledger.js';
import { statusMatchesPods } from '../invariants/status.js';
import {
  assertHolds,
  assertInconclusive,
  assertViolatedWith,
  describeViolations,
  VIOLATION_KINDS,
  type Verdict,
  type ViolationKind,
} from '../invariants/verdict.js';
import { type Timeline, type Window, WHOLE_TIMELINE } from '../observe/timeline.js';
import { waitClock } from '../support/wait.js';
import type { WorkloadContext } from '../workloads/context.js';
import { decide, type Dependencies } from './applicability.js';
import { collectEvidence } from './evidence.js';
import { stepFailure, verdictsSoFar, type Judge } from './judges.js';
import { RecordedNamespaces } from './recorded.js';
import { recordDecision, recordFigure } from './decisions.js';
import { coveredMs, recordTiming } from './timings.js';
import { recordNote, testFacts, timedStep, verdictResult } from './test-facts.js';
import { TestTranscript } from './transcripts.js';
import { HANDOVER_ENV } from '../support/settings.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterHandle;
    contract: ControllerContract;
    runId: string;
    outDir: string;
  }
}

/** A declared invariant: its verdict on the timeline as recorded up to now. */
export interface Declared {
  verdict(): Promise<Verdict>;
}

/** What a scenario body works with: its namespace, the recorder's timeline, and named steps. */
export interface Scenario extends WorkloadContext {
  readonly kube: Kube;
  /** The Kubernetes version and feature gates the controller runs with: rules depend on them. */
  readonly contract: ControllerContract;
  /** A named step: shown in the report, drawn on the timeline picture; its failure leads with the declared verdicts. */
  step<T>(title: string, body: () => Promise<T>): Promise<T>;
  /** A resourceVersion boundary: what happens after this call is inside the returned window. */
  checkpoint(): Promise<Window>;
  /** The timeline of a StatefulSet once the recorder has caught up with the API server. */
  timeline(statefulSet: string, namespace?: OwnedNamespace): Promise<Timeline>;
  /**
   * Declares an invariant over a StatefulSet's timeline before acting: judged when asked, and when
   * a step fails. `expects` makes it a negative control that must produce those kinds.
   */
  declare(
    title: string,
    statefulSet: string,
    judge: (timeline: Timeline) => Verdict,
    options?: { expects?: readonly ViolationKind[]; namespace?: OwnedNamespace },
  ): Declared;
  /** Another namespace of this run, recorded the same way (for a control next to the real thing). */
  secondNamespace(purpose: string): Promise<WorkloadContext>;
  /** Asserts the invariant holds; the verdict goes into the report either way. */
  expectHolds(result: Verdict | Declared): Promise<void>;
  /** Negative controls: asserts the invariant reports these violation kinds (not only absences, not inconclusive). */
  expectViolated(result: Verdict | Declared, kinds: readonly ViolationKind[]): Promise<void>;
  /**
   * Fault controls: asserts the verdict is inconclusive for a reason matching `reason` (the
   * recorder's gap) and accuses no one, because the scenario broke the observation on purpose.
   */
  expectInconclusive(result: Verdict | Declared, reason: RegExp): Promise<void>;
  /**
   * A fact the report shows beside the verdicts, not a check: a measurement ("DNS converged in
   * 2.1 s") or a caveat ("not exercised: ..."). A step of this title with the facts as its
   * parameters, the same facts as test parameters (left out of the history id, so a measurement
   * does not make every run a new test), and the attachment if given.
   */
  note(
    title: string,
    facts: Readonly<Record<string, string>>,
    attachment?: { name: string; content: string },
  ): Promise<void>;
  /** Report labels: what part of the StatefulSet contract this proves, and where it is documented. */
  about(labels: { feature: string; docs: string; negativeControl?: boolean }): Promise<void>;
  /** This scenario tampers with a StatefulSet's status on purpose: the automatic status check leaves it out. */
  skipStatusCheck(statefulSet: string): void;
  /**
   * Records this run's decision on a guide's statement (fixtures/claims): shown in the report beside
   * the guide's words, written to out/claims/ for the ledger. A decision is data, not an assertion:
   * a guide that is wrong does not fail the scenario that proves it wrong.
   */
  decide(decision: Omit<Decision, 'test' | 'runId'>): Promise<void>;
  /**
   * A number the run measured about the workload (rows acknowledged, rows lost, seconds to Ready):
   * a report parameter, and a line in out/figures.jsonl for comparing runs.
   */
  figure(name: string, value: number, unit?: string): Promise<void>;
  /**
   * Declares what the behaviour depends on (versions, feature gates, worker nodes, an open
   * upstream issue) and decides against this cluster's facts: the decision and its reasons go
   * into the report as a note. If the scenario is not applicable here, the test ends as skipped
   * with that sentence (never silently); otherwise the answer says whether a trap is expected.
   */
  requires(dependencies: Dependencies): Promise<{ trapExpected: boolean }>;
}

interface Fixtures {
  kube: Kube;
  recorded: RecordedNamespaces;
  transcript: TestTranscript;
  evidence: void;
  scenario: Scenario;
}

export const test = base.extend<Fixtures>({
  kube: async ({}, use) => {
    await use(connect(inject('cluster')));
  },

  /** The scenario's namespaces and recorders; deleted (without waiting) when the test is over. */
  recorded: async ({ kube }, use) => {
    const recorded = new RecordedNamespaces(
      kube,
      inject('runId'),
      inject('outDir'),
      process.env[HANDOVER_ENV.repro] === '1',
    );
    try {
      await use(recorded);
    } finally {
      await recorded.close();
    }
  },

  /** The kubectl equivalent of everything the test does (evidence; printed live by npm run repro). */
  transcript: async ({ task, recorded }, use) => {
    const transcript = new TestTranscript(
      task.name,
      inject('outDir'),
      recorded.redactor,
      process.env[HANDOVER_ENV.repro] === '1',
    );
    try {
      await use(transcript);
    } finally {
      await transcript.save(recorded.entries.map((entry) => entry.namespace.name));
    }
  },

  /** Automatic: the timelines and manifests of every test, and logs, events and states of a failed one; timings. */
  evidence: [
    async ({ task, recorded }, use) => {
      const started = Date.now();
      const spansBefore = waitClock.spans.length;
      const retriesBefore = transientRetries.length;
      await use();
      const retries = transientRetries.slice(retriesBefore);
      if (retries.length > 0) {
        await allure.attachment(
          `transient API failures retried (${retries.length})`,
          retries.map((retry) => `${retry.at} ${retry.what}, attempt ${retry.attempt}: ${retry.error}`).join('\n'),
          'text/plain',
        );
      }
      const failed = task.result?.state === 'fail' || (task.result?.errors?.length ?? 0) > 0;
      const recordings = await recorded.stopAll();
      const evidenceStarted = Date.now();
      await collectEvidence({
        testName: task.name,
        failed,
        namespaces: recorded.entries.map((entry, index) => ({
          namespace: entry.namespace,
          recording: recordings[index] ?? entry.recorder.snapshot(),
          marks: entry.marks,
          fixtures: entry.fixtures,
          objects: recorded.objectsOf(entry),
          recorderNotes: entry.recorder.notes,
        })),
        redactor: recorded.redactor,
        cluster: inject('cluster'),
        outDir: inject('outDir'),
      });
      const spans = waitClock.spans.slice(spansBefore);
      const waitingMs = coveredMs(spans);
      testFacts(task.meta).waitingMs = waitingMs;
      await recordTiming(inject('outDir'), {
        file: task.file?.name ?? '',
        test: task.name,
        failed,
        totalMs: Date.now() - started,
        waitingMs,
        evidenceMs: Date.now() - evidenceStarted,
        notApplicable: task.meta.notApplicable,
        startedAt: started,
        endedAt: Date.now(),
        spans,
      });
    },
    { auto: true },
  ],

  scenario: async ({ task, kube, recorded, transcript, skip }, use) => {
    const cluster = inject('cluster');
    const contract = inject('contract');
    const ledger = loadLedger();
    const main = await recorded.open(task.name);
    const judges: Array<Judge & { namespace: OwnedNamespace }> = [];
    const statusUnchecked = new Set<string>();
    const applied = recorded.applied.bind(recorded);
    const timeline = (statefulSet: string, namespace = main.namespace) => recorded.timeline(statefulSet, namespace);
    const resolve = async (result: Verdict | Declared) => ('verdict' in result ? await result.verdict() : result);
    // What this test did, for out/results.json (lib/harness/test-facts.ts).
    const collected = testFacts(task.meta);

    const scenario: Scenario = {
      kube,
      cluster,
      contract,
      namespace: main.namespace,
      applied,
      async step(title, body) {
        recorded.mark(title);
        transcript.step(title);
        return timedStep(collected, title, () =>
          allure.step(title, async () => {
            try {
              return await body();
            } catch (error) {
              const soFar = await Promise.all(
                judges.map(async (judge) => ({
                  judge,
                  verdict: judge.judge(await timeline(judge.statefulSet, judge.namespace)),
                })),
              ).then(
                (results) => {
                  for (const { judge, verdict } of results)
                    collected.verdicts.push(
                      verdictResult(verdict, judge.expectedKinds ?? 'holds', 'when a step failed'),
                    );
                  return verdictsSoFar(results);
                },
                (barrier: Error) => `(the timeline could not be judged: ${barrier.message})`,
              );
              throw stepFailure(title, error, soFar);
            }
          }),
        );
      },
      async checkpoint() {
        // A list's resourceVersion is the store's revision when it was served: later writes are above it.
        const list = await kube.core.listNamespacedPod({ namespace: main.namespace.name, limit: 1 });
        return { afterRv: Number(list.metadata?.resourceVersion ?? 0) };
      },
      timeline,
      declare(title, statefulSet, judge, options = {}) {
        const entry: Judge & { namespace: OwnedNamespace } = {
          title,
          statefulSet,
          judge,
          expectedKinds: options.expects,
          namespace: options.namespace ?? main.namespace,
        };
        judges.push(entry);
        return { verdict: async () => judge(await timeline(statefulSet, entry.namespace)) };
      },
      async secondNamespace(purpose) {
        const entry = await recorded.open(`${task.name} ${purpose}`);
        return { namespace: entry.namespace, cluster, applied };
      },
      async expectHolds(result) {
        const verdict = await resolve(result);
        collected.verdicts.push(verdictResult(verdict, 'holds'));
        await allure.step(`${verdict.invariant} ${verdict.outcome} (${verdict.checked})`, async () => {
          await allure.attachment(
            `verdict: ${verdict.invariant}`,
            JSON.stringify(verdict, null, 2),
            'application/json',
          );
          assertHolds(verdict, `StatefulSet in ${main.namespace.name}`);
        });
      },
      async expectViolated(result, kinds) {
        const verdict = await resolve(result);
        collected.verdicts.push(verdictResult(verdict, kinds));
        const found = [...new Set(verdict.violations.map((violation) => violation.kind))];
        await allure.step(
          `negative control: ${verdict.invariant} must report ${kinds.join(', ')}; it reported ${found.join(', ') || verdict.outcome}`,
          async () => {
            await allure.parameter('expected violation kinds', kinds.join(', '));
            await allure.parameter('reported violation kinds', found.join(', ') || 'none');
            for (const kind of kinds) await allure.label('tag', `violation:${kind}`);
            await allure.attachment(
              `verdict: ${verdict.invariant}`,
              `${kinds.map((kind) => `${kind}: ${VIOLATION_KINDS[kind]}`).join('\n')}\n\n${describeViolations(verdict)}\n\n${JSON.stringify(verdict, null, 2)}`,
              'text/plain',
            );
            assertViolatedWith(verdict, kinds, `StatefulSet in ${main.namespace.name}`);
          },
        );
      },
      async expectInconclusive(result, reason) {
        const verdict = await resolve(result);
        await allure.step(
          `fault control: ${verdict.invariant} must be inconclusive (${reason.source}); it was ${verdict.outcome}`,
          async () => {
            await allure.attachment(
              `verdict: ${verdict.invariant}`,
              `${describeViolations(verdict)}\n\n${JSON.stringify(verdict, null, 2)}`,
              'text/plain',
            );
            assertInconclusive(verdict, reason, `StatefulSet in ${main.namespace.name}`);
          },
        );
      },
      async note(title, facts, attachment) {
        recorded.mark(title);
        recordNote(collected, title, facts);
        await allure.step(title, async (context) => {
          for (const [name, value] of Object.entries(facts)) {
            await context.parameter(name, value);
            await allure.parameter(name, value, { excluded: true });
          }
          if (attachment) await allure.attachment(attachment.name, attachment.content, 'text/plain');
        });
      },
      async about({ feature, docs, negativeControl }) {
        await allure.epic('StatefulSet');
        await allure.feature(feature);
        await allure.story(task.name);
        await allure.link(docs, 'Kubernetes documentation');
        if (negativeControl) await allure.tag('negative control');
      },
      skipStatusCheck(statefulSet) {
        statusUnchecked.add(statefulSet);
      },
      async decide(decision) {
        checkDecision(decision);
        const found = findClaim(ledger, decision.claim);
        if (!found) throw new Error(`claim ${decision.claim} is not in the ledger (fixtures/claims/*.yaml)`);
        const test = `${task.file?.name ?? ''} > ${task.name}`;
        // The ledger says which tests decide a statement (npm run repro replays them): a decision
        // from any other test, or on advice, is a mistake in the data, not an observation.
        if (found.claim.nature === 'advice')
          throw new Error(`claim ${decision.claim} is advice: it is listed, never decided (remove this decision)`);
        if (!decidersOf(found.claim).includes(test))
          throw new Error(
            `claim ${decision.claim} is not decided by this test in fixtures/claims (its decidedBy: ${decidersOf(found.claim).join('; ') || 'none'}); add "${test}" to its decidedBy`,
          );
        const full: Decision = { ...decision, test, runId: inject('runId') };
        recorded.mark(`claim ${decision.claim}: ${decision.verdict}`);
        await allure.step(`claim ${decision.claim} ${decision.verdict}: "${found.claim.quote}"`, async (context) => {
          await context.parameter('guide', `${found.guide.guide}:${found.claim.line}`);
          await context.parameter('observed', decision.observed);
          if (decision.qualifier) await context.parameter('qualifier', decision.qualifier);
          await allure.label('tag', `claim:${decision.claim}`);
        });
        await recordDecision(inject('outDir'), full);
      },
      async figure(name, value, unit) {
        const shown = `${value}${unit ? ` ${unit}` : ''}`;
        collected.figures.push(unit === undefined ? { name, value } : { name, value, unit });
        await allure.parameter(name, shown, { excluded: true });
        await recordFigure(inject('outDir'), { test: `${task.file?.name ?? ''} > ${task.name}`, name, value, unit });
      },
      async requires(dependencies) {
        const decision = decide(contract, dependencies);
        const facts = Object.fromEntries(decision.reasons.map((reason, index) => [`reason ${index + 1}`, reason]));
        if (!decision.applies) {
          task.meta.notApplicable = decision.reasons.join('; ');
          await scenario.note('not applicable here', facts);
          await allure.tag('not applicable here');
          return skip(decision.reasons.join('; '));
        }
        await scenario.note(
          decision.trapExpected ? 'versions and gates: runs, asserting an upstream trap' : 'versions and gates: runs',
          facts,
        );
        return { trapExpected: decision.trapExpected };
      },
    };

    await use(scenario);

    // Every wait trusts the StatefulSet status, so every scenario that got this far checks it
    // against the recorded pods, for every StatefulSet it recorded.
    if (task.result?.state === 'fail' || (task.result?.errors?.length ?? 0) > 0) return;
    for (const entry of recorded.entries) {
      const sets = new Set(
        entry.recorder
          .snapshot()
          .records.filter((record) => record.resource === 'statefulsets')
          .map((record) => record.object.metadata?.name ?? ''),
      );
      for (const set of sets) {
        if (!set || statusUnchecked.has(set)) continue;
        await scenario.expectHolds(statusMatchesPods(await timeline(set, entry.namespace), { window: WHOLE_TIMELINE }));
      }
    }
  },
});

export { describe, expect } from 'vitest';
