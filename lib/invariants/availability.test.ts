import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { availabilityHonoursMinReady } from './availability.js';
import { kindsOf } from './verdict.js';

const status = (replicas: number, ready: number, available: number) => ({
  replicas,
  readyReplicas: ready,
  availableReplicas: available,
  currentReplicas: replicas,
  updatedReplicas: replicas,
  currentRevision: 'web-rev1',
  updateRevision: 'web-rev1',
});
const judged = (history: SyntheticHistory, minReadySeconds?: number) =>
  availabilityHonoursMinReady(buildTimeline(history.recording(), 'web'), { window: WHOLE_TIMELINE, minReadySeconds });

describe('availabilityHonoursMinReady', () => {
  it('holds when a pod is counted available only minReadySeconds after it turned Ready', () => {
    const history = new SyntheticHistory().setSpec({ replicas: 1, minReadySeconds: 5 }).bringUp(0);
    history
      .setStatus(status(1, 1, 0))
      .advance(5000)
      .setStatus(status(1, 1, 1));
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
  });

  it('rejects a pod counted available right after it turned Ready', () => {
    const history = new SyntheticHistory().setSpec({ replicas: 1, minReadySeconds: 5 }).bringUp(0);
    const result = judged(history.setStatus(status(1, 1, 1)));
    expect(kindsOf(result)).toEqual(['available-too-early']);
    expect(result.violations[0]?.message).toMatch(
      /reported availableReplicas 1 at rv \d+ .*, but only 0 pod\(s\) \(none\) could have been Ready for minReadySeconds 5/,
    );
  });

  it('does not judge the status a spec write carries over from the previous spec', () => {
    const history = new SyntheticHistory().setSpec({ replicas: 1, minReadySeconds: 1 }).bringUp(0).advance(2000);
    history
      .setStatus(status(1, 1, 1))
      .setSpec({ replicas: 1, minReadySeconds: 3600 })
      .setStatus(status(1, 1, 0));
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
  });

  it('judges with a minReadySeconds given instead of the spec, and says no-observations without one', () => {
    const history = new SyntheticHistory()
      .setSpec({ replicas: 1 })
      .bringUp(0)
      .setStatus(status(1, 1, 1));
    expect(kindsOf(judged(history))).toEqual(['no-observations']);
    expect(kindsOf(judged(history, 10))).toEqual(['available-too-early']);
  });

  it('does not count a pod deleted before the cache could have held it, and does count one the cache may still hold', () => {
    const history = new SyntheticHistory().setSpec({ replicas: 2, minReadySeconds: 1 }).bringUp(0).bringUp(1);
    history
      .advance(2000)
      .setStatus(status(2, 2, 2))
      .remove(1)
      .create(1)
      .setStatus(status(2, 1, 1));
    expect(judged(history)).toMatchObject({ outcome: 'holds' });
  });
});
