import { describeMoment, inWindow, type PodEvent, type Timeline, type Window } from '../observe/timeline.js';
import { couldSeeHealthy, existsBefore, setBefore } from './controller-view.js';
import { unobservedIn } from './coverage.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * RollingUpdate, as documented: "The StatefulSet controller will delete and recreate each Pod
 * in the StatefulSet. It will proceed in the same order as Pod termination (from the largest
 * ordinal to the smallest), updating each Pod one at a time. The Kubernetes control plane waits
 * until an updated Pod is Running and Ready prior to updating its predecessor." With a
 * partition, "all Pods with an ordinal that is greater than or equal to the partition will be
 * updated"; those below keep their revision, "even if they are deleted".
 *
 * As the v1.34 controller implements it (stateful_set_control.go, updateStatefulSet): updates
 * are considered only after the replica walk and the condemned walk finished. With OrderedReady
 * (monotonic) that means every replica exists, is Running, Ready, available and not terminating,
 * and no condemned pod is left. Then it walks targets from the highest ordinal down to the
 * partition: it deletes the first one not at the update revision, or stops at the first one that
 * is unavailable. So deleting pod k for the update requires every ordinal above k (within the
 * replicas) to be at the update revision and available, for OrderedReady and Parallel alike.
 * With the MaxUnavailableStatefulSet feature gate (alpha, off by default in v1.34),
 * updateStatefulSetAfterInvariantEstablished allows up to maxUnavailable unavailable replicas
 * instead, still highest first; `maxUnavailableGate` selects that rule.
 */

export interface UpdateContract {
  /** The cluster runs the MaxUnavailableStatefulSet gate (kube-controller-manager). */
  readonly maxUnavailableGate?: boolean;
  /** Judge with this maxUnavailable instead of the spec's (a negative control's wrong expectation). */
  readonly maxUnavailable?: number | string;
}

/**
 * The update steps of the window: each deletion of a pod that was not at `updateRevision` and
 * whose ordinal's next incarnation is at `updateRevision`. Deleting a pod that comes back at the
 * old revision (a person deleting a pod below the partition) is not an update step.
 */
function updateSteps(timeline: Timeline, window: Window, updateRevision: string): PodEvent[] {
  const steps: PodEvent[] = [];
  for (const request of timeline.podEvents) {
    if (request.transition !== 'deletionRequested' || !inWindow(request.at, window)) continue;
    if (request.revision === updateRevision) continue;
    const next = timeline.podEvents.find(
      (event) => event.transition === 'created' && event.ordinal === request.ordinal && event.at.rv > request.at.rv,
    );
    if (next?.revision === updateRevision) steps.push(request);
  }
  return steps;
}

/**
 * The ordinals in `ordinals` are recreated at `updateRevision` in the window, highest first, and
 * each update step happens while every higher ordinal could be seen at the update revision and
 * available (and, with OrderedReady, every lower one healthy and no condemned pod left).
 */
export function rollingUpdateOrder(
  timeline: Timeline,
  options: { window: Window; ordinals: readonly number[]; updateRevision: string; contract?: UpdateContract },
): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  const { updateRevision } = options;
  for (const ordinal of options.ordinals) {
    const replaced = timeline.podEvents.some(
      (event) =>
        event.transition === 'created' &&
        event.ordinal === ordinal &&
        event.revision === updateRevision &&
        inWindow(event.at, options.window),
    );
    if (!replaced)
      findings.add('never-updated', `${set}-${ordinal} was never recreated at ${updateRevision} in the window`);
  }

  const steps = updateSteps(timeline, options.window, updateRevision);
  const firstStepOf = new Map<number, PodEvent>();
  for (const step of steps) if (!firstStepOf.has(step.ordinal)) firstStepOf.set(step.ordinal, step);
  for (const step of firstStepOf.values()) {
    const lowerFirst = [...firstStepOf.values()].find(
      (other) => other.ordinal < step.ordinal && other.at.rv < step.at.rv,
    );
    if (lowerFirst) {
      findings.add(
        'updated-out-of-order',
        `${step.pod} was deleted for the update at ${describeMoment(step.at, timeline)}, after ${lowerFirst.pod} (${describeMoment(lowerFirst.at, timeline)}): expected highest ordinal first`,
      );
    }
  }

  for (const step of steps) {
    const spec = setBefore(timeline, step.at.rv);
    const start = spec?.startOrdinal ?? 0;
    const end = start + (spec?.specReplicas ?? 0) - 1;
    const minReadySeconds = spec?.minReadySeconds ?? 0;
    const at = describeMoment(step.at, timeline);
    if (options.contract?.maxUnavailableGate) {
      judgeMaxUnavailableStep(timeline, step, {
        start,
        end,
        minReadySeconds,
        updateRevision,
        findings,
        spec,
        maxUnavailable: options.contract.maxUnavailable ?? spec?.maxUnavailable,
      });
      continue;
    }
    for (let higher = step.ordinal + 1; higher <= end; higher++) {
      const health = couldSeeHealthy(timeline, higher, step.at, minReadySeconds);
      const revision = existsBefore(timeline, higher, step.at.rv)?.[0]?.revision;
      if (!health.ok || revision !== updateRevision) {
        findings.add(
          'updated-before-higher-available',
          `${step.pod} was deleted for the update at ${at} while ${health.ok ? `${set}-${higher} was at revision ${revision ?? 'none'}` : health.state}: expected ${set}-${higher} at ${updateRevision}, Running, Ready and available`,
        );
      }
    }
    if (spec?.podManagementPolicy === 'Parallel') continue;
    for (let lower = start; lower < step.ordinal; lower++) {
      const health = couldSeeHealthy(timeline, lower, step.at, minReadySeconds);
      if (!health.ok) {
        findings.add(
          'updated-while-unhealthy',
          `${step.pod} was deleted for the update at ${at} while ${health.state}: with OrderedReady every replica must be Running, Ready and available first`,
        );
      }
    }
    const condemned = timeline.pods.find(
      (life) => life.ordinal > end && existsBefore(timeline, life.ordinal, step.at.rv)?.[0]?.uid === life.uid,
    );
    if (condemned) {
      findings.add(
        'updated-while-unhealthy',
        `${step.pod} was deleted for the update at ${at} while the condemned ${condemned.pod} still existed: scaling takes precedence over updates`,
      );
    }
  }
  return findings.verdict(
    'rolling update order',
    `${steps.length} update step(s) in the window, ordinals ${[...options.ordinals].sort((a, b) => b - a).join(', ')} to update`,
    unobservedIn(timeline, options.window),
  );
}

/** updateStatefulSetAfterInvariantEstablished: fewer than maxUnavailable replicas unavailable before the deletion. */
function judgeMaxUnavailableStep(
  timeline: Timeline,
  step: PodEvent,
  context: {
    start: number;
    end: number;
    minReadySeconds: number;
    updateRevision: string;
    findings: Findings;
    spec: ReturnType<typeof setBefore>;
    maxUnavailable: number | string | undefined;
  },
): void {
  const replicas = context.end - context.start + 1;
  const maxUnavailable = resolveMaxUnavailable(context.maxUnavailable, replicas);
  const unavailable: string[] = [];
  for (let ordinal = context.start; ordinal <= context.end; ordinal++) {
    if (ordinal === step.ordinal) continue;
    const health = couldSeeHealthy(timeline, ordinal, step.at, context.minReadySeconds);
    if (!health.ok) unavailable.push(health.state);
  }
  if (unavailable.length >= maxUnavailable) {
    context.findings.add(
      'updated-before-higher-available',
      `${step.pod} was deleted for the update at ${describeMoment(step.at, timeline)} while ${unavailable.length} other replica(s) were unavailable (${unavailable.join('; ')}): expected fewer than maxUnavailable ${maxUnavailable}`,
    );
  }
}

/** intstr maxUnavailable: a number, or a percentage of replicas rounded down, at least 1 (getStatefulSetMaxUnavailable). */
export function resolveMaxUnavailable(value: number | string | undefined, replicas: number): number {
  if (value === undefined) return 1;
  const resolved = typeof value === 'number' ? value : Math.floor((Number.parseInt(value, 10) / 100) * replicas);
  return Math.max(1, Number.isFinite(resolved) ? resolved : 1);
}

/**
 * No pod below `partition` is created at `updateRevision` in the window or ends there; every
 * ordinal below the partition has a known pod at the window's end; and one deleted in the window
 * is recreated in it at the current revision (newVersionedStatefulSetPod: ordinals below the
 * partition get currentRevision).
 */
export function partitionRespected(
  timeline: Timeline,
  options: { window: Window; partition: number; updateRevision: string },
): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  const { partition, updateRevision } = options;
  const endRv = options.window.untilRv === undefined ? Number.MAX_SAFE_INTEGER : options.window.untilRv + 1;
  const inside = timeline.podEvents.filter((event) => event.ordinal < partition && inWindow(event.at, options.window));
  for (const creation of inside.filter((event) => event.transition === 'created')) {
    if (creation.revision === updateRevision) {
      findings.add(
        'below-partition-updated',
        `${creation.pod} was created at ${describeMoment(creation.at, timeline)} at the update revision ${updateRevision}: expected ordinals below the partition ${partition} to keep the current revision`,
      );
    }
  }
  for (const request of inside.filter((event) => event.transition === 'deletionRequested')) {
    const recreated = timeline.podEvents.find(
      (event) =>
        event.transition === 'created' &&
        event.ordinal === request.ordinal &&
        event.at.rv > request.at.rv &&
        event.at.rv < endRv,
    );
    if (!recreated) {
      findings.add(
        'never-recreated',
        `${request.pod} was deleted at ${describeMoment(request.at, timeline)} and not recreated in the window: expected it back at the current revision`,
      );
    }
  }
  for (let ordinal = 0; ordinal < partition; ordinal++) {
    const last = existsBefore(timeline, ordinal, endRv);
    if (!last) {
      findings.add('no-observations', `${set}-${ordinal} has no known pod at the end of the window`);
    } else if (last[0]?.revision === updateRevision && !inside.some((event) => event.uid === last[0]?.uid)) {
      findings.add(
        'below-partition-updated',
        `${last[0]?.pod} (uid ${last[0]?.uid.slice(0, 8)}) ends the window at the update revision ${updateRevision}: expected ordinals below the partition ${partition} to keep the current revision`,
      );
    }
  }
  return findings.verdict(
    'partition respected',
    `${inside.filter((event) => event.transition === 'created').length} creation(s) below partition ${partition} in the window, ${partition} ordinal(s) below it at the end`,
    unobservedIn(timeline, options.window),
  );
}
