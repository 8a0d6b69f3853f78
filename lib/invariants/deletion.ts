import { describeMoment, inWindow, type Timeline, type Window } from '../observe/timeline.js';
import { existsBefore } from './controller-view.js';
import { unobservedIn } from './coverage.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * Deleting a StatefulSet, as the documentation states it (Limitations): "StatefulSets do not
 * provide any guarantees on the termination of pods when a StatefulSet is deleted. To achieve
 * ordered and graceful termination of the pods in the StatefulSet, it is possible to scale the
 * StatefulSet down to 0 prior to deletion."
 *
 * The StatefulSet controller plays no part: once the set is gone, the garbage collector
 * (pkg/controller/garbagecollector, attemptToDeleteItem) finds every dependent whose owners are
 * all absent and deletes it, from as many workers as it runs (ConcurrentGCSyncs), without waiting
 * for one pod to go before the next. So the contract a cluster owes is only that every pod the
 * set owned goes (cascading deletion, the default of `kubectl delete`) and that none is made
 * again; the order is recorded (`terminationOrder`), never judged. Claims are not dependents of
 * the set under the default retention policy (whenDeleted: Retain) and stay.
 */
export function deletedWithSet(timeline: Timeline, options: { window: Window; ordinals: readonly number[] }): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  const inside = timeline.podEvents.filter((event) => inWindow(event.at, options.window));
  const endRv = options.window.untilRv ?? Number.MAX_SAFE_INTEGER;
  for (const ordinal of options.ordinals) {
    const left = existsBefore(timeline, ordinal, endRv + 1);
    if (left) {
      const terminating = left.some((event) => event.transition === 'deletionRequested');
      findings.add(
        'pod-survived-set-deletion',
        `${set}-${ordinal} (uid ${left[0]?.uid.slice(0, 8)}) still existed${terminating ? ', terminating,' : ''} at the end of the window: expected every pod of the deleted StatefulSet gone`,
      );
    } else if (!inside.some((event) => event.ordinal === ordinal && event.transition === 'deleted')) {
      findings.add('never-deleted', `${set}-${ordinal} was not seen deleted in the window`);
    }
  }
  const firstRequest = inside.find((event) => event.transition === 'deletionRequested');
  for (const creation of inside.filter((event) => event.transition === 'created')) {
    if (firstRequest && creation.at.rv > firstRequest.at.rv) {
      findings.add(
        'pod-created-after-set-deletion',
        `${creation.pod} (uid ${creation.uid.slice(0, 8)}) was created at ${describeMoment(creation.at, timeline)}, after ${firstRequest.pod} was asked to go with the set (${describeMoment(firstRequest.at, timeline)}): expected no pod made again`,
      );
    }
  }
  return findings.verdict(
    'deleted with the set',
    `${inside.filter((event) => event.transition === 'deletionRequested').length} deletion request(s), pods ${options.ordinals.map((ordinal) => `${set}-${ordinal}`).join(', ')} expected to go`,
    unobservedIn(timeline, options.window),
  );
}

/** One deletion request of a pod while its set was being deleted, in the order the API server wrote them. */
export interface TerminationStep {
  readonly pod: string;
  readonly ordinal: number;
  readonly rv: number;
  /** Pods of the set with a higher ordinal that still existed when this one was asked to go. */
  readonly higherStillThere: readonly string[];
}

/** The order in which the pods were asked to go in the window, with the higher ordinals still there each time. */
export function terminationOrder(timeline: Timeline, window: Window): TerminationStep[] {
  const set = timeline.statefulSet;
  const requests = timeline.podEvents.filter(
    (event) => inWindow(event.at, window) && event.transition === 'deletionRequested',
  );
  const ordinals = [...new Set(timeline.pods.map((life) => life.ordinal))].sort((a, b) => a - b);
  return requests.map((request) => ({
    pod: request.pod,
    ordinal: request.ordinal,
    rv: request.at.rv,
    higherStillThere: ordinals
      .filter((ordinal) => ordinal > request.ordinal && existsBefore(timeline, ordinal, request.at.rv))
      .map((ordinal) => `${set}-${ordinal}`),
  }));
}

/** "web-0, web-2, web-1 (2 of 3 asked to go while a higher ordinal still existed)" */
export function describeTerminationOrder(steps: readonly TerminationStep[]): string {
  if (steps.length === 0) return 'no pod was asked to go';
  const early = steps.filter((step) => step.higherStillThere.length > 0).length;
  return `${steps.map((step) => step.pod).join(', ')} (${early} of ${steps.length} asked to go while a higher ordinal still existed)`;
}

/** True when the pods went from the highest ordinal down, each once every higher one was gone: the ordered shutdown. */
export function isOrderedShutdown(steps: readonly TerminationStep[]): boolean {
  return steps.every(
    (step, index) =>
      step.higherStillThere.length === 0 && (index === 0 || (steps[index - 1]?.ordinal ?? 0) > step.ordinal),
  );
}
