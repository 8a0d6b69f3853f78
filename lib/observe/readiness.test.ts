import { describe, expect, it } from 'vitest';
import { describeReadiness, readinessHistory } from './readiness.js';
import { SyntheticHistory } from './synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from './timeline.js';

describe('readiness history', () => {
  it('tells a probe that passed for a moment during initialisation from one that passes for good', () => {
    const history = new SyntheticHistory('mysql')
      .create(0)
      .schedule(0)
      .run(0)
      .advance(6000)
      .ready(0)
      .advance(3750)
      .notReady(0)
      .bringUp(1);
    const rows = readinessHistory(buildTimeline(history.recording(), 'mysql'), WHOLE_TIMELINE);
    expect(rows.map(describeReadiness)).toEqual([
      'mysql-0: created once, Ready once (4.0 s), not Ready at the end',
      'mysql-1: created once, Ready once (still Ready), Ready at the end',
    ]);
  });

  it('a pod that never became Ready, and one deleted while Ready', () => {
    const history = new SyntheticHistory('db').create(0).schedule(0).run(0).bringUp(1).delete(1);
    const rows = readinessHistory(buildTimeline(history.recording(), 'db'), WHOLE_TIMELINE);
    expect(rows[0]).toMatchObject({ readySpells: [], readyAtEnd: false, existsAtEnd: true });
    expect(rows[1]).toMatchObject({ readySpells: [expect.any(Number)], readyAtEnd: false, existsAtEnd: false });
  });
});
