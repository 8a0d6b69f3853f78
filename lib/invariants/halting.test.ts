import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { haltsWhileUnhealthy } from './halting.js';
import { kindsOf } from './verdict.js';

const REV = 'web-rev1';
const status = (replicas: number, ready: number) => ({
  replicas,
  readyReplicas: ready,
  availableReplicas: ready,
  currentReplicas: replicas,
  updatedReplicas: replicas,
  currentRevision: REV,
  updateRevision: REV,
});
const judged = (history: SyntheticHistory) =>
  haltsWhileUnhealthy(buildTimeline(history.recording(), 'web'), { window: WHOLE_TIMELINE });

function twoReady() {
  return new SyntheticHistory().setSpec({ replicas: 2 }).bringUp(0).bringUp(1).setStatus(status(2, 2));
}

describe('haltsWhileUnhealthy', () => {
  it('holds when scale-up waits until web-0, seen not Ready, is Ready again', () => {
    const history = twoReady().notReady(0).setStatus(status(2, 1)).setSpec({ replicas: 4 });
    history.ready(0).setStatus(status(2, 2)).bringUp(2).bringUp(3).setStatus(status(4, 4));
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
  });

  it('rejects web-2 created after the controller reported web-0 not Ready, before web-0 was Ready again', () => {
    const history = twoReady().notReady(0).setStatus(status(2, 1)).setSpec({ replicas: 4 }).create(2);
    const result = judged(history);
    expect(kindsOf(result)).toEqual(['created-while-known-unready']);
    expect(result.violations[0]?.message).toMatch(
      /^web-2 was created at rv \d+ .* though the controller's status at rv \d+ showed it had seen web-0 not Running and Ready/,
    );
  });

  it('does not blame informer lag: web-2 created before any status showed web-0 not Ready', () => {
    const history = twoReady().setSpec({ replicas: 3 }).notReady(0).create(2).setStatus(status(3, 1));
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
  });

  it('does not blame a creation after the predecessor was Ready again, even if no status showed it', () => {
    const history = twoReady().notReady(0).setStatus(status(2, 1)).setSpec({ replicas: 3 }).ready(0).create(2);
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
  });

  it('counts a missing or terminating predecessor as unhealthy once a status shows it', () => {
    const history = twoReady().requestDeletion(0).setStatus(status(2, 2)).delete(0).setStatus(status(1, 1));
    history.setSpec({ replicas: 3 }).create(2);
    const result = judged(history);
    expect(kindsOf(result)).toEqual(['created-while-known-unready']);
    expect(result.violations[0]?.message).toMatch(/seen web-0 absent, and no web-0 had been Running and Ready since/);
  });

  it('rejects a scale-down deletion after the controller reported a replica that stays not Ready', () => {
    const history = twoReady().bringUp(2).bringUp(3).setStatus(status(4, 4)).notReady(1).setStatus(status(4, 3));
    history.setSpec({ replicas: 2 }).requestDeletion(3);
    const result = judged(history);
    expect(kindsOf(result)).toEqual(['deleted-while-known-unready']);
    expect(result.violations[0]?.message).toMatch(/deletion of web-3 \(beyond 2 replicas\) .* seen web-1 not Running/);
  });

  it('lets scale-down proceed once the replicas are Ready again; deleting an unhealthy condemned pod is fine', () => {
    const history = twoReady().bringUp(2).bringUp(3).notReady(3).setStatus(status(4, 3)).setSpec({ replicas: 2 });
    history.remove(3).setStatus(status(3, 3)).remove(2).setStatus(status(2, 2));
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
  });

  it('says no-observations when the controller never wrote a status, and is inconclusive over a gap', () => {
    expect(kindsOf(judged(new SyntheticHistory().bringUp(0)))).toEqual(['no-observations']);
    const gap = twoReady().loseTrack('pods').create(2);
    expect(judged(gap)).toMatchObject({ outcome: 'inconclusive' });
  });
});
