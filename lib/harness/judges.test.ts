import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { orderedCreation } from '../invariants/ordering.js';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline, WHOLE_TIMELINE } from '../observe/timeline.js';
import { WaitTimeoutError } from '../support/wait.js';
import { stepFailure, verdictsSoFar, type Judge } from './judges.js';

const ordered: Judge = {
  statefulSet: 'web',
  title: 'ordered creation',
  judge: (timeline) => orderedCreation(timeline, { window: WHOLE_TIMELINE, ordinals: [0, 1, 2] }),
};

describe('a failed step leads with what the timeline shows', () => {
  it('puts the violations first, then the wait that gave up', () => {
    // A controller that creates every pod at once: the wait for "2 pods, 1 Ready" never comes.
    const timeline = buildTimeline(new SyntheticHistory().create(0).create(1).create(2).recording(), 'web');
    const soFar = verdictsSoFar([{ judge: ordered, verdict: ordered.judge(timeline) }]);
    const error = stepFailure(
      'the controller has observed the hold: 2 pods, 1 Ready',
      new WaitTimeoutError('the StatefulSet controller to report 2 replicas, 1 Ready', 60, 'replicas 3/3, ready 0'),
      soFar,
    );
    expect(error.message.split('\n')[0]).toBe(
      'step "the controller has observed the hold: 2 pods, 1 Ready" failed. What the recorded timeline shows up to this moment:',
    );
    expect(error.message).toMatch(
      /ordered creation violated so far .*\n {2}- \[created-before-predecessors-ready\] web-1 was created/,
    );
    expect(error.message).toMatch(/\nThe step gave up: timed out after 1m00s waiting for the StatefulSet controller/);
  });

  it('says how a negative control stands, and keeps an assertion an assertion', () => {
    const timeline = buildTimeline(new SyntheticHistory().bringUp(0).recording(), 'web');
    const control = { ...ordered, expectedKinds: ['created-before-predecessors-ready' as const] };
    const soFar = verdictsSoFar([{ judge: control, verdict: control.judge(timeline) }]);
    expect(soFar).toBe(
      'ordered creation (negative control, expects created-before-predecessors-ready): so far violated with never-created',
    );
    expect(stepFailure('check', new AssertionError({ message: 'x' }), soFar)).toBeInstanceOf(AssertionError);
  });
});
