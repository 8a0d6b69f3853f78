import {
  describeMoment,
  describeState,
  inWindow,
  stateBefore,
  type PodEvent,
  type Timeline,
  type Window,
} from '../observe/timeline.js';
import { verdict, type Verdict } from './verdict.js';

/**
 * OrderedReady pod management, as the StatefulSet documentation states it: "For a StatefulSet
 * with N replicas, when Pods are being deployed, they are created sequentially, in order from
 * {0..N-1}", and "Before a scaling operation is applied to a Pod, all of its predecessors must
 * be Running and Ready"; "When Pods are being deleted, they are terminated in reverse order,
 * from {N-1..0}", and "Before a Pod is terminated, all of its successors must be completely shutdown."
 */

/**
 * Every ordinal in `ordinals` is created in the window, in ascending order; pod k is created
 * only while pod k-1 is Running and Ready; and at no moment are two pods of the set not Ready.
 */
export function orderedCreation(timeline: Timeline, options: { window: Window; ordinals: readonly number[] }): Verdict {
  const set = timeline.statefulSet;
  const violations: string[] = [];
  const creations = timeline.podEvents.filter(
    (event) => event.transition === 'created' && inWindow(event.at, options.window),
  );

  for (const ordinal of options.ordinals) {
    if (!creations.some((event) => event.ordinal === ordinal))
      violations.push(`${set}-${ordinal} was never created in the window`);
  }
  for (const creation of creations) {
    const earlier = creations.find((other) => other.ordinal > creation.ordinal && other.at.rv < creation.at.rv);
    if (earlier) {
      violations.push(
        `${creation.pod} created at ${describeMoment(creation.at, timeline)} after ${earlier.pod} (${describeMoment(earlier.at, timeline)}): expected ascending ordinal order`,
      );
    }
    if (creation.ordinal === 0) continue;
    const predecessor = stateBefore(timeline, creation.at.rv).get(creation.ordinal - 1);
    const ok =
      predecessor?.state.exists &&
      predecessor.state.running &&
      predecessor.state.ready &&
      !predecessor.state.terminating;
    if (!ok) {
      violations.push(
        `${creation.pod} created at ${describeMoment(creation.at, timeline)} while ${describeState(predecessor, creation.ordinal - 1, set)}: expected ${set}-${creation.ordinal - 1} Running and Ready`,
      );
    }
  }
  violations.push(...atMostOneNotReady(timeline, options.window));
  return verdict(
    'ordered creation',
    `${creations.length} pod creation(s) in the window, ordinals ${options.ordinals.join(', ')} expected`,
    violations,
  );
}

/** Walks the window and reports each stretch where two or more existing pods were not Ready. */
function atMostOneNotReady(timeline: Timeline, window: Window): string[] {
  const violations: string[] = [];
  const notReady = new Map<number, PodEvent>();
  let reported = false;
  for (const event of timeline.podEvents) {
    if (!inWindow(event.at, window)) {
      // Track state before the window too, so the window starts from the truth.
      if (event.at.rv <= window.afterRv) track(notReady, event);
      continue;
    }
    track(notReady, event);
    if (notReady.size > 1 && !reported) {
      const pods = [...notReady.values()].map((e) => e.pod).sort();
      violations.push(
        `at ${describeMoment(event.at, timeline)} ${pods.length} pods were not Ready at once (${pods.join(', ')}): expected at most one`,
      );
      reported = true;
    } else if (notReady.size <= 1) {
      reported = false;
    }
  }
  return violations;
}

function track(notReady: Map<number, PodEvent>, event: PodEvent) {
  switch (event.transition) {
    case 'created':
    case 'notReady':
      notReady.set(event.ordinal, event);
      break;
    case 'ready':
    case 'deleted':
    case 'deletionRequested':
      // A terminating pod is on its way out; scale-down rules judge it, not this one.
      notReady.delete(event.ordinal);
      break;
    default:
      break;
  }
}

/**
 * Scaling from `from` to `to` replicas deletes ordinals from-1 down to `to`, one at a time:
 * deletion of pod k is requested only after pod k+1 is gone, so no two pods terminate at once;
 * ordinals below `to` are not touched.
 */
export function reverseTermination(timeline: Timeline, options: { window: Window; from: number; to: number }): Verdict {
  const set = timeline.statefulSet;
  const violations: string[] = [];
  const requests = timeline.podEvents.filter(
    (event) => event.transition === 'deletionRequested' && inWindow(event.at, options.window),
  );
  const deletions = timeline.podEvents.filter(
    (event) => event.transition === 'deleted' && inWindow(event.at, options.window),
  );
  const expected = Array.from({ length: options.from - options.to }, (_, index) => options.from - 1 - index);

  for (const ordinal of expected) {
    if (!requests.some((event) => event.ordinal === ordinal))
      violations.push(`deletion of ${set}-${ordinal} was never requested in the window`);
    if (!deletions.some((event) => event.ordinal === ordinal))
      violations.push(`${set}-${ordinal} was never fully deleted in the window`);
  }
  for (const request of requests) {
    if (request.ordinal < options.to) {
      violations.push(
        `deletion of ${request.pod} requested at ${describeMoment(request.at, timeline)}: expected ordinals below ${options.to} to stay`,
      );
      continue;
    }
    const higherStillThere = requests.find((other) => other.ordinal < request.ordinal && other.at.rv < request.at.rv);
    if (higherStillThere) {
      violations.push(
        `deletion of ${request.pod} requested at ${describeMoment(request.at, timeline)}, after that of ${higherStillThere.pod}: expected descending ordinal order`,
      );
    }
    if (request.ordinal + 1 < options.from) {
      const successorGone = deletions.find(
        (deleted) => deleted.ordinal === request.ordinal + 1 && deleted.at.rv < request.at.rv,
      );
      if (!successorGone) {
        const successor = stateBefore(timeline, request.at.rv).get(request.ordinal + 1);
        violations.push(
          `deletion of ${request.pod} requested at ${describeMoment(request.at, timeline)} while ${describeState(successor, request.ordinal + 1, set)}: expected ${set}-${request.ordinal + 1} completely gone first`,
        );
      }
    }
  }
  // No overlap: between a deletion request and the pod's disappearance, no other request.
  for (const request of requests) {
    const gone = deletions.find((deleted) => deleted.uid === request.uid);
    const overlapping = requests.find(
      (other) => other.uid !== request.uid && other.at.rv > request.at.rv && (!gone || other.at.rv < gone.at.rv),
    );
    if (overlapping) {
      violations.push(
        `${request.pod} and ${overlapping.pod} were terminating at the same time (from ${describeMoment(overlapping.at, timeline)}): expected one at a time`,
      );
    }
  }
  return verdict(
    'reverse termination',
    `${requests.length} deletion request(s) and ${deletions.length} deletion(s) in the window, scaling ${options.from} -> ${options.to}`,
    [...new Set(violations)],
  );
}
