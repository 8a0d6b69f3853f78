import { inWindow, type Timeline, type Window } from '../observe/timeline.js';
import { unobservedIn } from './coverage.js';
import { Findings, type Verdict } from './verdict.js';

/** Label values are at most 63 characters (apimachinery validation IsValidLabelValue). */
export const LABEL_VALUE_MAX = 63;

/**
 * A StatefulSet whose name is too long for its pods' revision label (kubernetes/kubernetes#64023,
 * open; R5). The v1.34 controller names a ControllerRevision `<set name>-<hash>`
 * (history.ControllerRevisionName; the hash is controller.ComputeHash, the decimal FNV-32 of the
 * template, up to 10 characters) and puts that name into each pod's controller-revision-hash label
 * (setPodRevision); a pod whose label value is longer than 63 characters is invalid, so
 * CreateStatefulPod fails and the controller records a FailedCreate event instead of a pod. A set
 * of 52 characters or fewer always fits; longer ones fail as soon as the hash is long enough.
 *
 * The judge reads the update revision the controller reported: if it is longer than 63, no pod
 * may exist and a FailedCreate event must say why; if not, the pods must be created.
 * `assumeTooLong` judges as if it were (the negative control's wrong expectation).
 */
export function revisionLabelLimit(timeline: Timeline, options: { window: Window; assumeTooLong?: boolean }): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  const revision = [...timeline.statuses].reverse().find((status) => status.updateRevision)?.updateRevision;
  const creations = timeline.podEvents.filter(
    (event) => event.transition === 'created' && inWindow(event.at, options.window),
  );
  if (!revision) {
    findings.add('no-observations', `StatefulSet ${set} reported no update revision`);
  } else if (options.assumeTooLong || revision.length > LABEL_VALUE_MAX) {
    for (const creation of creations) {
      findings.add(
        'long-name-pod-created',
        `${creation.pod} was created though its revision label ${revision} has ${revision.length} characters: expected no pod while the label is over ${LABEL_VALUE_MAX} (fixed upstream?)`,
      );
    }
    const failed = timeline.events.some(
      (event) =>
        event.reason === 'FailedCreate' &&
        event.object === `StatefulSet/${set}` &&
        /63 characters/.test(event.message ?? ''),
    );
    if (!failed && creations.length === 0)
      findings.add('no-observations', `StatefulSet ${set} recorded no FailedCreate event about the 63-character limit`);
  } else if (creations.length === 0) {
    findings.add('never-created', `no pod of ${set} was created though its revision label ${revision} fits`);
  }
  return findings.verdict(
    'the revision label limit',
    `StatefulSet name ${set.length} characters, revision label ${revision ?? 'unknown'} (${revision?.length ?? 0} characters), ${creations.length} pod creation(s)`,
    unobservedIn(timeline, options.window, ['pods', 'statefulsets', 'events']),
  );
}

export interface UpdateAttempt {
  /** The field changed, e.g. "spec.serviceName". */
  readonly field: string;
  /** Whether validation allows updating it (ValidateStatefulSetUpdate). */
  readonly allowed: boolean;
  readonly accepted: boolean;
  readonly code?: number;
  readonly message?: string;
}

/**
 * Only some fields of a StatefulSet's spec can change. The v1.34 API server's
 * ValidateStatefulSetUpdate (pkg/apis/apps/validation) copies 'replicas', 'ordinals', 'template',
 * 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and
 * 'minReadySeconds' from the old object and rejects any other difference with 422 Invalid,
 * "Forbidden: updates to statefulset spec for fields other than ... are forbidden" (R10). The
 * list in that message changes between versions; the scenario reports it.
 */
export function forbiddenUpdatesRejected(attempts: readonly UpdateAttempt[]): Verdict {
  const findings = new Findings();
  for (const attempt of attempts) {
    if (attempt.allowed) {
      if (!attempt.accepted)
        findings.add(
          'allowed-update-rejected',
          `${attempt.field}: rejected with ${attempt.code} (${attempt.message}): expected it accepted`,
        );
    } else if (attempt.accepted) {
      findings.add('forbidden-update-accepted', `${attempt.field}: the update was accepted: expected 422 Forbidden`);
    } else if (
      attempt.code !== 422 ||
      !/updates to statefulset spec for fields other than/.test(attempt.message ?? '')
    ) {
      findings.add(
        'forbidden-update-accepted',
        `${attempt.field}: rejected with ${attempt.code} (${attempt.message}), not with the validation's 422 "updates to statefulset spec for fields other than ..."`,
      );
    }
  }
  if (attempts.length === 0) findings.add('no-observations', 'no update was attempted');
  return findings.verdict(
    'forbidden spec updates are rejected',
    `${attempts.length} update(s): ${attempts.map((attempt) => `${attempt.field} ${attempt.accepted ? 'accepted' : `rejected (${attempt.code})`}`).join(', ')}`,
  );
}

/** The fields the rejection message names as updatable, in its order. */
export function updatableFields(message: string): string[] {
  const list = /fields other than (.*) are forbidden/.exec(message)?.[1] ?? '';
  return [...list.matchAll(/'([^']+)'/g)].map((match) => match[1] as string);
}
