import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline } from '../observe/timeline.js';
import { partitionRespected, resolveMaxUnavailable, rollingUpdateOrder } from './updates.js';
import { kindsOf } from './verdict.js';

const timelineOf = (history: SyntheticHistory) => buildTimeline(history.recording(), 'web');
const OLD = 'web-rev1';
const NEW = 'web-rev2';

function fourAtOldRevision(spec: Record<string, unknown> = {}) {
  return new SyntheticHistory()
    .setSpec({ replicas: 4, ...spec })
    .bringUp(0)
    .bringUp(1)
    .bringUp(2)
    .bringUp(3);
}

const updated = (
  history: SyntheticHistory,
  window: { afterRv: number },
  options: { ordinals?: number[]; maxUnavailableGate?: boolean } = {},
) =>
  rollingUpdateOrder(timelineOf(history), {
    window,
    ordinals: options.ordinals ?? [3, 2, 1, 0],
    updateRevision: NEW,
    contract: { maxUnavailableGate: options.maxUnavailableGate },
  });

describe('rollingUpdateOrder', () => {
  it('holds for 3, 2, 1, 0, each replacement Ready before the next old pod goes', () => {
    const history = fourAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(3).bringUp(3).remove(2).bringUp(2).remove(1).bringUp(1).remove(0).bringUp(0);
    expect(updated(history, window)).toMatchObject({ outcome: 'holds' });
  });

  it('rejects an update step while the updated web-3 is not Ready', () => {
    const history = fourAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(3).create(3).schedule(3).run(3).remove(2).ready(3).bringUp(2);
    history.remove(1).bringUp(1).remove(0).bringUp(0);
    const result = updated(history, window);
    expect(kindsOf(result)).toEqual(['updated-before-higher-available']);
    expect(result.violations[0]?.message).toMatch(
      /^web-2 was deleted for the update at rv \d+ .* while web-3 \(uid uid-3-\d+\) had not yet been Running and Ready \(Running, not Ready\): expected web-3 at web-rev2/,
    );
  });

  it('rejects an update step while a higher ordinal still runs the old revision (every higher ordinal, not only k+1)', () => {
    const history = fourAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(2).bringUp(2).remove(3).bringUp(3).remove(1).bringUp(1).remove(0).bringUp(0);
    expect(kindsOf(updated(history, window))).toEqual(['updated-out-of-order', 'updated-before-higher-available']);
  });

  it('judges the first (highest) step too: with OrderedReady every lower replica must be healthy', () => {
    const history = fourAtOldRevision().remove(0).create(0).schedule(0).run(0);
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(3).bringUp(3).ready(0).remove(2).bringUp(2).remove(1).bringUp(1);
    history.remove(0).bringUp(0);
    const result = updated(history, window);
    expect(kindsOf(result)).toEqual(['updated-while-unhealthy']);
    expect(result.violations[0]?.message).toMatch(/^web-3 was deleted for the update .* while web-0/);
  });

  it('with Parallel, lower replicas need not be healthy; higher ones still must be updated and available', () => {
    const history = fourAtOldRevision({ podManagementPolicy: 'Parallel' }).remove(0).create(0).schedule(0).run(0);
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(3).bringUp(3).ready(0).remove(2).bringUp(2).remove(1).bringUp(1);
    history.remove(0).bringUp(0);
    expect(updated(history, window)).toMatchObject({ outcome: 'holds' });
  });

  it('rejects updating from the lowest ordinal up (what OnDelete with deletions lowest first looks like)', () => {
    const history = fourAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(0).bringUp(0).remove(1).bringUp(1).remove(2).bringUp(2).remove(3).bringUp(3);
    expect(kindsOf(updated(history, window))).toEqual(['updated-out-of-order', 'updated-before-higher-available']);
  });

  it('does not count a pod deleted by hand and recreated at the old revision as an update step (the partition scenario)', () => {
    const history = fourAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.remove(3).bringUp(3, NEW).remove(2).bringUp(2, NEW).remove(0).bringUp(0, OLD);
    history.remove(1).bringUp(1, NEW).remove(0).bringUp(0, NEW);
    expect(updated(history, window)).toMatchObject({ outcome: 'holds' });
  });

  it('with the MaxUnavailableStatefulSet gate and maxUnavailable 2, two pods may be in flight; without the gate, not', () => {
    const history = fourAtOldRevision({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
    });
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(3).remove(2).bringUp(3).bringUp(2).remove(1).remove(0).bringUp(1).bringUp(0);
    expect(updated(history, window, { maxUnavailableGate: true })).toMatchObject({ outcome: 'holds' });
    expect(kindsOf(updated(history, window, { maxUnavailableGate: false }))).toEqual([
      'updated-before-higher-available',
    ]);
    const three = fourAtOldRevision({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
    });
    const threeWindow = { afterRv: three.currentRv };
    three.useRevision(NEW).remove(3).remove(2).remove(1).bringUp(3).bringUp(2).bringUp(1).remove(0).bringUp(0);
    expect(kindsOf(updated(three, threeWindow, { maxUnavailableGate: true }))).toEqual([
      'updated-before-higher-available',
    ]);
  });

  it('judges with a maxUnavailable given instead of the spec: two in flight break maxUnavailable 1', () => {
    const history = fourAtOldRevision({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } },
    });
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(3).remove(2).bringUp(3).bringUp(2).remove(1).remove(0).bringUp(1).bringUp(0);
    const judge = (maxUnavailable?: number) =>
      rollingUpdateOrder(timelineOf(history), {
        window,
        ordinals: [3, 2, 1, 0],
        updateRevision: NEW,
        contract: { maxUnavailableGate: true, maxUnavailable },
      });
    expect(judge()).toMatchObject({ outcome: 'holds' });
    expect(kindsOf(judge(1))).toEqual(['updated-before-higher-available']);
  });

  it('resolves maxUnavailable like the controller: numbers, percentages rounded down, at least 1', () => {
    expect(resolveMaxUnavailable(undefined, 4)).toBe(1);
    expect(resolveMaxUnavailable(2, 4)).toBe(2);
    expect(resolveMaxUnavailable('50%', 5)).toBe(2);
    expect(resolveMaxUnavailable('10%', 4)).toBe(1);
  });

  it('is not vacuous: an ordinal never recreated at the update revision is an absence', () => {
    const history = fourAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(3).bringUp(3);
    const result = updated(history, window, { ordinals: [2, 3] });
    expect(result.violations).toEqual([
      { kind: 'never-updated', message: `web-2 was never recreated at ${NEW} in the window` },
    ]);
  });
});

describe('partitionRespected', () => {
  const respected = (history: SyntheticHistory, window: { afterRv: number; untilRv?: number }, partition = 2) =>
    partitionRespected(timelineOf(history), { window, partition, updateRevision: NEW });

  it('holds when only ordinals at or above the partition move, and a deleted lower pod comes back at the old revision', () => {
    const history = fourAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.remove(3).bringUp(3, NEW).remove(2).bringUp(2, NEW).remove(0).bringUp(0, OLD);
    expect(respected(history, window)).toMatchObject({ outcome: 'holds' });
  });

  it('rejects pods below the partition recreated at the update revision (partition 0 behaviour)', () => {
    const history = fourAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.useRevision(NEW).remove(3).bringUp(3).remove(2).bringUp(2).remove(1).bringUp(1).remove(0).bringUp(0);
    const result = respected(history, window);
    expect(kindsOf(result)).toEqual(['below-partition-updated']);
    expect(result.violations.map((violation) => violation.message)).toEqual([
      expect.stringMatching(/^web-1 was created at rv \d+ .* at the update revision web-rev2/),
      expect.stringMatching(/^web-0 was created at rv \d+ /),
    ]);
  });

  it('rejects a pod below the partition that already runs the update revision at the end', () => {
    const history = new SyntheticHistory().bringUp(0, NEW).bringUp(1).bringUp(2);
    const window = { afterRv: history.currentRv };
    expect(kindsOf(respected(history, window))).toEqual(['below-partition-updated']);
  });

  it('an empty window does not pass: the ordinals below the partition must be known', () => {
    const result = respected(new SyntheticHistory(), { afterRv: 0 });
    expect(result).toMatchObject({ outcome: 'violated', holds: false });
    expect(kindsOf(result)).toEqual(['no-observations']);
  });

  it('a pod below the partition deleted in the window must be recreated in it', () => {
    const history = fourAtOldRevision();
    const window = { afterRv: history.currentRv };
    history.remove(0);
    const end = history.currentRv;
    history.bringUp(0, OLD);
    expect(kindsOf(respected(history, { ...window, untilRv: end }))).toEqual(['never-recreated', 'no-observations']);
    expect(respected(history, window)).toMatchObject({ outcome: 'holds' });
  });

  it('is inconclusive over a gap', () => {
    const history = fourAtOldRevision();
    const window = { afterRv: history.currentRv };
    history
      .loseTrack('pods', history.currentRv + 2)
      .remove(3)
      .bringUp(3, NEW);
    expect(respected(history, window)).toMatchObject({ outcome: 'inconclusive' });
  });
});
