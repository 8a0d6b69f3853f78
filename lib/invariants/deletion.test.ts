import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline } from '../observe/timeline.js';
import { deletedWithSet, describeTerminationOrder, isOrderedShutdown, terminationOrder } from './deletion.js';
import { kindsOf } from './verdict.js';

/** web with three Ready pods; returns the window start (just before the set is deleted). */
function running() {
  const history = new SyntheticHistory().setSpec({ replicas: 3 }).bringUp(0).bringUp(1).bringUp(2);
  return { history, window: { afterRv: history.currentRv } };
}

const timelineOf = (history: SyntheticHistory) => buildTimeline(history.recording(), 'web');
const judged = (history: SyntheticHistory, window: { afterRv: number }) =>
  deletedWithSet(timelineOf(history), { window, ordinals: [0, 1, 2] });

describe('deletedWithSet', () => {
  it('holds whatever the order, as long as every pod goes: the garbage collector asks all at once', () => {
    const { history, window } = running();
    history.requestDeletion(0).requestDeletion(2).requestDeletion(1).delete(1).delete(0).delete(2);
    expect(judged(history, window)).toMatchObject({ outcome: 'holds' });
    const order = terminationOrder(timelineOf(history), window);
    expect(order.map((step) => step.pod)).toEqual(['web-0', 'web-2', 'web-1']);
    expect(isOrderedShutdown(order)).toBe(false);
    expect(describeTerminationOrder(order)).toBe(
      'web-0, web-2, web-1 (2 of 3 asked to go while a higher ordinal still existed)',
    );
  });

  it('reports the pods a non-cascading delete leaves behind (pod-survived-set-deletion)', () => {
    const { history, window } = running();
    history.setController(0).setController(1).setController(2);
    const result = judged(history, window);
    expect(kindsOf(result)).toEqual(['pod-survived-set-deletion']);
    expect(result.violations).toHaveLength(3);
    expect(result.violations[0]?.message).toMatch(/^web-0 \(uid uid-0-\d+\) still existed at the end of the window/);
  });

  it('reports a pod made again once the set is being deleted', () => {
    const { history, window } = running();
    history.requestDeletion(2).delete(2).requestDeletion(1).delete(1).requestDeletion(0).delete(0).create(0).remove(0);
    expect(kindsOf(judged(history, window))).toEqual(['pod-created-after-set-deletion']);
  });

  it('says never-deleted when the window saw no deletion of a pod that is gone', () => {
    const { history } = running();
    history.remove(2);
    const window = { afterRv: history.currentRv };
    history.requestDeletion(1).delete(1).requestDeletion(0).delete(0);
    expect(kindsOf(judged(history, window))).toEqual(['never-deleted']);
  });
});

describe('terminationOrder', () => {
  it('recognises the ordered shutdown of scaling to 0: highest first, each once the higher ones are gone', () => {
    const { history, window } = running();
    history.requestDeletion(2).delete(2).requestDeletion(1).delete(1).requestDeletion(0).delete(0);
    const order = terminationOrder(timelineOf(history), window);
    expect(isOrderedShutdown(order)).toBe(true);
    expect(describeTerminationOrder(order)).toBe(
      'web-2, web-1, web-0 (0 of 3 asked to go while a higher ordinal still existed)',
    );
  });

  it('does not call a reverse order ordered when the next one was asked before the higher was gone', () => {
    const { history, window } = running();
    history.requestDeletion(2).requestDeletion(1).delete(2).delete(1).requestDeletion(0).delete(0);
    expect(isOrderedShutdown(terminationOrder(timelineOf(history), window))).toBe(false);
  });
});
