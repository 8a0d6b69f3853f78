import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline } from '../observe/timeline.js';
import { adoptsOrphans } from './adoption.js';
import { kindsOf } from './verdict.js';

const NEW_SET = { name: 'web', uid: 'uid-set' };

/** Three pods orphaned by a non-cascading delete, web-0 deleted by hand; returns the window start. */
function orphaned() {
  const history = new SyntheticHistory().setSpec({ replicas: 3 }).bringUp(0).bringUp(1).bringUp(2);
  history.setController(0).setController(1).setController(2).remove(0);
  return { history, window: { afterRv: history.currentRv } };
}

const judged = (history: SyntheticHistory, window: { afterRv: number }) =>
  adoptsOrphans(buildTimeline(history.recording(), 'web'), { window, setUid: NEW_SET.uid });

describe('adoptsOrphans', () => {
  it('holds when the new set adopts web-1, recreates web-0 and removes the surplus web-2', () => {
    const { history, window } = orphaned();
    history.setSpec({ replicas: 2 }).setController(1, NEW_SET).setController(2, NEW_SET).bringUp(0).remove(2);
    expect(judged(history, window)).toMatchObject({ outcome: 'holds' });
  });

  it('rejects an orphan in range that was replaced instead of adopted', () => {
    const { history, window } = orphaned();
    history.setSpec({ replicas: 2 }).bringUp(0).remove(1).bringUp(1).remove(2);
    const result = judged(history, window);
    expect(kindsOf(result)).toEqual(['orphan-replaced']);
    expect(result.violations[0]?.message).toMatch(
      /^the orphan web-1 \(uid uid-1-\d+\), in the range web-0..web-1, was deleted at rv \d+/,
    );
  });

  it('rejects orphans a set with another selector leaves alone: not adopted, surplus kept', () => {
    const { history, window } = orphaned();
    history.setSpec({ replicas: 2 }).bringUp(0);
    expect(kindsOf(judged(history, window))).toEqual(['orphan-not-adopted', 'surplus-orphan-kept']);
  });

  it('says never-created for a missing ordinal nobody made', () => {
    const { history, window } = orphaned();
    history.setSpec({ replicas: 2 }).setController(1, NEW_SET).setController(2, NEW_SET).remove(2);
    expect(kindsOf(judged(history, window))).toEqual(['never-created']);
  });
});
