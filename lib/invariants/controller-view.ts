import type { Moment, PodEvent, SetStatus, Timeline, Window } from '../observe/timeline.js';
import { inWindow } from '../observe/timeline.js';

/**
 * What the StatefulSet controller could have known when it acted, derived from the recorded
 * timeline. The controller (pkg/controller/statefulset, Kubernetes v1.34) decides from its
 * informer cache, which lags the API server: a pod it sees Ready may already have flapped. So a
 * dependency counts as healthy at an action when the incarnation that existed then was neither
 * gone nor terminating, and had been Running and Ready (for minReadySeconds) at some moment after
 * its creation and before the action. Stricter would accuse a correct controller of informer
 * lag; weaker would let it act on a pod that was never healthy.
 */

export interface Health {
  readonly ok: boolean;
  /** "web-0 (uid 3f2a91c0) was Running, not Ready" */
  readonly state: string;
}

/** The pod events of the incarnation of `ordinal` that existed just before `rv`, or undefined if none did. */
function incarnationBefore(timeline: Timeline, ordinal: number, rv: number): PodEvent[] | undefined {
  let uid: string | undefined;
  for (const event of timeline.podEvents) {
    if (event.at.rv >= rv) break;
    if (event.ordinal === ordinal && event.transition === 'created') uid = event.uid;
  }
  if (!uid) return undefined;
  return timeline.podEvents.filter((event) => event.uid === uid && event.at.rv < rv);
}

/** StatefulSetStatus.availableReplicas' rule: Ready for minReadySeconds (pod util IsPodAvailable). */
function availableBy(ready: PodEvent, action: Moment, minReadySeconds: number): boolean {
  if (minReadySeconds <= 0) return true;
  const readySince = ready.at.serverTime ? Date.parse(ready.at.serverTime) : NaN;
  const actedAt = action.serverTime ? Date.parse(action.serverTime) : NaN;
  if (!Number.isFinite(readySince) || !Number.isFinite(actedAt)) return true;
  // Server timestamps have one-second resolution (truncated), and kubelet, API server and
  // controller clocks may differ slightly: one second of slack keeps a correct cluster safe.
  return readySince + (minReadySeconds - 1) * 1000 <= actedAt;
}

/**
 * Could the controller have seen the pod of `ordinal` Running, Ready and available (isRunningAndReady
 * and isRunningAndAvailable in stateful_set_utils.go) and not terminating (isTerminating) at `action`?
 */
export function couldSeeHealthy(timeline: Timeline, ordinal: number, action: Moment, minReadySeconds: number): Health {
  const name = `${timeline.statefulSet}-${ordinal}`;
  const events = incarnationBefore(timeline, ordinal, action.rv);
  if (!events || events.length === 0) return { ok: false, state: `${name} did not exist` };
  const label = `${name} (uid ${events[0]?.uid.slice(0, 8)})`;
  if (events.some((event) => event.transition === 'deleted')) return { ok: false, state: `${label} was gone` };
  if (events.some((event) => event.transition === 'deletionRequested')) {
    return { ok: false, state: `${label} was terminating` };
  }
  const running = events.some((event) => event.transition === 'running');
  const readies = events.filter((event) => event.transition === 'ready');
  if (!running || readies.length === 0) {
    const now = describeLatest(events);
    return { ok: false, state: `${label} had not yet been Running and Ready (${now})` };
  }
  if (!readies.some((ready) => availableBy(ready, action, minReadySeconds))) {
    return {
      ok: false,
      state: `${label} had been Ready since ${readies[readies.length - 1]?.at.serverTime ?? '?'}, less than minReadySeconds ${minReadySeconds}`,
    };
  }
  return { ok: true, state: `${label} was Running and Ready` };
}

function describeLatest(events: readonly PodEvent[]): string {
  const has = (transition: PodEvent['transition']) => events.some((event) => event.transition === transition);
  if (has('running')) return 'Running, not Ready';
  if (has('scheduled')) return 'scheduled, not Running';
  return 'Pending';
}

/** Does an incarnation of `ordinal` exist (created, not yet deleted) just before `rv`? */
export function existsBefore(timeline: Timeline, ordinal: number, rv: number): PodEvent[] | undefined {
  const events = incarnationBefore(timeline, ordinal, rv);
  return events && !events.some((event) => event.transition === 'deleted') ? events : undefined;
}

/** The StatefulSet as last written before `rv`: the spec the controller acted on (it cannot act on a later one). */
export function setBefore(timeline: Timeline, rv: number): SetStatus | undefined {
  let latest: SetStatus | undefined;
  for (const status of timeline.statuses) {
    if (status.at.rv >= rv) break;
    latest = status;
  }
  return latest;
}

/** The first creation of each ordinal in the window: first incarnations, for the order check. */
export function firstCreations(timeline: Timeline, window: Window): PodEvent[] {
  const seen = new Set<number>();
  const firsts: PodEvent[] = [];
  for (const event of timeline.podEvents) {
    if (event.transition !== 'created' || !inWindow(event.at, window) || seen.has(event.ordinal)) continue;
    seen.add(event.ordinal);
    firsts.push(event);
  }
  return firsts;
}
