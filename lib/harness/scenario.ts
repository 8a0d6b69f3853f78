import * as allure from 'allure-js-commons';
import { inject, test as base } from 'vitest';
import type { ClusterHandle } from '../cluster/provider.js';
import { connect, type Kube } from '../kube/client.js';
import type { KubeObject } from '../kube/manifests.js';
import { createNamespace, deleteNamespace, type OwnedNamespace } from '../kube/namespace.js';
import { Redactor } from '../kube/redact.js';
import { assertHolds, assertViolated, type Verdict } from '../invariants/verdict.js';
import type { StepMark } from '../observe/picture.js';
import { TimelineRecorder } from '../observe/recorder.js';
import { buildTimeline, type Timeline, type Window } from '../observe/timeline.js';
import type { WorkloadContext } from '../workloads/context.js';
import type { AdaptedFixture } from '../workloads/fixtures.js';
import { waitClock } from '../support/wait.js';
import { collectEvidence, type NamespaceEvidence } from './evidence.js';
import { recordTiming } from './timings.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterHandle;
    runId: string;
    outDir: string;
  }
}

/** What a scenario body works with: its namespace, the recorder's timeline, and named steps. */
export interface Scenario extends WorkloadContext {
  readonly kube: Kube;
  /** A named step: shown in the report, and drawn as a dashed line on the timeline picture. */
  step<T>(title: string, body: () => Promise<T>): Promise<T>;
  /** A resourceVersion boundary: what happens after this call is inside the returned window. */
  checkpoint(): Promise<Window>;
  /** The timeline of a StatefulSet as recorded so far (default namespace: the scenario's own). */
  timeline(statefulSet: string, namespace?: OwnedNamespace): Timeline;
  /** Another namespace of this run, recorded the same way (for a control next to the real thing). */
  secondNamespace(purpose: string): Promise<WorkloadContext>;
  /** Asserts the invariant holds; the verdict goes into the report either way. */
  expectHolds(result: Verdict): Promise<void>;
  /** Negative controls: asserts the invariant reports a violation, and shows which. */
  expectViolated(result: Verdict): Promise<void>;
  /** Report labels: what part of the StatefulSet contract this proves, and where it is documented. */
  about(labels: { feature: string; docs: string; negativeControl?: boolean }): Promise<void>;
}

interface RecordedNamespace {
  readonly namespace: OwnedNamespace;
  readonly recorder: TimelineRecorder;
  readonly marks: StepMark[];
  readonly fixtures: AdaptedFixture[];
}

export const test = base.extend<{ scenario: Scenario }>({
  scenario: async ({ task }, use) => {
    const cluster = inject('cluster');
    const runId = inject('runId');
    const kube = connect(cluster);
    const redactor = new Redactor();
    const recorded: RecordedNamespace[] = [];

    const open = async (purpose: string): Promise<RecordedNamespace> => {
      const namespace = await createNamespace(kube, { scenario: purpose, runId });
      try {
        const entry: RecordedNamespace = {
          namespace,
          recorder: await TimelineRecorder.start(namespace),
          marks: [],
          fixtures: [],
        };
        recorded.push(entry);
        return entry;
      } catch (error) {
        await deleteNamespace(namespace, { wait: false });
        throw error;
      }
    };
    const applied = (fixture: AdaptedFixture, namespace: OwnedNamespace) => {
      redactor.learn(fixture.objects);
      recorded.find((entry) => entry.namespace.name === namespace.name)?.fixtures.push(fixture);
    };

    const started = Date.now();
    const waitedBefore = waitClock.totalMs;
    const main = await open(task.name);
    const scenario: Scenario = {
      kube,
      cluster,
      namespace: main.namespace,
      applied,
      async step(title, body) {
        for (const entry of recorded) entry.marks.push({ at: Date.now(), label: title });
        return allure.step(title, body);
      },
      async checkpoint() {
        // A list's resourceVersion is the store's revision when it was served: later writes are above it.
        const list = await kube.core.listNamespacedPod({ namespace: main.namespace.name, limit: 1 });
        return { afterRv: Number(list.metadata?.resourceVersion ?? 0) };
      },
      timeline(statefulSet, namespace = main.namespace) {
        const entry = recorded.find((candidate) => candidate.namespace.name === namespace.name);
        if (!entry) throw new Error(`namespace ${namespace.name} is not recorded by this scenario`);
        return buildTimeline(entry.recorder.snapshot(), statefulSet);
      },
      async secondNamespace(purpose) {
        const entry = await open(`${task.name} ${purpose}`);
        return { namespace: entry.namespace, cluster, applied };
      },
      async expectHolds(result) {
        await allure.step(`${result.invariant} holds (${result.checked})`, async () => {
          await allure.attachment(`verdict: ${result.invariant}`, JSON.stringify(result, null, 2), 'application/json');
          assertHolds(result, `StatefulSet in ${main.namespace.name}`);
        });
      },
      async expectViolated(result) {
        await allure.step(`${result.invariant} reports a violation (${result.checked})`, async () => {
          await allure.attachment(`verdict: ${result.invariant}`, JSON.stringify(result, null, 2), 'application/json');
          assertViolated(result, `StatefulSet in ${main.namespace.name}`);
        });
      },
      async about({ feature, docs, negativeControl }) {
        await allure.epic('StatefulSet');
        await allure.feature(feature);
        await allure.story(task.name);
        await allure.link(docs, 'Kubernetes documentation');
        if (negativeControl) await allure.tag('negative control');
      },
    };

    try {
      await use(scenario);
    } finally {
      const failed = task.result?.state === 'fail' || (task.result?.errors?.length ?? 0) > 0;
      const evidence: NamespaceEvidence[] = [];
      for (const entry of recorded) {
        const recording = await entry.recorder.stop();
        const objects: KubeObject[] = entry.fixtures.flatMap((fixture) => fixture.objects);
        evidence.push({
          namespace: entry.namespace,
          recording,
          marks: entry.marks,
          fixtures: entry.fixtures,
          objects,
          recorderNotes: entry.recorder.notes,
        });
      }
      const evidenceStarted = Date.now();
      await collectEvidence({
        testName: task.name,
        failed,
        namespaces: evidence,
        redactor,
        cluster,
        outDir: inject('outDir'),
      });
      const evidenceMs = Date.now() - evidenceStarted;
      for (const entry of recorded) await deleteNamespace(entry.namespace);
      await recordTiming(inject('outDir'), {
        file: task.file?.name ?? '',
        test: task.name,
        failed,
        totalMs: Date.now() - started,
        waitingMs: waitClock.totalMs - waitedBefore,
        evidenceMs,
      });
    }
  },
});

export { describe, expect } from 'vitest';
