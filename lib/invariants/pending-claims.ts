import { describeMoment, inWindow, type Timeline, type Window } from '../observe/timeline.js';
import { unobservedIn } from './coverage.js';
import { livePodsAtEnd } from './strategies.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * A pod's claims exist when it needs them, as the v1.34 controller implements it:
 *
 * - processReplica (stateful_set_control.go): "If the Pod is in pending state then trigger PVC
 *   creation to create missing PVCs" (createMissingPersistentVolumeClaims), so a claim deleted
 *   while its pod waits to be scheduled is made again (upstream e2e #28).
 * - createPersistentVolumeClaims (stateful_pod_control.go) fails with "pvc ... is being deleted"
 *   for a claim that is terminating, and CreateStatefulPod then creates no pod: a pod is never
 *   created on a claim that is about to disappear (the fix of kubernetes/kubernetes#74374, R2).
 */

/**
 * In the window, no pod of the set is created while a claim it mounts is terminating; and at the
 * window's end no pod that has not started lacks a claim it mounts.
 */
export function podClaimsPresent(timeline: Timeline, options: { window: Window }): Verdict {
  const findings = new Findings();
  const endRv = options.window.untilRv ?? Number.MAX_SAFE_INTEGER;
  const creations = timeline.pods
    .map((life) => ({ life, created: life.events.find((event) => event.transition === 'created') }))
    .filter(({ created }) => created !== undefined && inWindow(created.at, options.window));
  for (const { life, created } of creations) {
    for (const name of life.claims) {
      const terminating = timeline.claims.find(
        (claim) =>
          claim.name === name &&
          claim.deletionRequested !== undefined &&
          claim.deletionRequested.rv < (created?.at.rv ?? 0) &&
          (claim.deleted === undefined || claim.deleted.rv > (created?.at.rv ?? 0)),
      );
      if (terminating && created) {
        findings.add(
          'pod-created-on-terminating-claim',
          `${life.pod} (uid ${life.uid.slice(0, 8)}) was created at ${describeMoment(created.at, timeline)} while its claim ${name} (uid ${terminating.uid.slice(0, 8)}) was terminating (asked to go at ${describeMoment(terminating.deletionRequested as NonNullable<typeof terminating.deletionRequested>, timeline)}): expected the pod only once that claim was gone`,
        );
      }
    }
  }
  const live = livePodsAtEnd(timeline, options.window);
  for (const life of live) {
    const started = life.events.some((event) => event.transition === 'running' && event.at.rv <= endRv);
    if (started) continue;
    for (const name of life.claims) {
      const exists = timeline.claims.some(
        (claim) =>
          claim.name === name && claim.created.rv <= endRv && (claim.deleted === undefined || claim.deleted.rv > endRv),
      );
      if (!exists) {
        findings.add(
          'pending-pod-without-claim',
          `${life.pod} (uid ${life.uid.slice(0, 8)}) had not started at the end of the window and its claim ${name} did not exist: expected the claim of a pending pod to be made again`,
        );
      }
    }
  }
  if (creations.length === 0 && live.length === 0)
    findings.add('no-observations', `no pod of ${timeline.statefulSet} in the window`);
  return findings.verdict(
    'the claims of pending pods exist',
    `${creations.length} pod creation(s) in the window, ${live.length} pod(s) at its end`,
    unobservedIn(timeline, options.window, ['pods', 'persistentvolumeclaims']),
  );
}
