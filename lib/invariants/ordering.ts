import { describeMoment, inWindow, type Timeline, type Window } from '../observe/timeline.js';
import { couldSeeHealthy, existsBefore, firstCreations, setBefore } from './controller-view.js';
import { unobservedIn } from './coverage.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * OrderedReady pod management, as the StatefulSet documentation states it: "For a StatefulSet
 * with N replicas, when Pods are being deployed, they are created sequentially, in order from
 * {0..N-1}", and "Before a scaling operation is applied to a Pod, all of its predecessors must
 * be Running and Ready"; "When Pods are being deleted, they are terminated in reverse order,
 * from {N-1..0}", and "Before a Pod is terminated, all of its successors must be completely shutdown."
 *
 * As the v1.34 controller implements it (stateful_set_control.go, updateStatefulSet with
 * monotonic = podManagementPolicy OrderedReady): processReplica walks ordinals start..end and
 * stops at the first pod that is missing (it creates it and returns), terminating, not Running
 * and Ready, or not available for minReadySeconds. So pod k is created only while every pod from
 * the start ordinal to k-1 exists, is healthy and is not terminating. Condemned pods (ordinals
 * beyond the replica range) are processed only after every replica passed that walk, highest
 * first (descendingOrdinal), one at a time: processCondemned blocks while the highest one is
 * terminating, and a condemned pod is never recreated ("we do not resurrect Pods in this interval").
 */

/**
 * Every ordinal in `ordinals` is created in the window; first incarnations appear in ascending
 * order; and every creation in the window, re-creations included, happens while each pod from
 * the start ordinal up to its predecessor could have been seen Running, Ready and available.
 * (Pods that flap after they were Ready are not judged here: the controller cannot prevent it.)
 */
export function orderedCreation(
  timeline: Timeline,
  options: {
    window: Window;
    ordinals: readonly number[];
    /** Judge with this minReadySeconds instead of the spec's (a negative control's wrong expectation). */
    minReadySeconds?: number;
  },
): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  const creations = timeline.podEvents.filter(
    (event) => event.transition === 'created' && inWindow(event.at, options.window),
  );
  for (const ordinal of options.ordinals) {
    if (!creations.some((event) => event.ordinal === ordinal)) {
      findings.add('never-created', `${set}-${ordinal} was never created in the window`);
    }
  }
  const firsts = firstCreations(timeline, options.window);
  for (const creation of firsts) {
    const lower = firsts.find((other) => other.ordinal < creation.ordinal && other.at.rv > creation.at.rv);
    if (lower) {
      findings.add(
        'created-out-of-order',
        `${creation.pod} was created at ${describeMoment(creation.at, timeline)}, before ${lower.pod} (${describeMoment(lower.at, timeline)}): expected ascending ordinal order`,
      );
    }
  }
  for (const creation of creations) {
    const spec = setBefore(timeline, creation.at.rv);
    const start = spec?.startOrdinal ?? 0;
    const minReadySeconds = options.minReadySeconds ?? spec?.minReadySeconds ?? 0;
    for (let predecessor = start; predecessor < creation.ordinal; predecessor++) {
      const health = couldSeeHealthy(timeline, predecessor, creation.at, minReadySeconds);
      if (!health.ok) {
        findings.add(
          'created-before-predecessors-ready',
          `${creation.pod} was created at ${describeMoment(creation.at, timeline)} while ${health.state}: expected ${creation.ordinal - 1 === start ? `${set}-${start}` : `every pod from ${set}-${start} to ${set}-${creation.ordinal - 1}`} Running, Ready${minReadySeconds > 0 ? `, available for ${minReadySeconds}s` : ''} and not terminating`,
        );
      }
    }
  }
  return findings.verdict(
    'ordered creation',
    `${creations.length} pod creation(s) in the window, ordinals ${options.ordinals.join(', ')} expected`,
    unobservedIn(timeline, options.window),
  );
}

/**
 * Scaling from `from` to `to` replicas asks ordinals from-1 down to `to` to go, each only once
 * every higher condemned pod is completely gone and while every pod that stays could be seen
 * healthy; no ordinal below `to` is asked to go and no condemned ordinal is created again.
 */
export function reverseTermination(timeline: Timeline, options: { window: Window; from: number; to: number }): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  const inside = timeline.podEvents.filter((event) => inWindow(event.at, options.window));
  const requests = inside.filter((event) => event.transition === 'deletionRequested');
  const deletions = inside.filter((event) => event.transition === 'deleted');
  const condemned = Array.from({ length: options.from - options.to }, (_, index) => options.from - 1 - index);

  for (const ordinal of condemned) {
    if (!requests.some((event) => event.ordinal === ordinal)) {
      findings.add('never-deleted', `deletion of ${set}-${ordinal} was never requested in the window`);
    }
    if (!deletions.some((event) => event.ordinal === ordinal)) {
      findings.add('never-deleted', `${set}-${ordinal} was never completely deleted in the window`);
    }
  }
  for (const request of requests) {
    const at = describeMoment(request.at, timeline);
    if (request.ordinal < options.to) {
      findings.add(
        'deleted-below-target',
        `deletion of ${request.pod} was requested at ${at}: expected ordinals below ${options.to} to stay`,
      );
      continue;
    }
    const lowerFirst = requests.find((other) => other.ordinal < request.ordinal && other.at.rv < request.at.rv);
    if (lowerFirst) {
      findings.add(
        'deleted-out-of-order',
        `deletion of ${request.pod} was requested at ${at}, after that of ${lowerFirst.pod} (${describeMoment(lowerFirst.at, timeline)}): expected descending ordinal order`,
      );
    }
    for (const successor of condemned.filter((ordinal) => ordinal > request.ordinal)) {
      const still = existsBefore(timeline, successor, request.at.rv);
      if (still) {
        const terminating = still.some((event) => event.transition === 'deletionRequested');
        findings.add(
          'deleted-before-successor-gone',
          `deletion of ${request.pod} was requested at ${at} while ${set}-${successor} (uid ${still[0]?.uid.slice(0, 8)}) still existed${terminating ? ', terminating' : ''}: expected it completely gone first`,
        );
      }
    }
    const spec = setBefore(timeline, request.at.rv);
    const start = spec?.startOrdinal ?? 0;
    for (let staying = start; staying < options.to; staying++) {
      const health = couldSeeHealthy(timeline, staying, request.at, spec?.minReadySeconds ?? 0);
      if (!health.ok) {
        findings.add(
          'deleted-while-unhealthy',
          `deletion of ${request.pod} was requested at ${at} while ${health.state}: expected every pod that stays Running, Ready and available`,
        );
      }
    }
  }
  const firstRequest = requests.find((request) => request.ordinal >= options.to);
  for (const creation of inside.filter((event) => event.transition === 'created' && event.ordinal >= options.to)) {
    if (firstRequest && creation.at.rv > firstRequest.at.rv) {
      findings.add(
        'condemned-resurrected',
        `${creation.pod} (uid ${creation.uid.slice(0, 8)}) was created at ${describeMoment(creation.at, timeline)} while the set was scaled down to ${options.to}: expected condemned ordinals not to come back`,
      );
    }
  }
  return findings.verdict(
    'reverse termination',
    `${requests.length} deletion request(s) and ${deletions.length} deletion(s) in the window, scaling ${options.from} -> ${options.to}`,
    unobservedIn(timeline, options.window),
  );
}
