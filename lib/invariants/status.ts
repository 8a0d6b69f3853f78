import { describeMoment, inWindow, type SetStatus, type Timeline, type Window } from '../observe/timeline.js';
import { unobservedIn } from './coverage.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * The StatefulSet's status tells the truth about its pods. Every wait in the suite trusts the
 * status, so it is checked against the recorded pods. The v1.34 controller computes it in
 * computeReplicaStatus (stateful_set_control.go) from the pods in its informer cache: replicas
 * counts created pods (phase set), readyReplicas Running and Ready ones (terminating included),
 * availableReplicas those Ready for minReadySeconds, currentReplicas and updatedReplicas the
 * non-terminating pods at currentRevision and updateRevision; after deleting a pod for an update
 * it decrements currentReplicas, which is the state right after the deletion request.
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

interface PodFacts {
  running: boolean;
  ready: boolean;
  terminating: boolean;
  revision?: string;
}

/** After each pod write (and before any), the pods of the set that exist. */
function podStates(timeline: Timeline): Array<{ rv: number; pods: Map<string, PodFacts> }> {
  const states: Array<{ rv: number; pods: Map<string, PodFacts> }> = [{ rv: 0, pods: new Map() }];
  let pods = new Map<string, PodFacts>();
  for (const event of timeline.podEvents) {
    const before = pods.get(event.uid);
    const next: PodFacts = before
      ? { ...before }
      : { running: false, ready: false, terminating: false, revision: event.revision };
    if (event.transition === 'running') next.running = true;
    if (event.transition === 'ready') next.ready = true;
    if (event.transition === 'notReady') next.ready = false;
    if (event.transition === 'deletionRequested') next.terminating = true;
    pods = new Map(pods);
    if (event.transition === 'deleted') pods.delete(event.uid);
    else pods.set(event.uid, next);
    const last = states[states.length - 1];
    if (last && last.rv === event.at.rv) last.pods = pods;
    else states.push({ rv: event.at.rv, pods });
  }
  return states;
}

function countsOf(pods: Map<string, PodFacts>, status: SetStatus): Counts {
  const counts: Counts = { replicas: 0, ready: 0, current: 0, updated: 0 };
  for (const pod of pods.values()) {
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

/** Every status the controller wrote in the window is explained by a recorded state of the pods, in order. */
export function statusMatchesPods(timeline: Timeline, options: { window: Window }): Verdict {
  const findings = new Findings();
  const set = `StatefulSet ${timeline.namespace}/${timeline.statefulSet}`;
  const states = podStates(timeline);
  let earliest = 0;
  let judged = 0;
  for (const status of timeline.statuses) {
    if (status.deleted || status.observedGeneration === undefined || status.currentRevision === undefined) continue;
    const claimed = reported(status);
    let match = -1;
    for (let index = earliest; index < states.length && (states[index]?.rv ?? Infinity) <= status.at.rv; index++) {
      if (same(countsOf(states[index]?.pods ?? new Map(), status), claimed)) {
        match = index;
        break;
      }
    }
    const judging = inWindow(status.at, options.window);
    if (judging) judged++;
    const available = status.availableReplicas ?? 0;
    if (judging && (status.minReadySeconds === 0 ? available !== claimed.ready : available > claimed.ready)) {
      findings.add(
        'status-disagrees-with-pods',
        `${set} reported availableReplicas ${available} with readyReplicas ${claimed.ready} at ${describeMoment(status.at, timeline)} (minReadySeconds ${status.minReadySeconds})`,
      );
    }
    if (match >= 0) {
      earliest = match;
      continue;
    }
    if (!judging) continue;
    const latest = states.filter((state) => state.rv <= status.at.rv).pop();
    findings.add(
      'status-disagrees-with-pods',
      `${set} reported ${describe(claimed)} at ${describeMoment(status.at, timeline)}, which no recorded state of its pods since rv ${states[earliest]?.rv ?? 0} explains (just before: ${describe(countsOf(latest?.pods ?? new Map(), status))})`,
    );
  }
  if (judged === 0) findings.add('no-observations', `${set} wrote no status in the window`);
  return findings.verdict(
    'status agrees with pods',
    `${judged} status write(s) in the window against ${states.length - 1} recorded pod state(s)`,
    unobservedIn(timeline, options.window),
  );
}
