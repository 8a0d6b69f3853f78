import { describeMoment, inWindow, type Timeline, type Window } from '../observe/timeline.js';
import { unobservedIn } from './coverage.js';
import { explainStatuses } from './status.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * minReadySeconds, as documented: "the minimum number of seconds for which a newly created Pod
 * should be running and ready without any of its containers crashing, for it to be considered
 * available". The v1.34 controller counts status.availableReplicas in computeReplicaStatus
 * (stateful_set_control.go) with isRunningAndAvailable, i.e. podutil.IsPodAvailable: Ready, and
 * the Ready condition's lastTransitionTime at least minReadySeconds before the moment it computes.
 *
 * The status is computed from the controller's cache at some state at or after the lower bound
 * explainStatuses proves, and written before the recorder received it; so a status write can
 * count at most the ordinals that had, in that stretch, a pod that had turned Ready at least
 * minReadySeconds before the write arrived here. Server timestamps have one-second resolution:
 * one second of slack. (The kind nodes share this machine's clock; on another cluster a skewed
 * clock makes the rule looser or stricter by the skew.)
 */
export function availabilityHonoursMinReady(
  timeline: Timeline,
  options: { window: Window; minReadySeconds?: number },
): Verdict {
  const findings = new Findings();
  const { states, explained } = explainStatuses(timeline);
  let judged = 0;
  for (const { status, cacheAtLeast } of explained) {
    if (!inWindow(status.at, options.window)) continue;
    // A write of the spec carries the status computed for the previous spec (and its
    // minReadySeconds); only a status of the observed generation was computed for this one.
    if (options.minReadySeconds === undefined && status.observedGeneration !== status.generation) continue;
    const minReadySeconds = options.minReadySeconds ?? status.minReadySeconds;
    if (minReadySeconds <= 0) continue;
    judged++;
    const fromRv = states[cacheAtLeast]?.rv ?? 0;
    const capable = new Set<number>();
    for (const life of timeline.pods) {
      const created = life.events.find((event) => event.transition === 'created');
      const deleted = life.events.find((event) => event.transition === 'deleted');
      if (!created || created.at.rv > status.at.rv || (deleted && deleted.at.rv < fromRv)) continue;
      const availableBy = life.events.some((event) => {
        if (event.transition !== 'ready' || event.at.rv > status.at.rv || !event.at.serverTime) return false;
        return Date.parse(event.at.serverTime) + (minReadySeconds - 1) * 1000 <= status.at.receivedAt;
      });
      if (availableBy) capable.add(life.ordinal);
    }
    const available = status.availableReplicas ?? 0;
    if (available > capable.size) {
      findings.add(
        'available-too-early',
        `StatefulSet ${timeline.namespace}/${timeline.statefulSet} reported availableReplicas ${available} at ${describeMoment(status.at, timeline)}, but only ${capable.size} pod(s) (${[...capable].map((ordinal) => `${timeline.statefulSet}-${ordinal}`).join(', ') || 'none'}) could have been Ready for minReadySeconds ${minReadySeconds} by then`,
      );
    }
  }
  if (judged === 0) findings.add('no-observations', 'no status with minReadySeconds > 0 was written in the window');
  return findings.verdict(
    'availability honours minReadySeconds',
    `${judged} status write(s) in the window${options.minReadySeconds !== undefined ? `, judged with minReadySeconds ${options.minReadySeconds}` : ''}`,
    unobservedIn(timeline, options.window),
  );
}
