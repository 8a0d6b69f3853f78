import {
  describeMoment,
  inWindow,
  type PodEvent,
  type SetStatus,
  type Timeline,
  type Window,
} from '../observe/timeline.js';
import { unobservedIn } from './coverage.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * The StatefulSet's status tells the truth about its pods. Every wait in the suite trusts the
 * status, so it is checked against the recorded pods. The v1.34 controller computes it in
 * computeReplicaStatus (stateful_set_control.go) from the pods in its informer cache: replicas
 * counts created pods (phase set), readyReplicas Running and Ready ones (terminating included),
 * availableReplicas those Ready for minReadySeconds, currentReplicas and updatedReplicas the
 * non-terminating pods at currentRevision and updateRevision. After deleting a pod for an update
 * (updateStatefulSet, and updateStatefulSetAfterInvariantEstablished) it decrements
 * currentReplicas of the status it computed before the deletion, whatever the deleted pod's
 * revision: when that pod was at currentRevision this is the state right after the deletion
 * request; when it was not (a pod of an abandoned revision, replaced after a rollback), the status
 * reports one current replica fewer than any state had. So a state also explains a status
 * with one current replica fewer if the next deletion request after it, before the status
 * write, is of a pod that state has not terminating.
 *
 * The cache lags, so a status written at rv S may describe any earlier state; but the cache only
 * moves forward, so successive statuses describe states in resourceVersion order. The rule: there
 * is a non-decreasing sequence of recorded pod states, each at or before its status write, whose
 * counts are exactly what each status reported. A status no recorded state explains is a lie.
 */

interface Counts {
  replicas: number;
  ready: number;
  current: number;
  updated: number;
}

export interface PodFacts {
  ordinal: number;
  /** A StatefulSet of the set's name is the pod's controller. */
  owned: boolean;
  running: boolean;
  ready: boolean;
  terminating: boolean;
  revision?: string;
}

/** The pods of the set that exist after one pod write, by UID. */
export interface PodState {
  readonly rv: number;
  pods: Map<string, PodFacts>;
}

/**
 * After each pod write (and before any), the pods of the set that exist. A pod counts for the
 * set only while a StatefulSet of its name is its controller: the controller computes its status
 * from the pods it owns (getPodsForStatefulSet claims matching orphans and releases pods whose
 * labels stop matching), and an orphan tied to the set by its name only is not among them.
 */
export function podStates(timeline: Timeline): PodState[] {
  type Change =
    { rv: number; order: number; event: PodEvent } | { rv: number; order: number; uid: string; owned: boolean };
  const changes: Change[] = timeline.podEvents.map((event, order) => ({ rv: event.at.rv, order, event }));
  for (const life of timeline.pods) {
    for (const entry of life.controllers) {
      const owned = entry.controller?.kind === 'StatefulSet' && entry.controller.name === timeline.statefulSet;
      changes.push({ rv: entry.at.rv, order: Number.MAX_SAFE_INTEGER, uid: life.uid, owned });
    }
  }
  changes.sort((a, b) => a.rv - b.rv || a.order - b.order);
  const ownership = new Map<string, boolean>();
  const states: PodState[] = [{ rv: 0, pods: new Map() }];
  let pods = new Map<string, PodFacts>();
  for (const change of changes) {
    pods = new Map(pods);
    if ('event' in change) {
      const { event } = change;
      const before = pods.get(event.uid);
      const next: PodFacts = before
        ? { ...before }
        : {
            ordinal: event.ordinal,
            owned: ownership.get(event.uid) ?? true,
            running: false,
            ready: false,
            terminating: false,
            revision: event.revision,
          };
      if (event.transition === 'running') next.running = true;
      if (event.transition === 'ready') next.ready = true;
      if (event.transition === 'notReady') next.ready = false;
      if (event.transition === 'deletionRequested') next.terminating = true;
      if (event.transition === 'deleted') pods.delete(event.uid);
      else pods.set(event.uid, next);
    } else {
      ownership.set(change.uid, change.owned);
      const before = pods.get(change.uid);
      if (before) pods.set(change.uid, { ...before, owned: change.owned });
    }
    const last = states[states.length - 1];
    if (last && last.rv === change.rv) last.pods = pods;
    else states.push({ rv: change.rv, pods });
  }
  return states;
}

function countsOf(pods: Map<string, PodFacts>, status: SetStatus): Counts {
  const counts: Counts = { replicas: 0, ready: 0, current: 0, updated: 0 };
  for (const pod of pods.values()) {
    if (!pod.owned) continue;
    counts.replicas++;
    if (pod.running && pod.ready) counts.ready++;
    if (pod.terminating) continue;
    if (pod.revision === status.currentRevision) counts.current++;
    if (pod.revision === status.updateRevision) counts.updated++;
  }
  return counts;
}

function reported(status: SetStatus): Counts {
  return {
    replicas: status.replicas ?? 0,
    ready: status.readyReplicas ?? 0,
    current: status.currentReplicas ?? 0,
    updated: status.updatedReplicas ?? 0,
  };
}

const describe = (counts: Counts) =>
  `replicas ${counts.replicas}, ready ${counts.ready}, current ${counts.current}, updated ${counts.updated}`;
const same = (a: Counts, b: Counts) =>
  a.replicas === b.replicas && a.ready === b.ready && a.current === b.current && a.updated === b.updated;

/** A status the controller wrote, and the earliest recorded pod state that explains it, if any. */
export interface ExplainedStatus {
  readonly status: SetStatus;
  /** Index into the pod states of the earliest state at or after the previous explained one, or -1. */
  readonly explainedBy: number;
  /**
   * Index of the earliest pod state the controller's informer cache can have been in when it
   * wrote this status. The cache only moves forward and each status is computed from it
   * (computeReplicaStatus), so the earliest state explaining a status, searched from the
   * previous status's lower bound on, bounds the cache from below.
   */
  readonly cacheAtLeast: number;
}

/** Matches every status write of the controller to the pod states, in order (see the module comment). */
export function explainStatuses(timeline: Timeline): { states: PodState[]; explained: ExplainedStatus[] } {
  const states = podStates(timeline);
  const deletions = timeline.podEvents.filter((event) => event.transition === 'deletionRequested');
  const nextDeletion = states.map((state) => deletions.find((deletion) => deletion.at.rv > state.rv));
  const explains = (index: number, status: SetStatus, claimed: Counts) => {
    const state = states[index] as PodState;
    const counts = countsOf(state.pods, status);
    if (same(counts, claimed)) return true;
    const deletion = nextDeletion[index];
    const deleted = deletion && deletion.at.rv < status.at.rv ? state.pods.get(deletion.uid) : undefined;
    return deleted !== undefined && !deleted.terminating && same({ ...counts, current: counts.current - 1 }, claimed);
  };
  const explained: ExplainedStatus[] = [];
  let earliest = 0;
  for (const status of timeline.statuses) {
    if (status.deleted || status.observedGeneration === undefined || status.currentRevision === undefined) continue;
    const claimed = reported(status);
    let match = -1;
    for (let index = earliest; index < states.length && (states[index]?.rv ?? Infinity) <= status.at.rv; index++) {
      if (explains(index, status, claimed)) {
        match = index;
        break;
      }
    }
    if (match >= 0) earliest = match;
    explained.push({ status, explainedBy: match, cacheAtLeast: earliest });
  }
  return { states, explained };
}

/** Every status the controller wrote in the window is explained by a recorded state of the pods, in order. */
export function statusMatchesPods(timeline: Timeline, options: { window: Window }): Verdict {
  const findings = new Findings();
  const set = `StatefulSet ${timeline.namespace}/${timeline.statefulSet}`;
  const { states, explained } = explainStatuses(timeline);
  let judged = 0;
  let previousBound = 0;
  for (const { status, explainedBy, cacheAtLeast } of explained) {
    const claimed = reported(status);
    const judging = inWindow(status.at, options.window);
    if (judging) judged++;
    const available = status.availableReplicas ?? 0;
    // A write of the spec carries the status computed for the previous one: only a status of the
    // observed generation is bound to this spec's minReadySeconds.
    const forThisSpec = status.observedGeneration === status.generation;
    const mustEqual = forThisSpec && status.minReadySeconds === 0;
    if (judging && (mustEqual ? available !== claimed.ready : available > claimed.ready)) {
      findings.add(
        'status-disagrees-with-pods',
        `${set} reported availableReplicas ${available} with readyReplicas ${claimed.ready} at ${describeMoment(status.at, timeline)} (minReadySeconds ${status.minReadySeconds})`,
      );
    }
    const searchedFrom = previousBound;
    previousBound = cacheAtLeast;
    if (explainedBy >= 0 || !judging) continue;
    const latest = states.filter((state) => state.rv <= status.at.rv).pop();
    findings.add(
      'status-disagrees-with-pods',
      `${set} reported ${describe(claimed)} at ${describeMoment(status.at, timeline)}, which no recorded state of its pods since rv ${states[searchedFrom]?.rv ?? 0} explains (just before: ${describe(countsOf(latest?.pods ?? new Map(), status))})`,
    );
  }
  if (judged === 0) findings.add('no-observations', `${set} wrote no status in the window`);
  return findings.verdict(
    'status agrees with pods',
    `${judged} status write(s) in the window against ${states.length - 1} recorded pod state(s)`,
    unobservedIn(timeline, options.window),
  );
}
