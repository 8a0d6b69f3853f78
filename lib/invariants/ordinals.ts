import { describeMoment, inWindow, type PodLife, type Timeline, type Window } from '../observe/timeline.js';
import { unobservedIn } from './coverage.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * spec.ordinals.start, as documented: "the StatefulSet will assign ordinals from .spec.ordinals.start
 * up through .spec.ordinals.start + .spec.replicas - 1", and the claims follow the ordinals.
 *
 * As the v1.34 controller implements it (stateful_set_control.go updateStatefulSet, with
 * getStartOrdinal and getEndOrdinal in stateful_set_utils.go): pods in [start, end] are replicas,
 * any other ordinal is condemned and deleted; a replica's claim is named after its ordinal
 * (getPersistentVolumeClaimName) and only created when missing (createPersistentVolumeClaims), so
 * an ordinal that comes back finds the claim it had, unless something deleted it.
 */

function aliveNotTerminating(life: PodLife, rv: number): boolean {
  const created = life.events.find((event) => event.transition === 'created');
  const goes = life.events.find((event) => event.transition === 'deletionRequested' || event.transition === 'deleted');
  return created !== undefined && created.at.rv <= rv && (goes === undefined || goes.at.rv > rv);
}

/**
 * At each checkpoint the set's pods that are not terminating are exactly the ordinals of the
 * range the spec named; every pod created in the window mounts the claim its ordinal first had.
 */
export function podsFollowOrdinals(
  timeline: Timeline,
  options: {
    window: Window;
    ranges: ReadonlyArray<{ readonly atRv: number; readonly start: number; readonly replicas: number }>;
  },
): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  for (const range of options.ranges) {
    const expected = Array.from({ length: range.replicas }, (_, index) => range.start + index);
    const present = timeline.pods.filter((life) => aliveNotTerminating(life, range.atRv));
    for (const life of present) {
      if (!expected.includes(life.ordinal)) {
        findings.add(
          'pod-outside-ordinal-range',
          `${life.pod} (uid ${life.uid.slice(0, 8)}) existed at rv ${range.atRv}: expected only ${set}-${range.start}..${set}-${range.start + range.replicas - 1} (ordinals.start ${range.start}, replicas ${range.replicas})`,
        );
      }
    }
    for (const ordinal of expected) {
      if (!present.some((life) => life.ordinal === ordinal))
        findings.add('never-created', `${set}-${ordinal} did not exist at rv ${range.atRv}`);
    }
  }
  let mounts = 0;
  for (const life of timeline.pods) {
    const created = life.events.find((event) => event.transition === 'created');
    if (!created || !inWindow(created.at, options.window)) continue;
    for (const name of life.claims) {
      // The controller makes a missing claim before the pod (CreateStatefulPod): the pod mounts
      // the newest claim of that name made before it.
      const first = timeline.claims.find((claim) => claim.name === name);
      const mounted = timeline.claims.filter((claim) => claim.name === name && claim.created.rv < created.at.rv).pop();
      mounts++;
      if (first && mounted && mounted.uid !== first.uid) {
        findings.add(
          'claim-changed',
          `${life.pod} (uid ${life.uid.slice(0, 8)}), created at ${describeMoment(created.at, timeline)}, mounts ${name} uid ${mounted.uid.slice(0, 8)}: expected the claim its ordinal first had (uid ${first.uid.slice(0, 8)})`,
        );
      }
    }
  }
  return findings.verdict(
    'pods follow the ordinals',
    `${options.ranges.length} checkpoint(s) (${options.ranges.map((range) => `start ${range.start} x ${range.replicas}`).join(', ')}), ${mounts} claim mount(s) of pods created in the window`,
    unobservedIn(timeline, options.window, ['pods', 'statefulsets', 'persistentvolumeclaims']),
  );
}
