import type { RawObject, RecorderGap, Recording, WatchRecord } from './records.js';

/**
 * Writes recordings by hand, for tests of the timeline and the invariants: each call is one
 * write the API server would have made, with the next resourceVersion. Conforming and violating
 * histories are both just sequences of these calls.
 */
export class SyntheticHistory {
  private rv = 100;
  private seq = 0;
  private clock = 1_700_000_000_000;
  private readonly records: WatchRecord[] = [];
  private readonly pods = new Map<number, RawObject>();
  private readonly claims = new Map<string, RawObject>();
  private uidCounter = 0;
  private revision = 'web-rev1';
  private readonly gaps: RecorderGap[] = [];
  private set: RawObject;

  constructor(
    readonly setName = 'web',
    readonly namespace = 'sts-test',
  ) {
    this.set = {
      metadata: { name: setName, namespace, uid: 'uid-set', generation: 1 },
      spec: { replicas: 0, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } },
      status: {},
    };
  }

  /** Later pods get this controller-revision-hash. */
  useRevision(revision: string): this {
    this.revision = revision;
    return this;
  }

  get currentRv(): number {
    return this.rv;
  }

  create(ordinal: number, revision = this.revision): this {
    const pod: RawObject = {
      metadata: {
        name: `${this.setName}-${ordinal}`,
        namespace: this.namespace,
        uid: `uid-${ordinal}-${++this.uidCounter}`,
        labels: { 'apps.kubernetes.io/pod-index': String(ordinal), 'controller-revision-hash': revision },
        ownerReferences: [{ kind: 'StatefulSet', name: this.setName, uid: 'uid-set', controller: true }],
        creationTimestamp: this.serverTime(),
      },
      spec: { volumes: [{ persistentVolumeClaim: { claimName: `data-${this.setName}-${ordinal}` } }] },
      status: { phase: 'Pending', conditions: [] },
    };
    return this.write('ADDED', ordinal, pod);
  }

  schedule(ordinal: number): this {
    return this.change(ordinal, (pod) => {
      pod.spec = { ...pod.spec, nodeName: 'node-1' };
      this.setCondition(pod, 'PodScheduled', 'True');
    });
  }

  run(ordinal: number): this {
    return this.change(ordinal, (pod) => {
      pod.status = { ...pod.status, phase: 'Running', podIP: `10.244.0.${ordinal + 10}` };
    });
  }

  ready(ordinal: number): this {
    return this.change(ordinal, (pod) => this.setCondition(pod, 'Ready', 'True'));
  }

  /** The kubelet rejects or evicts the pod: phase Failed. */
  fail(ordinal: number, reason = 'Evicted'): this {
    return this.change(ordinal, (pod) => {
      pod.status = { ...pod.status, phase: 'Failed', reason };
    });
  }

  notReady(ordinal: number): this {
    return this.change(ordinal, (pod) => this.setCondition(pod, 'Ready', 'False'));
  }

  /** create, schedule, run and ready in four writes. */
  bringUp(ordinal: number, revision = this.revision): this {
    return this.create(ordinal, revision).schedule(ordinal).run(ordinal).ready(ordinal);
  }

  requestDeletion(ordinal: number, graceSeconds = 30): this {
    return this.change(ordinal, (pod) => {
      pod.metadata = {
        ...pod.metadata,
        deletionTimestamp: new Date(this.clock + graceSeconds * 1000).toISOString(),
        deletionGracePeriodSeconds: graceSeconds,
      };
    });
  }

  delete(ordinal: number): this {
    const pod = this.pods.get(ordinal);
    if (!pod) throw new Error(`no pod ${ordinal} to delete`);
    this.write('DELETED', ordinal, structuredClone(pod));
    this.pods.delete(ordinal);
    return this;
  }

  /** deletion requested, then gone. */
  remove(ordinal: number): this {
    return this.requestDeletion(ordinal).delete(ordinal);
  }

  /** Lets time pass on the server's clock without a write (for minReadySeconds). */
  advance(ms: number): this {
    this.clock += ms;
    return this;
  }

  /** A write of the StatefulSet's spec (generation + 1), as `kubectl apply`/`scale` makes. */
  setSpec(spec: Record<string, unknown>): this {
    const metadata = { ...this.set.metadata, generation: (this.set.metadata?.generation ?? 0) + 1 };
    this.set = { ...this.set, metadata, spec: { ...this.set.spec, ...spec } };
    return this.writeSet();
  }

  /** A write of the StatefulSet's status, as the controller (or someone pretending to be it) makes. */
  setStatus(status: Record<string, unknown>): this {
    this.set = {
      ...this.set,
      status: { ...this.set.status, observedGeneration: this.set.metadata?.generation, ...status },
    };
    return this.writeSet();
  }

  /** The controller writes a ControllerRevision of the set (created, or its revision number bumped). */
  controllerRevision(name: string, revision: number): this {
    this.rv += 1;
    this.clock += 250;
    this.records.push({
      seq: this.seq++,
      resource: 'controllerrevisions',
      type: 'ADDED',
      receivedAt: this.clock,
      object: {
        metadata: {
          name,
          namespace: this.namespace,
          uid: `uid-${name}`,
          resourceVersion: String(this.rv),
          ownerReferences: [{ kind: 'StatefulSet', name: this.setName, uid: 'uid-set', controller: true }],
        },
        revision,
      },
    });
    return this;
  }

  /** A PersistentVolumeClaim write: created or changed (owners, deletion requested), or deleted. */
  claim(
    name: string,
    change: { uid?: string; owners?: Array<{ kind: string; name: string; uid: string; controller?: boolean }> } & {
      deletionRequested?: boolean;
      deleted?: boolean;
    } = {},
  ): this {
    const known = this.claims.get(name);
    const uid = change.uid ?? (known?.metadata?.uid as string | undefined) ?? `uid-claim-${name}-${++this.uidCounter}`;
    const claim: RawObject = structuredClone(
      known && known.metadata?.uid === uid ? known : { metadata: { name, namespace: this.namespace, uid }, status: {} },
    );
    if (change.owners) claim.metadata = { ...claim.metadata, ownerReferences: change.owners };
    if (change.deletionRequested)
      claim.metadata = { ...claim.metadata, deletionTimestamp: new Date(this.clock).toISOString() };
    claim.status = { phase: 'Bound' };
    this.rv += 1;
    this.clock += 250;
    claim.metadata = { ...claim.metadata, resourceVersion: String(this.rv) };
    const type = change.deleted ? 'DELETED' : known && known.metadata?.uid === uid ? 'MODIFIED' : 'ADDED';
    if (change.deleted) this.claims.delete(name);
    else this.claims.set(name, claim);
    this.records.push({
      seq: this.seq++,
      resource: 'persistentvolumeclaims',
      type,
      receivedAt: this.clock,
      object: structuredClone(claim),
    });
    return this;
  }

  /** An Event about the StatefulSet, as the controller's recorder writes one. */
  event(reason: string, message: string, type = 'Warning'): this {
    this.rv += 1;
    this.clock += 250;
    this.records.push({
      seq: this.seq++,
      resource: 'events',
      type: 'ADDED',
      receivedAt: this.clock,
      object: {
        metadata: {
          name: `${this.setName}.${this.rv}`,
          namespace: this.namespace,
          uid: `uid-event-${this.rv}`,
          resourceVersion: String(this.rv),
        },
        type,
        reason,
        message,
        involvedObject: { kind: 'StatefulSet', name: this.setName },
      },
    });
    return this;
  }

  /** The pod's controller ownerReference is replaced (adoption), or removed (orphaned, released). */
  setController(ordinal: number, controller?: { name: string; uid: string }): this {
    return this.change(ordinal, (pod) => {
      pod.metadata = {
        ...pod.metadata,
        ownerReferences: controller ? [{ kind: 'StatefulSet', ...controller, controller: true }] : [],
      };
    });
  }

  /** The recorder lost `resource` changes after the current resourceVersion (relisted at `untilRv`, or never). */
  loseTrack(resource: RecorderGap['resource'], untilRv?: number): this {
    this.gaps.push({ resource, receivedAt: this.clock, reason: 'synthetic gap', afterRv: this.rv, untilRv });
    return this;
  }

  recording(): Recording {
    return {
      namespace: this.namespace,
      startedAt: 1_700_000_000_000,
      stoppedAt: this.clock,
      records: [...this.records],
      gaps: [...this.gaps],
    };
  }

  private writeSet(): this {
    this.rv += 1;
    this.clock += 250;
    this.set = { ...this.set, metadata: { ...this.set.metadata, resourceVersion: String(this.rv) } };
    this.records.push({
      seq: this.seq++,
      resource: 'statefulsets',
      type: 'MODIFIED',
      receivedAt: this.clock,
      object: structuredClone(this.set),
    });
    return this;
  }

  private change(ordinal: number, mutate: (pod: RawObject) => void): this {
    const current = this.pods.get(ordinal);
    if (!current) throw new Error(`no pod ${ordinal}`);
    const next = structuredClone(current);
    mutate(next);
    return this.write('MODIFIED', ordinal, next);
  }

  private write(type: WatchRecord['type'], ordinal: number, pod: RawObject): this {
    this.rv += 1;
    this.clock += 250;
    pod.metadata = { ...pod.metadata, resourceVersion: String(this.rv) };
    if (type !== 'DELETED') this.pods.set(ordinal, pod);
    this.records.push({
      seq: this.seq++,
      resource: 'pods',
      type,
      receivedAt: this.clock,
      object: structuredClone(pod),
    });
    return this;
  }

  private setCondition(pod: RawObject, type: string, status: string) {
    const conditions = (((pod.status ?? {}) as { conditions?: Array<Record<string, string>> }).conditions ?? []).filter(
      (c) => c.type !== type,
    );
    conditions.push({ type, status, lastTransitionTime: this.serverTime() });
    pod.status = { ...pod.status, conditions };
  }

  private serverTime(): string {
    return new Date(this.clock).toISOString().replace(/\.\d+Z$/, 'Z');
  }
}
