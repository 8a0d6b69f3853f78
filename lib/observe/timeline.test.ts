import { describe, expect, it } from 'vitest';
import { renderTimelineSvg } from './picture.js';
import type { Recording } from './records.js';
import { SyntheticHistory } from './synthetic.js';
import { buildTimeline, ordinalOf } from './timeline.js';

describe('buildTimeline', () => {
  it('derives each transition once, in resourceVersion order, whatever order the records arrived in', () => {
    const recording = new SyntheticHistory().bringUp(0).bringUp(1).recording();
    const shuffled: Recording = { ...recording, records: [...recording.records].reverse() };
    const timeline = buildTimeline(shuffled, 'web');
    expect(timeline.podEvents.map((event) => `${event.pod}:${event.transition}`)).toEqual([
      'web-0:created',
      'web-0:scheduled',
      'web-0:running',
      'web-0:ready',
      'web-1:created',
      'web-1:scheduled',
      'web-1:running',
      'web-1:ready',
    ]);
    expect(
      timeline.podEvents.every(
        (event, index, all) => index === 0 || (all[index - 1] as typeof event).at.rv <= event.at.rv,
      ),
    ).toBe(true);
  });

  it('keeps one life per UID, so a recreated pod is a new incarnation with its own revision', () => {
    const history = new SyntheticHistory().bringUp(0).remove(0).useRevision('web-rev2').bringUp(0);
    const timeline = buildTimeline(history.recording(), 'web');
    expect(timeline.pods.map((life) => [life.uid, life.revision])).toEqual([
      ['uid-0-1', 'web-rev1'],
      ['uid-0-2', 'web-rev2'],
    ]);
    expect(timeline.pods[0]?.events.map((event) => event.transition)).toEqual([
      'created',
      'scheduled',
      'running',
      'ready',
      'deletionRequested',
      'deleted',
    ]);
  });

  it('reports the time deletion was requested, not the end of the grace period', () => {
    const history = new SyntheticHistory().bringUp(0).requestDeletion(0, 30);
    const request = buildTimeline(history.recording(), 'web').podEvents.find(
      (event) => event.transition === 'deletionRequested',
    );
    const record = history.recording().records.at(-1);
    expect(Date.parse(request?.at.serverTime ?? '')).toBe(
      Date.parse(String(record?.object.metadata?.deletionTimestamp)) - 30_000,
    );
  });

  it('marks a DELETED without a prior deletionTimestamp (grace period 0) as requested and deleted', () => {
    const history = new SyntheticHistory().bringUp(0).delete(0);
    const transitions = buildTimeline(history.recording(), 'web').podEvents.map((event) => event.transition);
    expect(transitions.slice(-2)).toEqual(['deletionRequested', 'deleted']);
  });

  it('ignores pods of other sets', () => {
    const history = new SyntheticHistory('other').bringUp(0);
    expect(buildTimeline(history.recording(), 'web').pods).toEqual([]);
  });
});

describe('ordinalOf', () => {
  it('prefers the pod-index label and falls back to the name', () => {
    expect(ordinalOf({ metadata: { name: 'web-7', labels: { 'apps.kubernetes.io/pod-index': '3' } } }, 'web')).toBe(3);
    expect(ordinalOf({ metadata: { name: 'web-7' } }, 'web')).toBe(7);
    expect(ordinalOf({ metadata: { name: 'webby-7' } }, 'web')).toBeUndefined();
  });
});

describe('renderTimelineSvg', () => {
  it('draws a row per ordinal, a span per state, steps and a legend per revision', () => {
    const history = new SyntheticHistory().bringUp(0).bringUp(1).useRevision('web-rev2').remove(1).bringUp(1);
    const timeline = buildTimeline(history.recording(), 'web');
    const svg = renderTimelineSvg(timeline, [{ at: timeline.startedAt + 1000, label: 'update <image>' }]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>web-0</text>');
    expect(svg).toContain('>web-1</text>');
    expect(svg).toContain('>web-rev2</text>');
    expect(svg).toContain('update &lt;image&gt;');
    expect(svg.match(/<rect [^>]*stroke=/g)?.length).toBeGreaterThanOrEqual(5);
  });
});

describe('renderTimelineSvg output', () => {
  it('is well-formed: no element repeats an attribute', () => {
    const history = new SyntheticHistory().bringUp(0).notReady(0).ready(0).remove(0);
    const svg = renderTimelineSvg(buildTimeline(history.recording(), 'web'));
    for (const element of svg.match(/<[a-z]+ [^>]*>/g) ?? []) {
      const names = [...element.matchAll(/ ([a-z-]+)="/g)].map((match) => match[1]);
      expect(new Set(names).size, element).toBe(names.length);
    }
  });
});
