import type { RawObject, Recording, WatchRecord } from './records.js';

/**
 * The timeline of a StatefulSet, derived from a recording by pure functions.
 *
 * Ordering. Server timestamps have one-second resolution, far too coarse for "pod 2 was created
 * after pod 1 became Ready". Every object state carries a resourceVersion, which on a cluster
 * with one etcd (kind) is the etcd revision of the write that produced it: a single global order
 * of everything the API server accepted. Moments are ordered by it; the server's timestamp and
 * the arrival time on this machine are kept for people and pictures.
 */
export interface Moment {
  /** resourceVersion of the object state where the change first appeared. */
  readonly rv: number;
  /** The server's own timestamp for the change, when the object carries one. */
  readonly serverTime?: string;
  /** When this machine received it (ms since the epoch). */
  readonly receivedAt: number;
}

export type PodTransition =
  'created' | 'scheduled' | 'running' | 'ready' | 'notReady' | 'deletionRequested' | 'deleted';

export interface PodEvent {
  readonly at: Moment;
  readonly pod: string;
  readonly ordinal: number;
  readonly uid: string;
  readonly transition: PodTransition;
  /** controller-revision-hash of this pod. */
  readonly revision?: string;
}

/** One incarnation of an ordinal: a pod name with one UID, from creation to deletion. */
export interface PodLife {
  readonly pod: string;
  readonly ordinal: number;
  readonly uid: string;
  readonly revision?: string;
  readonly node?: string;
  readonly ip?: string;
  /** Claims its volumes reference. */
  readonly claims: readonly string[];
  /** Existed before recording started; its earlier transitions are unknown. */
  readonly preexisting: boolean;
  readonly events: readonly PodEvent[];
  /** When the pod reached phase Failed or Succeeded (the kubelet rejected, evicted or finished it), if it did. */
  readonly terminalPhase?: { readonly at: Moment; readonly phase: string; readonly reason?: string };
  /** Its controller (the ownerReference with controller: true) each time that changed: adoption and release. */
  readonly controllers: ReadonlyArray<{ readonly at: Moment; readonly controller?: OwnerRef }>;
}

/** An ownerReference as a verdict needs it. */
export interface OwnerRef {
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly controller?: boolean;
}

export interface SetStatus {
  readonly at: Moment;
  readonly generation?: number;
  readonly observedGeneration?: number;
  readonly specReplicas?: number;
  /** spec.ordinals.start (0 when unset). */
  readonly startOrdinal: number;
  readonly minReadySeconds: number;
  readonly updateStrategy?: string;
  readonly partition?: number;
  readonly maxUnavailable?: number | string;
  readonly podManagementPolicy?: string;
  readonly replicas?: number;
  readonly readyReplicas?: number;
  readonly availableReplicas?: number;
  readonly currentReplicas?: number;
  readonly updatedReplicas?: number;
  readonly currentRevision?: string;
  readonly updateRevision?: string;
  readonly deleted: boolean;
}

export interface ClaimLife {
  readonly name: string;
  readonly uid: string;
  readonly ordinal?: number;
  readonly volumeName?: string;
  readonly phases: ReadonlyArray<{ readonly at: Moment; readonly phase: string }>;
  readonly created: Moment;
  /** When metadata.deletionTimestamp first appeared (a claim in use waits for its pods: pvc-protection). */
  readonly deletionRequested?: Moment;
  readonly deleted?: Moment;
  readonly preexisting: boolean;
  /** Its ownerReferences each time they changed, from its first recorded state on. */
  readonly owners: ReadonlyArray<{ readonly at: Moment; readonly refs: readonly OwnerRef[] }>;
}

export interface RevisionRecord {
  readonly name: string;
  readonly revision: number;
  readonly created: Moment;
}

export interface ClusterEvent {
  readonly at: Moment;
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly object: string;
  readonly count?: number;
}

export interface Timeline {
  readonly namespace: string;
  readonly statefulSet: string;
  readonly startedAt: number;
  readonly stoppedAt: number;
  readonly pods: readonly PodLife[];
  /** All pod transitions of the set, in resourceVersion order. */
  readonly podEvents: readonly PodEvent[];
  readonly statuses: readonly SetStatus[];
  readonly claims: readonly ClaimLife[];
  readonly revisions: readonly RevisionRecord[];
  readonly events: readonly ClusterEvent[];
  /** Relists after 410 Gone: changes in these windows may be missing. */
  readonly gaps: Recording['gaps'];
}

export function resourceVersionOf(object: RawObject): number {
  const value = Number(object.metadata?.resourceVersion);
  return Number.isFinite(value) ? value : 0;
}

function momentOf(record: WatchRecord, serverTime?: string): Moment {
  return { rv: resourceVersionOf(record.object), serverTime, receivedAt: record.receivedAt };
}

/** The ordinal of a StatefulSet pod: the pod-index label when present, else the name suffix. */
export function ordinalOf(object: RawObject, setName: string): number | undefined {
  const label = object.metadata?.labels?.['apps.kubernetes.io/pod-index'];
  if (label !== undefined && /^\d+$/.test(label)) return Number(label);
  const match = new RegExp(`^${setName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(
    object.metadata?.name ?? '',
  );
  return match ? Number(match[1]) : undefined;
}

interface PodState {
  readonly scheduled: boolean;
  readonly running: boolean;
  readonly ready: boolean;
  readonly terminating: boolean;
}

interface PodCondition {
  type?: string;
  status?: string;
  lastTransitionTime?: string;
}

function podState(object: RawObject): PodState {
  const status = (object.status ?? {}) as { phase?: string; conditions?: PodCondition[] };
  const conditions = status.conditions ?? [];
  const spec = (object.spec ?? {}) as { nodeName?: string };
  return {
    scheduled: Boolean(spec.nodeName) || conditions.some((c) => c.type === 'PodScheduled' && c.status === 'True'),
    running: status.phase === 'Running',
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    terminating: Boolean(object.metadata?.deletionTimestamp),
  };
}

function conditionTime(object: RawObject, type: string): string | undefined {
  const conditions = ((object.status ?? {}) as { conditions?: PodCondition[] }).conditions ?? [];
  return conditions.find((c) => c.type === type)?.lastTransitionTime;
}

function runningSince(object: RawObject): string | undefined {
  const statuses =
    ((object.status ?? {}) as { containerStatuses?: Array<{ state?: { running?: { startedAt?: string } } }> })
      .containerStatuses ?? [];
  const started = statuses
    .map((s) => s.state?.running?.startedAt)
    .filter((t): t is string => Boolean(t))
    .sort();
  return started[started.length - 1];
}

/** The moment deletion was requested: the server sets deletionTimestamp to request time + grace period. */
function deletionRequestTime(object: RawObject): string | undefined {
  const { deletionTimestamp, deletionGracePeriodSeconds } = object.metadata ?? {};
  if (!deletionTimestamp) return undefined;
  const when = Date.parse(deletionTimestamp) - (deletionGracePeriodSeconds ?? 0) * 1000;
  return Number.isFinite(when) ? new Date(when).toISOString().replace('.000Z', 'Z') : deletionTimestamp;
}

function claimNames(object: RawObject): string[] {
  const volumes =
    ((object.spec ?? {}) as { volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }> }).volumes ?? [];
  return volumes
    .map((volume) => volume.persistentVolumeClaim?.claimName)
    .filter((name): name is string => Boolean(name));
}

function isOwnedBySet(object: RawObject, setName: string): boolean {
  const owners = object.metadata?.ownerReferences ?? [];
  if (owners.some((owner) => owner.kind === 'StatefulSet' && owner.name === setName)) return true;
  // Orphaned pods keep their name; the name pattern still ties them to the set.
  return ordinalOf(object, setName) !== undefined && new RegExp(`^${setName}-\\d+$`).test(object.metadata?.name ?? '');
}

export function buildTimeline(recording: Recording, statefulSet: string): Timeline {
  const records = [...recording.records].sort(
    (a, b) => resourceVersionOf(a.object) - resourceVersionOf(b.object) || a.seq - b.seq,
  );

  // Pods: one life per UID, transitions from successive states.
  const lives = new Map<
    string,
    {
      life: Omit<PodLife, 'events' | 'controllers'>;
      events: PodEvent[];
      controllers: Array<{ at: Moment; controller?: OwnerRef }>;
      last?: PodState;
      deleted: boolean;
    }
  >();
  for (const record of records) {
    if (record.resource !== 'pods') continue;
    const object = record.object;
    const uid = object.metadata?.uid;
    const name = object.metadata?.name;
    if (!uid || !name || !isOwnedBySet(object, statefulSet)) continue;
    const ordinal = ordinalOf(object, statefulSet);
    if (ordinal === undefined) continue;
    const revision = object.metadata?.labels?.['controller-revision-hash'];
    let entry = lives.get(uid);
    const add = (transition: PodTransition, serverTime?: string) =>
      entry?.events.push({ at: momentOf(record, serverTime), pod: name, ordinal, uid, transition, revision });
    if (!entry) {
      entry = {
        life: {
          pod: name,
          ordinal,
          uid,
          revision,
          claims: claimNames(object),
          preexisting: record.type === 'SYNC' && !isRelist(recording, record),
        },
        events: [],
        controllers: [],
        deleted: false,
      };
      lives.set(uid, entry);
      add('created', object.metadata?.creationTimestamp);
    }
    if (entry.deleted) continue;
    const controller = controllerOf(object);
    const lastController = entry.controllers[entry.controllers.length - 1];
    if (!lastController || lastController.controller?.uid !== controller?.uid)
      entry.controllers.push({ at: momentOf(record), controller });
    const spec = (object.spec ?? {}) as { nodeName?: string };
    const podStatus = (object.status ?? {}) as { podIP?: string; phase?: string; reason?: string };
    if ((podStatus.phase === 'Failed' || podStatus.phase === 'Succeeded') && !entry.life.terminalPhase)
      entry.life = {
        ...entry.life,
        terminalPhase: { at: momentOf(record), phase: podStatus.phase, reason: podStatus.reason },
      };
    const ip = podStatus.podIP;
    entry.life = {
      ...entry.life,
      node: spec.nodeName ?? entry.life.node,
      ip: ip ?? entry.life.ip,
      revision: revision ?? entry.life.revision,
    };
    const state = podState(object);
    const before = entry.last ?? { scheduled: false, running: false, ready: false, terminating: false };
    if (state.scheduled && !before.scheduled) add('scheduled', conditionTime(object, 'PodScheduled'));
    if (state.running && !before.running) add('running', runningSince(object));
    if (state.ready && !before.ready) add('ready', conditionTime(object, 'Ready'));
    if (!state.ready && before.ready) add('notReady', conditionTime(object, 'Ready'));
    if (state.terminating && !before.terminating) add('deletionRequested', deletionRequestTime(object));
    if (record.type === 'DELETED') {
      if (!state.terminating && !before.terminating) add('deletionRequested', deletionRequestTime(object));
      add('deleted');
      entry.deleted = true;
    }
    entry.last = state;
  }
  const pods: PodLife[] = [...lives.values()].map(({ life, events, controllers }) => ({
    ...life,
    events,
    controllers,
  }));
  const podEvents = pods.flatMap((life) => life.events).sort(compareEvents);

  const statuses: SetStatus[] = [];
  const claims = new Map<
    string,
    {
      claim: Omit<ClaimLife, 'phases' | 'owners'>;
      phases: Array<{ at: Moment; phase: string }>;
      owners: Array<{ at: Moment; refs: OwnerRef[] }>;
    }
  >();
  const revisions: RevisionRecord[] = [];
  const events: ClusterEvent[] = [];
  for (const record of records) {
    const object = record.object;
    if (record.resource === 'statefulsets' && object.metadata?.name === statefulSet) {
      const spec = (object.spec ?? {}) as {
        replicas?: number;
        minReadySeconds?: number;
        ordinals?: { start?: number };
        podManagementPolicy?: string;
        updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
      };
      const status = (object.status ?? {}) as Record<string, unknown>;
      statuses.push({
        at: momentOf(record),
        generation: object.metadata?.generation,
        observedGeneration: status.observedGeneration as number | undefined,
        specReplicas: spec.replicas,
        startOrdinal: spec.ordinals?.start ?? 0,
        minReadySeconds: spec.minReadySeconds ?? 0,
        updateStrategy: spec.updateStrategy?.type,
        partition: spec.updateStrategy?.rollingUpdate?.partition,
        maxUnavailable: spec.updateStrategy?.rollingUpdate?.maxUnavailable,
        podManagementPolicy: spec.podManagementPolicy,
        replicas: status.replicas as number | undefined,
        readyReplicas: status.readyReplicas as number | undefined,
        availableReplicas: status.availableReplicas as number | undefined,
        currentReplicas: status.currentReplicas as number | undefined,
        updatedReplicas: status.updatedReplicas as number | undefined,
        currentRevision: status.currentRevision as string | undefined,
        updateRevision: status.updateRevision as string | undefined,
        deleted: record.type === 'DELETED',
      });
    } else if (record.resource === 'persistentvolumeclaims') {
      const uid = object.metadata?.uid;
      const name = object.metadata?.name;
      if (!uid || !name) continue;
      let entry = claims.get(uid);
      if (!entry) {
        const ordinalMatch = new RegExp(`-${statefulSet}-(\\d+)$`).exec(name);
        entry = {
          claim: {
            name,
            uid,
            ordinal: ordinalMatch ? Number(ordinalMatch[1]) : undefined,
            created: momentOf(record, object.metadata?.creationTimestamp),
            preexisting: record.type === 'SYNC' && !isRelist(recording, record),
          },
          phases: [],
          owners: [],
        };
        claims.set(uid, entry);
      }
      const refs = ownerRefsOf(object);
      const lastRefs = entry.owners[entry.owners.length - 1];
      if (!lastRefs || !sameRefs(lastRefs.refs, refs)) entry.owners.push({ at: momentOf(record), refs });
      if (object.metadata?.deletionTimestamp && !entry.claim.deletionRequested)
        entry.claim = { ...entry.claim, deletionRequested: momentOf(record) };
      const volumeName = ((object.spec ?? {}) as { volumeName?: string }).volumeName;
      if (volumeName) entry.claim = { ...entry.claim, volumeName };
      const phase = ((object.status ?? {}) as { phase?: string }).phase;
      if (phase && entry.phases[entry.phases.length - 1]?.phase !== phase)
        entry.phases.push({ at: momentOf(record), phase });
      if (record.type === 'DELETED') entry.claim = { ...entry.claim, deleted: momentOf(record) };
    } else if (record.resource === 'controllerrevisions' && record.type !== 'DELETED') {
      const name = object.metadata?.name;
      if (
        name &&
        !revisions.some((known) => known.name === name) &&
        (object.metadata?.ownerReferences ?? []).some((owner) => owner.name === statefulSet)
      ) {
        revisions.push({
          name,
          revision: Number((object as { revision?: number }).revision ?? 0),
          created: momentOf(record, object.metadata?.creationTimestamp),
        });
      }
    } else if (record.resource === 'events' && record.type !== 'DELETED') {
      const event = object as RawObject & {
        type?: string;
        reason?: string;
        message?: string;
        count?: number;
        lastTimestamp?: string;
        eventTime?: string;
        involvedObject?: { kind?: string; name?: string };
      };
      events.push({
        at: momentOf(record, event.lastTimestamp ?? event.eventTime ?? undefined),
        type: event.type,
        reason: event.reason,
        message: event.message,
        object: `${event.involvedObject?.kind ?? '?'}/${event.involvedObject?.name ?? '?'}`,
        count: event.count,
      });
    }
  }

  return {
    namespace: recording.namespace,
    statefulSet,
    startedAt: recording.startedAt,
    stoppedAt: recording.stoppedAt,
    pods,
    podEvents,
    statuses,
    claims: [...claims.values()].map(({ claim, phases, owners }) => ({ ...claim, phases, owners })),
    revisions,
    events,
    gaps: recording.gaps,
  };
}

function ownerRefsOf(object: RawObject): OwnerRef[] {
  return (object.metadata?.ownerReferences ?? []).map(({ kind, name, uid, controller }) => ({
    kind,
    name,
    uid,
    controller: controller === true,
  }));
}

function controllerOf(object: RawObject): OwnerRef | undefined {
  return ownerRefsOf(object).find((ref) => ref.controller);
}

function sameRefs(a: readonly OwnerRef[], b: readonly OwnerRef[]): boolean {
  const key = (refs: readonly OwnerRef[]) =>
    refs
      .map((ref) => `${ref.kind}/${ref.name}/${ref.uid}/${ref.controller}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

function isRelist(recording: Recording, record: WatchRecord): boolean {
  return recording.gaps.some((gap) => gap.resource === record.resource && record.receivedAt >= gap.receivedAt);
}

/** Orders pod events by resourceVersion; within one object state, in lifecycle order. */
export function compareEvents(a: PodEvent, b: PodEvent): number {
  return (
    a.at.rv - b.at.rv ||
    TRANSITION_ORDER.indexOf(a.transition) - TRANSITION_ORDER.indexOf(b.transition) ||
    a.ordinal - b.ordinal
  );
}

const TRANSITION_ORDER: readonly PodTransition[] = [
  'created',
  'scheduled',
  'running',
  'ready',
  'notReady',
  'deletionRequested',
  'deleted',
];

/** A marker in the timeline: everything after it, in resourceVersion order. */
export interface Window {
  /** Exclusive lower bound: events at or before this resourceVersion are outside the window. */
  readonly afterRv: number;
  /** Inclusive upper bound, or open. */
  readonly untilRv?: number;
}

export const WHOLE_TIMELINE: Window = { afterRv: -1 };

export function inWindow(moment: Moment, window: Window): boolean {
  return moment.rv > window.afterRv && (window.untilRv === undefined || moment.rv <= window.untilRv);
}

/** "rv 1234 (16:40:14Z, +3.21s)" */
export function describeMoment(moment: Moment, timeline: Pick<Timeline, 'startedAt'>): string {
  const offset = ((moment.receivedAt - timeline.startedAt) / 1000).toFixed(2);
  return `rv ${moment.rv}${moment.serverTime ? ` (${moment.serverTime.slice(11)}` : ' ('}${moment.serverTime ? ', ' : ''}+${offset}s)`;
}

/** The window between two checkpoints. */
export function between(from: Window, to: Window): Window {
  return { afterRv: from.afterRv, untilRv: to.afterRv };
}
