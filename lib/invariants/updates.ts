import {
  describeMoment,
  describeState,
  inWindow,
  stateBefore,
  type Timeline,
  type Window,
} from '../observe/timeline.js';
import { verdict, type Verdict } from './verdict.js';

/**
 * RollingUpdate, as documented: "The StatefulSet controller will delete and recreate each Pod
 * in the StatefulSet. It will proceed in the same order as Pod termination (from the largest
 * ordinal to the smallest), updating each Pod one at a time. The Kubernetes control plane waits
 * until an updated Pod is Running and Ready prior to updating its predecessor." With a
 * partition, "all Pods with an ordinal that is greater than or equal to the partition will be
 * updated"; those below keep their revision, "even if they are deleted".
 */

/**
 * The ordinals in `ordinals` are replaced by pods at `updateRevision`, highest first; the old
 * pod at ordinal k is deleted only once ordinal k+1 runs the update revision and is Ready.
 */
export function rollingUpdateOrder(
  timeline: Timeline,
  options: { window: Window; ordinals: readonly number[]; updateRevision: string },
): Verdict {
  const set = timeline.statefulSet;
  const violations: string[] = [];
  const updating = [...options.ordinals].sort((a, b) => b - a);
  const highest = updating[0];

  // The update step of an ordinal: the deletion of the old pod that the pod at the update
  // revision replaced. Deleting a pod that comes back at the old revision (a person deleting a
  // pod below the partition, say) is not an update step and is not judged here.
  const updateDeletions = [];
  for (const ordinal of updating) {
    const replacement = timeline.podEvents.find(
      (event) =>
        event.transition === 'created' &&
        event.ordinal === ordinal &&
        event.revision === options.updateRevision &&
        inWindow(event.at, options.window),
    );
    if (!replacement) {
      violations.push(`${set}-${ordinal} was never recreated at revision ${options.updateRevision} in the window`);
      continue;
    }
    const replaced = timeline.podEvents
      .filter(
        (event) =>
          event.transition === 'deletionRequested' &&
          event.ordinal === ordinal &&
          event.at.rv < replacement.at.rv &&
          inWindow(event.at, options.window),
      )
      .pop();
    if (replaced) updateDeletions.push(replaced);
  }

  for (const deletion of updateDeletions) {
    const later = updateDeletions.find((other) => other.ordinal > deletion.ordinal && other.at.rv > deletion.at.rv);
    if (later) {
      violations.push(
        `${deletion.pod} was deleted for the update at ${describeMoment(deletion.at, timeline)}, before ${later.pod} (${describeMoment(later.at, timeline)}): expected highest ordinal first`,
      );
    }
    if (deletion.ordinal === highest) continue;
    const successor = stateBefore(timeline, deletion.at.rv).get(deletion.ordinal + 1);
    const ok =
      successor?.state.exists &&
      successor.state.running &&
      successor.state.ready &&
      !successor.state.terminating &&
      successor.pod.revision === options.updateRevision;
    if (!ok) {
      violations.push(
        `${deletion.pod} deleted for the update at ${describeMoment(deletion.at, timeline)} while ${describeState(successor, deletion.ordinal + 1, set)} at revision ${successor?.pod.revision ?? 'none'}: expected ${set}-${deletion.ordinal + 1} Running, Ready and at ${options.updateRevision}`,
      );
    }
  }
  return verdict(
    'rolling update order',
    `${updateDeletions.length} update step(s) in the window, ordinals ${updating.join(', ')} to update`,
    violations,
  );
}

/**
 * No pod with an ordinal below `partition` is created at `updateRevision` in the window, and
 * every ordinal below the partition still runs another revision at the end of it.
 */
export function partitionRespected(
  timeline: Timeline,
  options: { window: Window; partition: number; updateRevision: string },
): Verdict {
  const violations: string[] = [];
  const belowPartition = timeline.podEvents.filter(
    (event) =>
      event.transition === 'created' && event.ordinal < options.partition && inWindow(event.at, options.window),
  );
  for (const creation of belowPartition) {
    if (creation.revision === options.updateRevision) {
      violations.push(
        `${creation.pod} was created at ${describeMoment(creation.at, timeline)} with the update revision ${options.updateRevision}: expected ordinals below the partition ${options.partition} to keep their revision`,
      );
    }
  }
  const end = stateBefore(timeline, Number.MAX_SAFE_INTEGER);
  for (let ordinal = 0; ordinal < options.partition; ordinal++) {
    const last = end.get(ordinal);
    if (
      last?.state.exists &&
      last.pod.revision === options.updateRevision &&
      !belowPartition.some((creation) => creation.uid === last.pod.uid)
    ) {
      violations.push(
        `${last.pod.pod} ends at the update revision ${options.updateRevision}: expected ordinals below the partition ${options.partition} to keep their revision`,
      );
    }
  }
  return verdict(
    'partition respected',
    `${belowPartition.length} pod creation(s) below partition ${options.partition} in the window, ${options.partition} ordinal(s) below it at the end`,
    violations,
  );
}
