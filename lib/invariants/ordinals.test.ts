import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { podsFollowOrdinals } from './ordinals.js';
import { kindsOf } from './verdict.js';

const up = (history: SyntheticHistory, ordinal: number) => history.claim(`data-web-${ordinal}`).bringUp(ordinal);

describe('podsFollowOrdinals', () => {
  it('holds when shifting start 0 -> 2 -> 0 replaces the pods and web-0 and web-1 find their claims again', () => {
    const history = new SyntheticHistory().setSpec({ replicas: 2 });
    up(history, 0);
    up(history, 1);
    const first = history.currentRv;
    history.setSpec({ replicas: 2, ordinals: { start: 2 } });
    up(history, 2);
    up(history, 3);
    history.remove(1).remove(0);
    const shifted = history.currentRv;
    history.setSpec({ replicas: 2, ordinals: null });
    history.bringUp(0).bringUp(1).remove(3).remove(2);
    const ranges = [
      { atRv: first, start: 0, replicas: 2 },
      { atRv: shifted, start: 2, replicas: 2 },
      { atRv: history.currentRv, start: 0, replicas: 2 },
    ];
    const timeline = buildTimeline(history.recording(), 'web');
    expect(podsFollowOrdinals(timeline, { window: WHOLE_TIMELINE, ranges })).toMatchObject({ outcome: 'holds' });
    const wrong = podsFollowOrdinals(timeline, {
      window: WHOLE_TIMELINE,
      ranges: [{ atRv: shifted, start: 0, replicas: 2 }],
    });
    expect(kindsOf(wrong)).toEqual(['pod-outside-ordinal-range', 'never-created']);
  });

  it('rejects an ordinal that comes back with a new claim', () => {
    const history = new SyntheticHistory().setSpec({ replicas: 1 });
    up(history, 0);
    history.remove(0).claim('data-web-0', { deletionRequested: true }).claim('data-web-0', { deleted: true });
    up(history, 0);
    const result = podsFollowOrdinals(buildTimeline(history.recording(), 'web'), {
      window: WHOLE_TIMELINE,
      ranges: [{ atRv: history.currentRv, start: 0, replicas: 1 }],
    });
    expect(kindsOf(result)).toEqual(['claim-changed']);
    expect(result.violations[0]?.message).toMatch(/^web-0 \(uid uid-0-\d+\), created at .* mounts data-web-0 uid /);
  });
});
