import { describeMoment, inWindow, type Moment, type Timeline, type Window } from '../observe/timeline.js';
import { setBefore } from './controller-view.js';
import { unobservedIn } from './coverage.js';
import { explainStatuses, type PodState } from './status.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * Halting, as the StatefulSet documentation states it: "If web-0 should fail, after web-1 is
 * Running and Ready, but before web-2 is launched, web-2 will not be launched until web-0 is
 * successfully relaunched and becomes Running and Ready", and scaling down likewise waits.
 *
 * As the v1.34 controller implements it (stateful_set_control.go, updateStatefulSet with
 * monotonic = podManagementPolicy OrderedReady): processReplica walks the replicas from the start
 * ordinal up and returns at the first one that is missing, terminating, or not Running and Ready,
 * so no higher ordinal is created; the condemned pods (beyond the replicas) are processed by
 * processCondemned only once that walk got through every replica, so no scale-down deletion
 * happens either while a replica is unhealthy.
 *
 * orderedCreation cannot tell a controller that ignores this from one acting on a stale cache (a
 * pod that was Ready may have flapped unseen). This judge only blames what the controller had
 * provably seen: its status writes are computed from its informer cache (computeReplicaStatus),
 * the cache only moves forward, so a status write bounds the cache from below (explainStatuses).
 * A pod is known unhealthy at an action if, in that lower-bound state and in every recorded state
 * from there up to the action, its ordinal had no pod that was Running, Ready and not terminating.
 * (Availability for minReadySeconds is not required here: weaker, never stronger.)
 */

interface Knowledge {
  readonly states: readonly PodState[];
  /** For each status write in rv order: its rv and the state index the cache had reached at least. */
  readonly bounds: ReadonlyArray<{ readonly statusRv: number; readonly stateIndex: number }>;
}

function knowledgeOf(timeline: Timeline): Knowledge {
  const { states, explained } = explainStatuses(timeline);
  return {
    states,
    bounds: explained.map((entry) => ({ statusRv: entry.status.at.rv, stateIndex: entry.cacheAtLeast })),
  };
}

function healthyIn(state: PodState, ordinal: number): boolean {
  for (const pod of state.pods.values()) {
    if (pod.owned && pod.ordinal === ordinal && pod.running && pod.ready && !pod.terminating) return true;
  }
  return false;
}

/**
 * If the controller provably saw `ordinal` unhealthy and could not have seen it healthy again
 * before `action`, the status write that proves it; else undefined.
 */
function knownUnhealthy(
  knowledge: Knowledge,
  ordinal: number,
  action: Moment,
): { statusRv: number; seen: string } | undefined {
  let bound: { statusRv: number; stateIndex: number } | undefined;
  for (const candidate of knowledge.bounds) {
    if (candidate.statusRv >= action.rv) break;
    bound = candidate;
  }
  if (!bound) return undefined;
  for (let index = bound.stateIndex; index < knowledge.states.length; index++) {
    const state = knowledge.states[index] as PodState;
    if (state.rv >= action.rv) break;
    if (healthyIn(state, ordinal)) return undefined;
  }
  const pods = [...(knowledge.states[bound.stateIndex]?.pods.values() ?? [])].filter((pod) => pod.ordinal === ordinal);
  const seen =
    pods.length === 0 ? 'absent' : pods.some((pod) => pod.terminating) ? 'terminating' : 'not Running and Ready';
  return { statusRv: bound.statusRv, seen };
}

/**
 * In the window, no pod is created while a lower ordinal (from the start ordinal) was known
 * unhealthy, and no pod beyond the replicas is asked to go while a replica was known unhealthy.
 */
export function haltsWhileUnhealthy(timeline: Timeline, options: { window: Window }): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  const knowledge = knowledgeOf(timeline);
  const inside = timeline.podEvents.filter((event) => inWindow(event.at, options.window));
  let judged = 0;
  for (const event of inside) {
    const spec = setBefore(timeline, event.at.rv);
    const start = spec?.startOrdinal ?? 0;
    const end = start + (spec?.specReplicas ?? 0) - 1;
    const at = describeMoment(event.at, timeline);
    if (event.transition === 'created') {
      judged++;
      for (let predecessor = start; predecessor < event.ordinal; predecessor++) {
        const known = knownUnhealthy(knowledge, predecessor, event.at);
        if (known) {
          findings.add(
            'created-while-known-unready',
            `${event.pod} was created at ${at} though the controller's status at rv ${known.statusRv} showed it had seen ${set}-${predecessor} ${known.seen}, and no ${set}-${predecessor} had been Running and Ready since: expected creation to halt until one is`,
          );
        }
      }
    } else if (event.transition === 'deletionRequested' && spec && event.ordinal > end) {
      judged++;
      for (let staying = start; staying <= end; staying++) {
        const known = knownUnhealthy(knowledge, staying, event.at);
        if (known) {
          findings.add(
            'deleted-while-known-unready',
            `deletion of ${event.pod} (beyond ${spec.specReplicas} replicas) was requested at ${at} though the controller's status at rv ${known.statusRv} showed it had seen ${set}-${staying} ${known.seen}, and no ${set}-${staying} had been Running and Ready since: expected scale-down to halt until one is`,
          );
        }
      }
    }
  }
  if (knowledge.bounds.length === 0) findings.add('no-observations', `StatefulSet ${set} wrote no status at all`);
  return findings.verdict(
    'halts while a pod is unhealthy',
    `${judged} creation(s) and scale-down deletion(s) in the window, against ${knowledge.bounds.length} status write(s) that show what the controller had seen`,
    unobservedIn(timeline, options.window),
  );
}
