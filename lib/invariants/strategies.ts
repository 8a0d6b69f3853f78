import { describeMoment, inWindow, type PodLife, type Timeline, type Window } from '../observe/timeline.js';
import { unobservedIn } from './coverage.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * When the controller deletes no pod, and which revision a pod it recreates gets. As the v1.34
 * controller implements it (stateful_set_control.go):
 *
 * - updateStatefulSet returns before its update loop "for the OnDelete strategy": template
 *   changes reach a pod only when someone else deletes it.
 * - Under OrderedReady, processReplica returns at the first replica that is not Running and
 *   Ready, so the update loop is not reached either while one is unhealthy: a pod made from a
 *   template that never becomes Ready stays, even after the template is reverted, until someone
 *   deletes it. This is the documented "forced rollback" (kubernetes/kubernetes#67250, open).
 * - newVersionedStatefulSetPod gives a recreated pod the current revision only with RollingUpdate
 *   below the partition; with OnDelete it gets the update revision.
 */

/** The pods that exist (created, not yet deleted) at the end of the window. */
export function livePodsAtEnd(timeline: Timeline, window: Window): PodLife[] {
  const endRv = window.untilRv ?? Number.MAX_SAFE_INTEGER;
  return timeline.pods.filter((life) => {
    const created = life.events.find((event) => event.transition === 'created');
    const deleted = life.events.find((event) => event.transition === 'deleted');
    return created !== undefined && created.at.rv <= endRv && (deleted === undefined || deleted.at.rv > endRv);
  });
}

/**
 * In the window no pod is asked to go but those the scenario deleted (by UID). `because` says
 * which contract promises it, for the report.
 */
export function onlyScenarioDeletes(
  timeline: Timeline,
  options: { window: Window; deletedByScenario: readonly string[]; because: string },
): Verdict {
  const findings = new Findings();
  const requests = timeline.podEvents.filter(
    (event) => event.transition === 'deletionRequested' && inWindow(event.at, options.window),
  );
  for (const request of requests) {
    if (options.deletedByScenario.includes(request.uid)) continue;
    findings.add(
      'deleted-by-controller',
      `${request.pod} (uid ${request.uid.slice(0, 8)}, revision ${request.revision ?? 'none'}) was asked to go at ${describeMoment(request.at, timeline)}, and the scenario did not delete it: expected no deletion but the scenario's (${options.because})`,
    );
  }
  const statuses = timeline.statuses.filter((status) => inWindow(status.at, options.window));
  if (statuses.length === 0 && requests.length === 0) {
    findings.add('no-observations', `StatefulSet ${timeline.statefulSet} was not written in the window`);
  }
  return findings.verdict(
    'only the scenario deletes pods',
    `${requests.length} deletion request(s) in the window, ${options.deletedByScenario.length} made by the scenario; ${options.because}`,
    unobservedIn(timeline, options.window),
  );
}

/** Every pod the scenario deleted in the window (by UID) came back in it at `revision`. */
export function recreatedAt(
  timeline: Timeline,
  options: { window: Window; deletedByScenario: readonly string[]; revision: string; because: string },
): Verdict {
  const findings = new Findings();
  for (const uid of options.deletedByScenario) {
    const request = timeline.podEvents.find(
      (event) => event.uid === uid && event.transition === 'deletionRequested' && inWindow(event.at, options.window),
    );
    if (!request) {
      findings.add('never-deleted', `the pod with uid ${uid.slice(0, 8)} was not deleted in the window`);
      continue;
    }
    const next = timeline.podEvents.find(
      (event) =>
        event.transition === 'created' &&
        event.ordinal === request.ordinal &&
        event.at.rv > request.at.rv &&
        inWindow(event.at, options.window),
    );
    if (!next) {
      findings.add('never-recreated', `${request.pod} was deleted and not recreated in the window`);
    } else if (next.revision !== options.revision) {
      findings.add(
        'recreated-at-wrong-revision',
        `${next.pod} (uid ${next.uid.slice(0, 8)}) came back at ${describeMoment(next.at, timeline)} at revision ${next.revision ?? 'none'}: expected ${options.revision} (${options.because})`,
      );
    }
  }
  return findings.verdict(
    'recreated at the expected revision',
    `${options.deletedByScenario.length} pod(s) deleted by the scenario, expected back at ${options.revision}`,
    unobservedIn(timeline, options.window),
  );
}

/**
 * A rollback reuses the earlier revision. getStatefulSetRevisions (stateful_set_control.go)
 * looks for an existing ControllerRevision equal to the template (history.FindEqualRevisions)
 * and, if it is not the latest, bumps its revision number (UpdateControllerRevision) instead of
 * creating one; so rolling back makes no ControllerRevision, updateRevision becomes the earlier
 * one, and once the rollout is over every pod runs it.
 *
 * `known` are the revisions that existed before the window; `finalRevision` the one the
 * template was reverted to. The window should end when the rollout completed.
 */
export function rollbackReusesRevision(
  timeline: Timeline,
  options: { window: Window; known: readonly string[]; finalRevision: string },
): Verdict {
  const findings = new Findings();
  for (const revision of timeline.revisions) {
    if (!inWindow(revision.created, options.window) || options.known.includes(revision.name)) continue;
    findings.add(
      'rollback-new-revision',
      `ControllerRevision ${revision.name} (revision ${revision.revision}) was created at ${describeMoment(revision.created, timeline)}: expected the templates of the window to reuse ${options.known.join(', ')}`,
    );
  }
  const statuses = timeline.statuses.filter(
    (status) => inWindow(status.at, options.window) && status.updateRevision !== undefined,
  );
  const last = statuses[statuses.length - 1];
  if (!last) {
    findings.add('no-observations', `StatefulSet ${timeline.statefulSet} wrote no status in the window`);
  } else if (last.updateRevision !== options.finalRevision) {
    findings.add(
      'rollback-new-revision',
      `status.updateRevision was ${last.updateRevision} at ${describeMoment(last.at, timeline)}: expected the earlier revision ${options.finalRevision}`,
    );
  }
  const live = livePodsAtEnd(timeline, options.window);
  for (const life of live) {
    if (life.revision !== options.finalRevision) {
      findings.add(
        'pod-at-stale-revision',
        `${life.pod} (uid ${life.uid.slice(0, 8)}) ran revision ${life.revision ?? 'none'} at the end: expected ${options.finalRevision}`,
      );
    }
  }
  if (live.length === 0) findings.add('no-observations', `no pod of ${timeline.statefulSet} existed at the end`);
  return findings.verdict(
    'rollback reuses the earlier revision',
    `${timeline.revisions.filter((revision) => inWindow(revision.created, options.window)).length} ControllerRevision(s) created in the window, ${live.length} pod(s) at its end, expected at ${options.finalRevision}`,
    unobservedIn(timeline, options.window, ['pods', 'statefulsets', 'controllerrevisions']),
  );
}

/**
 * A failed pod is replaced. processReplica (stateful_set_control.go) deletes a replica whose phase
 * is Failed or Succeeded ("evicted or otherwise forcibly stopped pods") whatever the pod
 * management policy, and creates the ordinal again on a later sync, with a new UID (upstream
 * e2e #13). So at the window's end no pod of the set sits in a terminal phase without having been
 * asked to go, and every ordinal whose pod failed has a later incarnation.
 */
export function failedPodsReplaced(timeline: Timeline, options: { window: Window }): Verdict {
  const findings = new Findings();
  const endRv = options.window.untilRv ?? Number.MAX_SAFE_INTEGER;
  const failed = timeline.pods.filter(
    (life) => life.terminalPhase !== undefined && inWindow(life.terminalPhase.at, options.window),
  );
  for (const life of failed) {
    const at = life.terminalPhase?.at as NonNullable<PodLife['terminalPhase']>['at'];
    const asked = life.events.some(
      (event) => (event.transition === 'deletionRequested' || event.transition === 'deleted') && event.at.rv <= endRv,
    );
    if (!asked) {
      findings.add(
        'failed-pod-kept',
        `${life.pod} (uid ${life.uid.slice(0, 8)}) turned ${life.terminalPhase?.phase} (${life.terminalPhase?.reason ?? 'no reason'}) at ${describeMoment(at, timeline)} and was not asked to go by the end: expected the controller to delete it`,
      );
      continue;
    }
    const next = timeline.podEvents.find(
      (event) =>
        event.transition === 'created' && event.ordinal === life.ordinal && event.at.rv > at.rv && event.at.rv <= endRv,
    );
    if (!next) findings.add('never-recreated', `${life.pod} failed and was not created again in the window`);
  }
  if (failed.length === 0) findings.add('no-observations', `no pod of ${timeline.statefulSet} failed in the window`);
  return findings.verdict(
    'failed pods are replaced',
    `${failed.length} pod(s) that reached a terminal phase (${[...new Set(failed.map((life) => life.terminalPhase?.reason ?? life.terminalPhase?.phase))].join(', ') || 'none'})`,
    unobservedIn(timeline, options.window),
  );
}
