import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { orderedCreation, reverseTermination } from './ordering.js';
import { assertHolds, assertViolated } from './verdict.js';

const timelineOf = (history: SyntheticHistory) => buildTimeline(history.recording(), 'web');

describe('orderedCreation', () => {
  it('holds when each pod is created after its predecessor is Running and Ready', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1).bringUp(2);
    const result = orderedCreation(timelineOf(history), { window: WHOLE_TIMELINE, ordinals: [0, 1, 2] });
    expect(result).toMatchObject({ holds: true });
    expect(() => assertHolds(result, 'StatefulSet sts-test/web')).not.toThrow();
  });

  it('rejects a pod created while its predecessor is Running but not yet Ready', () => {
    const history = new SyntheticHistory().create(0).schedule(0).run(0).create(1).ready(0).bringUp(2);
    const result = orderedCreation(timelineOf(history), { window: WHOLE_TIMELINE, ordinals: [0, 1, 2] });
    expect(result.holds).toBe(false);
    if (result.holds) return;
    expect(result.violations[0]).toMatch(
      /^web-1 created at rv \d+ .* while web-0 \(uid uid-0-1\) was Running, not Ready: expected web-0 Running and Ready$/,
    );
    expect(
      result.violations.some((violation) => /2 pods were not Ready at once \(web-0, web-1\)/.test(violation)),
    ).toBe(true);
  });

  it('rejects the Parallel policy: every pod created before any is Ready', () => {
    const history = new SyntheticHistory()
      .create(0)
      .create(1)
      .create(2)
      .run(0)
      .run(1)
      .run(2)
      .ready(0)
      .ready(1)
      .ready(2);
    const result = orderedCreation(timelineOf(history), { window: WHOLE_TIMELINE, ordinals: [0, 1, 2] });
    expect(() => assertViolated(result, 'web')).not.toThrow();
    expect(() => assertHolds(result, 'StatefulSet sts-test/web')).toThrow(
      /ordered creation violated for StatefulSet sts-test\/web/,
    );
  });

  it('rejects creation out of ascending order even if each predecessor was Ready', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1).bringUp(3).bringUp(2);
    const result = orderedCreation(timelineOf(history), { window: WHOLE_TIMELINE, ordinals: [0, 1, 2, 3] });
    expect(result.holds).toBe(false);
    if (result.holds) return;
    expect(result.violations.join('\n')).toMatch(/web-2 created at .* after web-3 .*expected ascending ordinal order/);
    expect(result.violations.join('\n')).toMatch(/web-3 created .* while web-2 did not exist/);
  });

  it('is not vacuous: an expected ordinal that never appears is a violation', () => {
    const history = new SyntheticHistory().bringUp(0);
    const result = orderedCreation(timelineOf(history), { window: WHOLE_TIMELINE, ordinals: [0, 1] });
    expect(result).toMatchObject({ holds: false, violations: ['web-1 was never created in the window'] });
  });

  it('judges only the window, but from the true state before it', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1);
    const window = { afterRv: history.currentRv };
    history.bringUp(2);
    expect(orderedCreation(timelineOf(history), { window, ordinals: [2] })).toMatchObject({ holds: true });
  });

  it('rejects a predecessor that is terminating when the next pod is created', () => {
    const history = new SyntheticHistory().bringUp(0).requestDeletion(0).create(1);
    const result = orderedCreation(timelineOf(history), { window: WHOLE_TIMELINE, ordinals: [1] });
    expect(result.holds).toBe(false);
  });
});

describe('reverseTermination', () => {
  const threeReady = () => new SyntheticHistory().bringUp(0).bringUp(1).bringUp(2).bringUp(3);

  it('holds when 3, 2, 1 are removed one after the other, each gone before the next is asked to go', () => {
    const history = threeReady();
    const window = { afterRv: history.currentRv };
    history.remove(3).remove(2).remove(1);
    const result = reverseTermination(timelineOf(history), { window, from: 4, to: 1 });
    expect(result).toMatchObject({ holds: true });
  });

  it('rejects a deletion requested while the successor is still terminating', () => {
    const history = threeReady();
    const window = { afterRv: history.currentRv };
    history.requestDeletion(3).requestDeletion(2).delete(3).delete(2).remove(1);
    const result = reverseTermination(timelineOf(history), { window, from: 4, to: 1 });
    expect(result.holds).toBe(false);
    if (result.holds) return;
    expect(result.violations.join('\n')).toMatch(
      /deletion of web-2 requested at rv \d+ .* while web-3 \(uid uid-3-4\) was Running, Ready, terminating: expected web-3 completely gone first/,
    );
    expect(result.violations.join('\n')).toMatch(/web-3 and web-2 were terminating at the same time/);
  });

  it('rejects the Parallel policy: all deletions requested at once', () => {
    const history = threeReady();
    const window = { afterRv: history.currentRv };
    history.requestDeletion(3).requestDeletion(2).requestDeletion(1).delete(1).delete(2).delete(3);
    expect(reverseTermination(timelineOf(history), { window, from: 4, to: 1 }).holds).toBe(false);
  });

  it('rejects ascending deletion order', () => {
    const history = threeReady();
    const window = { afterRv: history.currentRv };
    history.remove(1).remove(2).remove(3);
    const result = reverseTermination(timelineOf(history), { window, from: 4, to: 1 });
    expect(result.holds).toBe(false);
    if (result.holds) return;
    expect(result.violations.join('\n')).toMatch(/expected descending ordinal order/);
  });

  it('rejects touching an ordinal below the target size, and a scale-down that never happened', () => {
    const history = threeReady();
    const window = { afterRv: history.currentRv };
    history.remove(3).remove(2).remove(1).remove(0);
    expect(reverseTermination(timelineOf(history), { window, from: 4, to: 1 })).toMatchObject({ holds: false });
    expect(reverseTermination(timelineOf(threeReady()), { window: { afterRv: 10_000 }, from: 4, to: 1 })).toMatchObject(
      { holds: false },
    );
  });
});
