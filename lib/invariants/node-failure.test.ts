import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline } from '../observe/timeline.js';
import { noReplacementWhileUnconfirmed } from './node-failure.js';
import { kindsOf } from './verdict.js';

describe('noReplacementWhileUnconfirmed', () => {
  it('holds while the pod stays terminating, and rejects it gone and made again in the window', () => {
    const history = new SyntheticHistory().setSpec({ replicas: 2 }).bringUp(0).bringUp(1);
    const start = { afterRv: history.currentRv };
    history.requestDeletion(1);
    const timeline = () => buildTimeline(history.recording(), 'web');
    const uid = timeline().pods.find((life) => life.ordinal === 1)?.uid ?? '';
    expect(noReplacementWhileUnconfirmed(timeline(), { window: start, ordinal: 1, podUid: uid })).toMatchObject({
      outcome: 'holds',
    });
    history.delete(1).create(1);
    const result = noReplacementWhileUnconfirmed(timeline(), { window: start, ordinal: 1, podUid: uid });
    expect(kindsOf(result)).toEqual(['replaced-while-unconfirmed']);
    expect(result.violations).toHaveLength(2);
  });
});
