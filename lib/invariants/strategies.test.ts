import { describe, expect, it } from 'vitest';
import { SyntheticHistory } from '../observe/synthetic.js';
import { buildTimeline } from '../observe/timeline.js';
import {
  failedPodsReplaced,
  livePodsAtEnd,
  onlyScenarioDeletes,
  recreatedAt,
  rollbackReusesRevision,
} from './strategies.js';
import { kindsOf } from './verdict.js';

const OLD = 'web-rev1';
const NEW = 'web-rev2';
const timelineOf = (history: SyntheticHistory) => buildTimeline(history.recording(), 'web');
const uidOf = (history: SyntheticHistory, ordinal: number) =>
  [...timelineOf(history).pods].reverse().find((life) => life.ordinal === ordinal)?.uid ?? '';

function threeOld() {
  return new SyntheticHistory()
    .setSpec({ replicas: 3, updateStrategy: { type: 'OnDelete' } })
    .bringUp(0)
    .bringUp(1)
    .bringUp(2)
    .setStatus({ currentRevision: OLD, updateRevision: OLD });
}

describe('onlyScenarioDeletes', () => {
  it('holds when the only deletion is the one the scenario made', () => {
    const history = threeOld();
    const window = { afterRv: history.currentRv };
    const uid = uidOf(history, 1);
    history.setStatus({ updateRevision: NEW }).remove(1).useRevision(NEW).bringUp(1);
    expect(
      onlyScenarioDeletes(timelineOf(history), { window, deletedByScenario: [uid], because: 'OnDelete' }),
    ).toMatchObject({ outcome: 'holds' });
  });

  it('rejects a pod the controller replaced on its own', () => {
    const history = threeOld();
    const window = { afterRv: history.currentRv };
    history.setStatus({ updateRevision: NEW }).remove(2).useRevision(NEW).bringUp(2);
    const result = onlyScenarioDeletes(timelineOf(history), { window, deletedByScenario: [], because: 'OnDelete' });
    expect(kindsOf(result)).toEqual(['deleted-by-controller']);
    expect(result.violations[0]?.message).toMatch(/^web-2 \(uid uid-2-3, revision web-rev1\) was asked to go at rv/);
  });

  it('is no-observations over an empty window', () => {
    const history = threeOld();
    const result = onlyScenarioDeletes(timelineOf(history), {
      window: { afterRv: history.currentRv },
      deletedByScenario: [],
      because: 'OnDelete',
    });
    expect(kindsOf(result)).toEqual(['no-observations']);
  });
});

describe('recreatedAt', () => {
  it('holds when the deleted pod comes back at the named revision, and rejects another revision', () => {
    const history = threeOld();
    const window = { afterRv: history.currentRv };
    const uid = uidOf(history, 0);
    history.remove(0).useRevision(NEW).bringUp(0);
    const judge = (revision: string) =>
      recreatedAt(timelineOf(history), { window, deletedByScenario: [uid], revision, because: 'OnDelete' });
    expect(judge(NEW)).toMatchObject({ outcome: 'holds' });
    expect(kindsOf(judge(OLD))).toEqual(['recreated-at-wrong-revision']);
  });

  it('says never-recreated when the pod does not come back', () => {
    const history = threeOld();
    const window = { afterRv: history.currentRv };
    const uid = uidOf(history, 0);
    history.remove(0);
    expect(
      kindsOf(recreatedAt(timelineOf(history), { window, deletedByScenario: [uid], revision: NEW, because: 'x' })),
    ).toEqual(['never-recreated']);
  });
});

describe('rollbackReusesRevision', () => {
  function updatedToNew() {
    return new SyntheticHistory()
      .setSpec({ replicas: 2 })
      .controllerRevision(OLD, 1)
      .bringUp(0)
      .bringUp(1)
      .setStatus({ currentRevision: OLD, updateRevision: OLD })
      .controllerRevision(NEW, 2)
      .setStatus({ updateRevision: NEW })
      .useRevision(NEW)
      .remove(1)
      .bringUp(1)
      .remove(0)
      .bringUp(0)
      .setStatus({ currentRevision: NEW });
  }

  it('holds when the revert reuses the earlier revision and every pod ends there', () => {
    const history = updatedToNew();
    const window = { afterRv: history.currentRv };
    history.controllerRevision(OLD, 3).setStatus({ updateRevision: OLD }).useRevision(OLD);
    history.remove(1).bringUp(1).remove(0).bringUp(0).setStatus({ currentRevision: OLD });
    expect(
      rollbackReusesRevision(timelineOf(history), { window, known: [OLD, NEW], finalRevision: OLD }),
    ).toMatchObject({ outcome: 'holds' });
  });

  it('rejects a new ControllerRevision for the reverted template, and pods left at another revision', () => {
    const history = updatedToNew();
    const window = { afterRv: history.currentRv };
    history.controllerRevision('web-rev3', 3).setStatus({ updateRevision: 'web-rev3' }).useRevision('web-rev3');
    history.remove(1).bringUp(1);
    const result = rollbackReusesRevision(timelineOf(history), { window, known: [OLD, NEW], finalRevision: OLD });
    expect(kindsOf(result)).toEqual(['rollback-new-revision', 'pod-at-stale-revision']);
    expect(result.violations.map((violation) => violation.message).join('\n')).toMatch(
      /ControllerRevision web-rev3 \(revision 3\) was created .*\nstatus.updateRevision was web-rev3 .*expected the earlier revision web-rev1\nweb-0 \(uid uid-0-\d+\) ran revision web-rev2 at the end/,
    );
  });

  it('lists the pods alive at the end of a window', () => {
    const history = updatedToNew();
    const end = { afterRv: -1, untilRv: history.currentRv };
    history.remove(1);
    expect(livePodsAtEnd(timelineOf(history), end).map((life) => life.pod)).toEqual(['web-1', 'web-0']);
  });
});

describe('failedPodsReplaced', () => {
  it('holds when a failed pod is deleted and its ordinal made again, and rejects one left in place', () => {
    const replaced = new SyntheticHistory().setSpec({ replicas: 1 }).create(0).fail(0, 'NodePorts').remove(0).create(0);
    expect(failedPodsReplaced(timelineOf(replaced), { window: { afterRv: -1 } })).toMatchObject({ outcome: 'holds' });
    const kept = new SyntheticHistory().setSpec({ replicas: 1 }).create(0).fail(0, 'NodePorts');
    const result = failedPodsReplaced(timelineOf(kept), { window: { afterRv: -1 } });
    expect(kindsOf(result)).toEqual(['failed-pod-kept']);
    expect(result.violations[0]?.message).toMatch(/^web-0 \(uid uid-0-1\) turned Failed \(NodePorts\) at rv \d+/);
    expect(kindsOf(failedPodsReplaced(timelineOf(threeOld()), { window: { afterRv: -1 } }))).toEqual([
      'no-observations',
    ]);
  });
});
