import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { statusMatchesPods } from './status.js';
import { kindsOf } from './verdict.js';

const OLD = 'web-rev1';
const NEW = 'web-rev2';
const status = (replicas: number, ready: number, current: number, updated: number, update = OLD) => ({
  replicas,
  readyReplicas: ready,
  availableReplicas: ready,
  currentReplicas: current,
  updatedReplicas: updated,
  currentRevision: OLD,
  updateRevision: update,
});
const judged = (history: SyntheticHistory) =>
  statusMatchesPods(buildTimeline(history.recording(), 'web'), { window: WHOLE_TIMELINE });

function twoReady() {
  return (
    new SyntheticHistory()
      .setSpec({ replicas: 2 })
      .create(0)
      .setStatus(status(1, 0, 1, 1))
      .schedule(0)
      .run(0)
      .ready(0)
      .create(1)
      // Informer lag: written after web-1 exists, describing the moment before it did.
      .setStatus(status(1, 1, 1, 1))
      .schedule(1)
      .run(1)
      .ready(1)
      .setStatus(status(2, 2, 2, 2))
  );
}

describe('statusMatchesPods', () => {
  it('holds for statuses that describe recorded states in order, lagging ones included', () => {
    expect(judged(twoReady())).toMatchObject({ outcome: 'holds' });
  });

  it('explains the controller decrementing currentReplicas right after deleting a pod for an update', () => {
    const history = twoReady()
      .setStatus(status(2, 2, 2, 0, NEW))
      .requestDeletion(1)
      .setStatus(status(2, 2, 1, 0, NEW));
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
  });

  it('explains the decrement after deleting a pod that was not at currentRevision (a stuck pod replaced after a rollback)', () => {
    // web-1 runs an abandoned revision; the template went back to OLD, so current = update = OLD.
    const history = new SyntheticHistory()
      .setSpec({ replicas: 2 })
      .bringUp(0)
      .useRevision(NEW)
      .bringUp(1)
      .setStatus(status(2, 2, 1, 1))
      .requestDeletion(1)
      // Computed while web-1 was not yet terminating (current 1), then decremented: current 0.
      .setStatus(status(2, 2, 0, 1));
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
    // The same counts without a deletion after the state they come from: nothing explains current 0.
    const lie = new SyntheticHistory()
      .setSpec({ replicas: 2 })
      .bringUp(0)
      .useRevision(NEW)
      .bringUp(1)
      .setStatus(status(2, 2, 1, 1))
      .setStatus(status(2, 2, 0, 1));
    expect(kindsOf(judged(lie))).toEqual(['status-disagrees-with-pods']);
  });

  it('counts only the pods the set controls: a released pod drops out of the counts, an adopted one comes back', () => {
    const history = twoReady()
      .setController(1)
      .setStatus(status(1, 1, 1, 1))
      .setController(1, { name: 'web', uid: 'uid-set' })
      .setStatus(status(2, 2, 2, 2));
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
    expect(kindsOf(judged(twoReady().setStatus(status(1, 1, 1, 1))))).toEqual(['status-disagrees-with-pods']);
  });

  it('rejects a status no state explains: fewer Ready pods than the pods have had since the last status', () => {
    const result = judged(twoReady().setStatus(status(2, 1, 2, 2)));
    expect(kindsOf(result)).toEqual(['status-disagrees-with-pods']);
    expect(result.violations[0]?.message).toMatch(
      /^StatefulSet sts-test\/web reported replicas 2, ready 1, current 2, updated 2 at rv \d+ .*, which no recorded state of its pods since rv \d+ explains \(just before: replicas 2, ready 2, current 2, updated 2\)$/,
    );
  });

  it('rejects availableReplicas other than readyReplicas when minReadySeconds is 0', () => {
    const result = judged(twoReady().setStatus({ availableReplicas: 0 }));
    expect(kindsOf(result)).toEqual(['status-disagrees-with-pods']);
  });

  it('is not vacuous: no status written is an absence', () => {
    expect(kindsOf(judged(new SyntheticHistory().bringUp(0)))).toEqual(['no-observations']);
  });
});
