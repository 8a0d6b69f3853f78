import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline } from '../observe/timeline.js';
import { partitionRespected, rollingUpdateOrder } from './updates.js';

const timelineOf = (history: SyntheticHistory) => buildTimeline(history.recording(), 'web');
const OLD = 'web-rev1';
const NEW = 'web-rev2';

function threeAtOldRevision() {
  return new SyntheticHistory().bringUp(0).bringUp(1).bringUp(2);
}

describe('rollingUpdateOrder', () => {
  it('holds for 2 then 1 then 0, each replacement Ready before the next old pod goes', () => {
    const history = threeAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(2).bringUp(2).remove(1).bringUp(1).remove(0).bringUp(0);
    expect(rollingUpdateOrder(timelineOf(history), { window, ordinals: [0, 1, 2], updateRevision: NEW })).toMatchObject(
      { holds: true },
    );
  });

  it('rejects deleting the next pod before the updated one is Ready', () => {
    const history = threeAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(2).create(2).schedule(2).run(2).remove(1).ready(2).bringUp(1).remove(0).bringUp(0);
    const result = rollingUpdateOrder(timelineOf(history), { window, ordinals: [0, 1, 2], updateRevision: NEW });
    expect(result.holds).toBe(false);
    if (result.holds) return;
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]).toMatch(
      /^web-1 deleted for the update at rv \d+ .* while web-2 \(uid uid-2-4\) was Running, not Ready at revision web-rev2: expected web-2 Running, Ready and at web-rev2$/,
    );
  });

  it('rejects updating from the lowest ordinal up', () => {
    const history = threeAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(0).bringUp(0).remove(1).bringUp(1).remove(2).bringUp(2);
    const result = rollingUpdateOrder(timelineOf(history), { window, ordinals: [0, 1, 2], updateRevision: NEW });
    expect(result.holds).toBe(false);
    if (result.holds) return;
    expect(result.violations.join('\n')).toMatch(/expected highest ordinal first/);
  });

  it('does not count a pod deleted by hand and recreated at the old revision as an update step (recorded in the partition scenario)', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1).bringUp(2).bringUp(3);
    const window = { afterRv: history.currentRv };
    history.remove(3).bringUp(3, NEW).remove(2).bringUp(2, NEW).remove(0).bringUp(0, OLD);
    history.remove(1).bringUp(1, NEW).remove(0).bringUp(0, NEW);
    expect(
      rollingUpdateOrder(timelineOf(history), { window, ordinals: [3, 2, 1, 0], updateRevision: NEW }),
    ).toMatchObject({ holds: true });
  });

  it('is not vacuous: an ordinal never recreated at the update revision is a violation', () => {
    const history = threeAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(2).bringUp(2);
    expect(rollingUpdateOrder(timelineOf(history), { window, ordinals: [1, 2], updateRevision: NEW })).toMatchObject({
      holds: false,
      violations: [`web-1 was never recreated at revision ${NEW} in the window`],
    });
  });
});

describe('partitionRespected', () => {
  it('holds when only ordinals at or above the partition move, and a deleted lower pod comes back at the old revision', () => {
    const history = threeAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.remove(2).bringUp(2, NEW).remove(0).bringUp(0, OLD);
    expect(partitionRespected(timelineOf(history), { window, partition: 2, updateRevision: NEW })).toMatchObject({
      holds: true,
    });
  });

  it('rejects a pod below the partition recreated at the update revision (partition 0 behaviour)', () => {
    const history = threeAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(2).bringUp(2).remove(1).bringUp(1).remove(0).bringUp(0);
    const result = partitionRespected(timelineOf(history), { window, partition: 2, updateRevision: NEW });
    expect(result.holds).toBe(false);
    if (result.holds) return;
    expect(result.violations).toEqual([
      expect.stringMatching(
        /^web-1 was created at rv \d+ .* with the update revision web-rev2: expected ordinals below the partition 2 to keep their revision$/,
      ),
      expect.stringMatching(/^web-0 was created at rv \d+ /),
    ]);
  });

  it('rejects a pod below the partition that already runs the update revision at the end', () => {
    const history = new SyntheticHistory().bringUp(0, NEW).bringUp(1).bringUp(2);
    const window = { afterRv: history.currentRv };
    expect(partitionRespected(timelineOf(history), { window, partition: 2, updateRevision: NEW })).toMatchObject({
      holds: false,
    });
  });
});
