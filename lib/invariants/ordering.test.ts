import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { orderedCreation, reverseTermination } from './ordering.js';
import { assertHolds, assertInconclusive, assertViolatedWith, kindsOf } from './verdict.js';

const timelineOf = (history: SyntheticHistory) => buildTimeline(history.recording(), 'web');
const created = (history: SyntheticHistory, ordinals = [0, 1, 2]) =>
  orderedCreation(timelineOf(history), { window: WHOLE_TIMELINE, ordinals });

describe('orderedCreation', () => {
  it('holds when each pod is created after every predecessor is Running and Ready', () => {
    const result = created(new SyntheticHistory().bringUp(0).bringUp(1).bringUp(2));
    expect(result).toMatchObject({ outcome: 'holds', holds: true });
    expect(() => assertHolds(result, 'StatefulSet sts-test/web')).not.toThrow();
  });

  it('rejects a pod created while its predecessor is Running but not yet Ready', () => {
    const history = new SyntheticHistory().create(0).schedule(0).run(0).create(1).ready(0).bringUp(2);
    const result = created(history);
    expect(kindsOf(result)).toEqual(['created-before-predecessors-ready']);
    expect(result.violations[0]?.message).toMatch(
      /^web-1 was created at rv \d+ .* while web-0 \(uid uid-0-1\) had not yet been Running and Ready \(Running, not Ready\)/,
    );
  });

  it('rejects web-2 created while web-0 is terminating, though web-1 is Ready (every predecessor counts)', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1).requestDeletion(0).create(2);
    const result = created(history, [2]);
    expect(kindsOf(result)).toEqual(['created-before-predecessors-ready']);
    expect(result.violations[0]?.message).toMatch(/web-2 was created .* while web-0 \(uid uid-0-1\) was terminating/);
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
    const result = created(history);
    expect(() => assertViolatedWith(result, ['created-before-predecessors-ready'], 'web')).not.toThrow();
    expect(() => assertHolds(result, 'StatefulSet sts-test/web')).toThrow(
      /ordered creation violated for StatefulSet sts-test\/web/,
    );
  });

  it('rejects first incarnations out of ascending order even if each predecessor was Ready', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1).bringUp(3).bringUp(2);
    const result = created(history, [0, 1, 2, 3]);
    expect(kindsOf(result).sort()).toEqual(['created-before-predecessors-ready', 'created-out-of-order']);
    expect(result.violations.map((violation) => violation.message).join('\n')).toMatch(
      /web-3 was created at .* before web-2 .*expected ascending ordinal order/,
    );
  });

  it('accepts a legitimate re-creation of a lower ordinal after higher ones exist', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1).bringUp(2).remove(0).bringUp(0);
    expect(created(history)).toMatchObject({ outcome: 'holds' });
  });

  it('does not blame the controller for a Ready pod that flaps afterwards (two pods not Ready at once is fine)', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1).notReady(0).create(2).notReady(1).run(2).ready(2);
    history.ready(0).ready(1);
    // web-2 was created after web-0 flapped: the controller may have acted on the Ready it had seen (informer lag).
    expect(created(history)).toMatchObject({ outcome: 'holds' });
  });

  it('requires availability: with minReadySeconds 5, a successor created 0.25 s after Ready is a violation, 6 s after is not', () => {
    const early = new SyntheticHistory().setSpec({ minReadySeconds: 5 }).bringUp(0).bringUp(1);
    expect(kindsOf(created(early, [0, 1]))).toEqual(['created-before-predecessors-ready']);
    const late = new SyntheticHistory().setSpec({ minReadySeconds: 5 }).bringUp(0).advance(6000).bringUp(1);
    expect(created(late, [0, 1])).toMatchObject({ outcome: 'holds' });
  });

  it('counts predecessors from spec.ordinals.start', () => {
    const history = new SyntheticHistory()
      .setSpec({ ordinals: { start: 2 } })
      .bringUp(2)
      .bringUp(3);
    expect(created(history, [2, 3])).toMatchObject({ outcome: 'holds' });
  });

  it('is not vacuous: an expected ordinal that never appears is an absence, which no negative control accepts', () => {
    const result = created(new SyntheticHistory().bringUp(0), [0, 1]);
    expect(result.violations).toEqual([{ kind: 'never-created', message: 'web-1 was never created in the window' }]);
    expect(() => assertViolatedWith(result, ['never-created'], 'web')).toThrow(/absence kind/);
    expect(() => assertViolatedWith(result, ['created-before-predecessors-ready'], 'web')).toThrow(
      /must report created-before-predecessors-ready .* but it found never-created/,
    );
  });

  it('is inconclusive when a relist may have hidden a Parallel burst', () => {
    const history = new SyntheticHistory().loseTrack('pods');
    history.create(0).create(1).create(2);
    const after = history.currentRv;
    const relisted = new SyntheticHistory().bringUp(0).bringUp(1).bringUp(2).recording();
    const result = orderedCreation(
      buildTimeline({ ...relisted, gaps: [{ ...history.recording().gaps[0]!, untilRv: after }] }, 'web'),
      { window: WHOLE_TIMELINE, ordinals: [0, 1, 2] },
    );
    expect(result).toMatchObject({ outcome: 'inconclusive', holds: false });
    expect(result.unobserved[0]).toMatch(/the recorder missed pods changes between rv 100 and 103/);
    expect(() => assertHolds(result, 'web')).toThrow(/could not be decided/);
    expect(() => assertViolatedWith(result, ['created-before-predecessors-ready'], 'web')).toThrow(/inconclusive/);
    expect(() => assertInconclusive(result, /missed pods changes/, 'web')).not.toThrow();
    expect(() => assertInconclusive(result, /missed statefulsets changes/, 'web')).toThrow(/none of its reasons/);
  });

  it('a fault control fails when the window was fully seen', () => {
    const result = orderedCreation(buildTimeline(new SyntheticHistory().bringUp(0).recording(), 'web'), {
      window: WHOLE_TIMELINE,
      ordinals: [0],
    });
    expect(() => assertInconclusive(result, /missed/, 'web')).toThrow(/must be inconclusive .* but it held/);
  });

  it('judges only the window, but from the true state before it', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1);
    const window = { afterRv: history.currentRv };
    history.bringUp(2);
    expect(orderedCreation(timelineOf(history), { window, ordinals: [2] })).toMatchObject({ outcome: 'holds' });
  });
});

describe('reverseTermination', () => {
  const fourReady = () => new SyntheticHistory().bringUp(0).bringUp(1).bringUp(2).bringUp(3);
  const scaledDown = (history: SyntheticHistory, window: { afterRv: number }) =>
    reverseTermination(timelineOf(history), { window, from: 4, to: 1 });

  it('holds when 3, 2, 1 are removed one after the other, each gone before the next is asked to go', () => {
    const history = fourReady();
    const window = { afterRv: history.currentRv };
    history.remove(3).remove(2).remove(1);
    expect(scaledDown(history, window)).toMatchObject({ outcome: 'holds' });
  });

  it('rejects a deletion requested while the successor is still terminating (the Parallel policy)', () => {
    const history = fourReady();
    const window = { afterRv: history.currentRv };
    history.requestDeletion(3).requestDeletion(2).requestDeletion(1).delete(1).delete(2).delete(3);
    const result = scaledDown(history, window);
    expect(kindsOf(result)).toEqual(['deleted-before-successor-gone']);
    expect(result.violations[0]?.message).toMatch(
      /deletion of web-2 was requested at rv \d+ .* while web-3 \(uid uid-3-4\) still existed, terminating/,
    );
  });

  it('rejects ascending deletion order', () => {
    const history = fourReady();
    const window = { afterRv: history.currentRv };
    history.remove(1).remove(2).remove(3);
    expect(kindsOf(scaledDown(history, window)).sort()).toEqual([
      'deleted-before-successor-gone',
      'deleted-out-of-order',
    ]);
  });

  it('rejects touching an ordinal below the target size', () => {
    const history = fourReady();
    const window = { afterRv: history.currentRv };
    history.remove(3).remove(2).remove(1).remove(0);
    expect(kindsOf(scaledDown(history, window))).toContain('deleted-below-target');
  });

  it('rejects a condemned ordinal that comes back', () => {
    const history = fourReady();
    const window = { afterRv: history.currentRv };
    history.remove(3).bringUp(3).remove(3).remove(2).remove(1);
    expect(kindsOf(scaledDown(history, window))).toEqual(['condemned-resurrected']);
  });

  it('rejects a deletion while a pod that stays has not been Ready since it was recreated (the health precondition)', () => {
    const history = fourReady().remove(0).create(0).schedule(0).run(0);
    const window = { afterRv: history.currentRv };
    history.remove(3).ready(0).remove(2).remove(1);
    const result = scaledDown(history, window);
    expect(kindsOf(result)).toEqual(['deleted-while-unhealthy']);
    expect(result.violations[0]?.message).toMatch(
      /deletion of web-3 .* while web-0 .* had not yet been Running and Ready/,
    );
  });

  it('is not vacuous: a scale-down that never happened is an absence', () => {
    const result = scaledDown(fourReady(), { afterRv: 10_000 });
    expect(new Set(kindsOf(result))).toEqual(new Set(['never-deleted']));
  });

  it('is inconclusive over a window the recorder did not fully see', () => {
    const history = fourReady();
    const window = { afterRv: history.currentRv };
    history
      .remove(3)
      .loseTrack('pods', history.currentRv + 4)
      .remove(2)
      .remove(1);
    expect(scaledDown(history, window)).toMatchObject({ outcome: 'inconclusive' });
  });
});
