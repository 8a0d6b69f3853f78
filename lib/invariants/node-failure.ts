import { describeMoment, inWindow, type Timeline, type Window } from '../observe/timeline.js';
import { unobservedIn } from './coverage.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * At most one pod per identity: "StatefulSet ... will never create a new Pod with the same
 * identity until the old one is confirmed terminated" (force-delete-stateful-set-pod task; R3,
 * G19). The v1.34 controller creates a replica only where its informer has no pod of that
 * ordinal (updateStatefulSet fills the empty indices), and a pod whose kubelet is unreachable
 * keeps its object, terminating, until the kubelet confirms or someone force-deletes it; so
 * while the node is down the ordinal is neither gone nor made again.
 *
 * In the window (node unreachable, pod asked to go, not force-deleted) the pod of `ordinal`
 * that was asked to go is never completely deleted and no other pod of that ordinal is created.
 */
export function noReplacementWhileUnconfirmed(
  timeline: Timeline,
  options: { window: Window; ordinal: number; podUid: string },
): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  const inside = timeline.podEvents.filter(
    (event) => event.ordinal === options.ordinal && inWindow(event.at, options.window),
  );
  const asked = timeline.podEvents.find(
    (event) => event.uid === options.podUid && event.transition === 'deletionRequested',
  );
  if (!asked)
    findings.add(
      'never-deleted',
      `${set}-${options.ordinal} (uid ${options.podUid.slice(0, 8)}) was never asked to go`,
    );
  for (const event of inside) {
    if (event.uid === options.podUid && event.transition === 'deleted') {
      findings.add(
        'replaced-while-unconfirmed',
        `${event.pod} (uid ${event.uid.slice(0, 8)}) was completely deleted at ${describeMoment(event.at, timeline)}, before anyone could confirm it stopped`,
      );
    } else if (event.uid !== options.podUid && event.transition === 'created') {
      findings.add(
        'replaced-while-unconfirmed',
        `${event.pod} was created again (uid ${event.uid.slice(0, 8)}) at ${describeMoment(event.at, timeline)} while uid ${options.podUid.slice(0, 8)} was not confirmed gone: expected at most one pod per identity`,
      );
    }
  }
  return findings.verdict(
    'at most one pod per identity',
    `${inside.length} event(s) of ${set}-${options.ordinal} in the window`,
    unobservedIn(timeline, options.window),
  );
}
