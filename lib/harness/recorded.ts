import type { Kube } from '../kube/client.js';
import type { KubeObject } from '../kube/manifests.js';
import { createNamespace, deleteNamespace, type OwnedNamespace } from '../kube/namespace.js';
import { Redactor } from '../kube/redact.js';
import type { StepMark } from '../observe/picture.js';
import { TimelineRecorder } from '../observe/recorder.js';
import type { Recording } from '../observe/records.js';
import { buildTimeline, type Timeline } from '../observe/timeline.js';
import type { AdaptedFixture } from '../workloads/fixtures.js';
import { noteRunNamespace } from './run-namespaces.js';

/** One namespace a scenario owns, recorded from before anything was applied to it. */
export interface RecordedNamespace {
  readonly namespace: OwnedNamespace;
  readonly recorder: TimelineRecorder;
  readonly marks: StepMark[];
  readonly fixtures: AdaptedFixture[];
}

/**
 * The namespaces of one scenario and their recorders. Opening one creates the namespace (labelled
 * as this run's) and starts its recorder before the scenario can act in it; closing stops the
 * recorders and asks for the namespaces' deletion without waiting: the run checks at its end that
 * everything it made is gone (lib/harness/global-setup.ts), so teardown is off the critical path.
 */
export class RecordedNamespaces {
  readonly entries: RecordedNamespace[] = [];
  readonly redactor = new Redactor();
  private stopped?: Promise<Recording[]>;

  constructor(
    private readonly kube: Kube,
    private readonly runId: string,
    private readonly outDir: string,
    /** Leave the namespaces for exploration (npm run repro); the run's end says how to delete them. */
    private readonly keepNamespaces = false,
  ) {}

  async open(purpose: string): Promise<RecordedNamespace> {
    const namespace = await createNamespace(this.kube, { scenario: purpose, runId: this.runId });
    // The run checks at its end that each of these is gone, including the volumes of its claims.
    await noteRunNamespace(this.outDir, namespace.name);
    try {
      const entry: RecordedNamespace = {
        namespace,
        recorder: await TimelineRecorder.start(namespace),
        marks: [],
        fixtures: [],
      };
      this.entries.push(entry);
      return entry;
    } catch (error) {
      await deleteNamespace(namespace, { wait: false });
      throw error;
    }
  }

  entryFor(namespace: OwnedNamespace): RecordedNamespace {
    const entry = this.entries.find((candidate) => candidate.namespace.name === namespace.name);
    if (!entry) throw new Error(`namespace ${namespace.name} is not recorded by this scenario`);
    return entry;
  }

  /** Remembers what was applied where (for the evidence) and which values to keep out of it. */
  applied(fixture: AdaptedFixture, namespace: OwnedNamespace): void {
    this.redactor.learn(fixture.objects);
    this.entryFor(namespace).fixtures.push(fixture);
  }

  mark(label: string): void {
    for (const entry of this.entries) entry.marks.push({ at: Date.now(), label });
  }

  /**
   * The timeline of a StatefulSet, after the barrier: the recorder has seen every change the API
   * server had when this was called, so a verdict right after a GET-based wait judges what that
   * wait saw. If the barrier cannot be passed (a dead watch), the timeline says so in its gaps.
   */
  async timeline(statefulSet: string, namespace: OwnedNamespace): Promise<Timeline> {
    const entry = this.entryFor(namespace);
    await entry.recorder.catchUp();
    return buildTimeline(entry.recorder.snapshot(), statefulSet);
  }

  /** Stops every recorder once; later calls get the same recordings. */
  stopAll(): Promise<Recording[]> {
    this.stopped ??= Promise.all(this.entries.map((entry) => entry.recorder.stop()));
    return this.stopped;
  }

  objectsOf(entry: RecordedNamespace): KubeObject[] {
    return entry.fixtures.flatMap((fixture) => fixture.objects);
  }

  async close(): Promise<void> {
    await this.stopAll();
    if (this.keepNamespaces) return;
    await Promise.all(this.entries.map((entry) => deleteNamespace(entry.namespace, { wait: false })));
  }
}
