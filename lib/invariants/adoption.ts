import { describeMoment, inWindow, type PodLife, type Timeline, type Window } from '../observe/timeline.js';
import { setBefore } from './controller-view.js';
import { unobservedIn } from './coverage.js';
import { livePodsAtEnd } from './strategies.js';
import { Findings, type Verdict } from './verdict.js';

/**
 * Orphans are adopted, not replaced, as the tutorial shows after a non-cascading delete: the
 * new StatefulSet "adopted" web-1, recreated the missing web-0 and terminated the surplus web-2.
 *
 * As the v1.34 controller implements it: getPodsForStatefulSet (stateful_set.go) claims, through
 * the PodControllerRefManager, every pod without a controller that matches the selector and is a
 * member by name (isMemberOf), and releases owned pods that stop matching; updateStatefulSet then
 * treats adopted pods like its own: in the ordinal range they are kept (identityMatches and
 * storageMatches hold, so processReplica leaves them), beyond it they are condemned and deleted,
 * and a missing ordinal is created.
 */

function controllerAt(life: PodLife, rv: number): string | undefined {
  return [...life.controllers].reverse().find((entry) => entry.at.rv <= rv)?.controller?.uid;
}

function aliveAt(life: PodLife, rv: number): boolean {
  const created = life.events.find((event) => event.transition === 'created');
  const deleted = life.events.find((event) => event.transition === 'deleted');
  return created !== undefined && created.at.rv <= rv && (deleted === undefined || deleted.at.rv > rv);
}

/**
 * The pods of the set's name without a controller at the window's start are, at its end, owned
 * by the StatefulSet of `setUid` with the same UID if their ordinal is in its range, and gone if
 * it is not; every other ordinal of the range has a pod of that StatefulSet.
 */
export function adoptsOrphans(timeline: Timeline, options: { window: Window; setUid: string }): Verdict {
  const findings = new Findings();
  const set = timeline.statefulSet;
  const startRv = options.window.afterRv;
  const endRv = options.window.untilRv ?? Number.MAX_SAFE_INTEGER;
  const spec = setBefore(timeline, endRv + 1);
  const start = spec?.startOrdinal ?? 0;
  const end = start + (spec?.specReplicas ?? 0) - 1;
  const orphans = timeline.pods.filter((life) => aliveAt(life, startRv) && controllerAt(life, startRv) === undefined);
  const live = livePodsAtEnd(timeline, options.window);
  for (const orphan of orphans) {
    const inRange = orphan.ordinal >= start && orphan.ordinal <= end;
    const stillThere = live.some((life) => life.uid === orphan.uid);
    const deletion = orphan.events.find(
      (event) => event.transition === 'deletionRequested' && inWindow(event.at, options.window),
    );
    if (inRange && !stillThere) {
      findings.add(
        'orphan-replaced',
        `the orphan ${orphan.pod} (uid ${orphan.uid.slice(0, 8)}), in the range ${set}-${start}..${set}-${end}, was deleted${deletion ? ` at ${describeMoment(deletion.at, timeline)}` : ''}: expected it adopted as it was`,
      );
    } else if (inRange && controllerAt(orphan, endRv) !== options.setUid) {
      findings.add(
        'orphan-not-adopted',
        `the orphan ${orphan.pod} (uid ${orphan.uid.slice(0, 8)}) had ${controllerAt(orphan, endRv) ? `controller uid ${controllerAt(orphan, endRv)?.slice(0, 8)}` : 'no controller'} at the end: expected StatefulSet ${set} (uid ${options.setUid.slice(0, 8)})`,
      );
    } else if (!inRange && stillThere) {
      findings.add(
        'surplus-orphan-kept',
        `the orphan ${orphan.pod} (uid ${orphan.uid.slice(0, 8)}), beyond ${set}-${end}, still existed at the end: expected it adopted and removed`,
      );
    }
  }
  for (let ordinal = start; ordinal <= end; ordinal++) {
    if (orphans.some((orphan) => orphan.ordinal === ordinal)) continue;
    if (!live.some((life) => life.ordinal === ordinal && controllerAt(life, endRv) === options.setUid)) {
      findings.add('never-created', `${set}-${ordinal} had no pod of StatefulSet ${set} at the end`);
    }
  }
  if (!spec) findings.add('no-observations', `StatefulSet ${set} was never recorded`);
  return findings.verdict(
    'adopts orphans',
    `${orphans.length} orphan(s) at the start (${orphans.map((orphan) => orphan.pod).join(', ') || 'none'}), range ${set}-${start}..${set}-${end} at the end`,
    unobservedIn(timeline, options.window),
  );
}
