import { describe, expect, it } from 'vitest';
import type { Recording, WatchRecord } from '../observe/records.js';
import { measure, overheadOf } from './overhead.js';
import { coveredMs, type ScenarioTiming } from './timings.js';

const T = 1_700_000_000_000;
let seq = 0;
const pod = (at: number, type: WatchRecord['type'], status: Record<string, unknown>, metadata = {}): WatchRecord => ({
  seq: seq++,
  resource: 'pods',
  type,
  receivedAt: T + at,
  object: { metadata: { name: 'web-0', uid: 'p0', ...metadata }, status },
});
const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
const claim = (at: number, type: WatchRecord['type'], phase: string): WatchRecord => ({
  seq: seq++,
  resource: 'persistentvolumeclaims',
  type,
  receivedAt: T + at,
  object: { metadata: { name: 'data-web-0', uid: 'c0' }, status: { phase } },
});

describe('overheadOf', () => {
  // A 20 s test: the claim binds 1-3 s, the pod starts 2-5 s and is Ready at 6 s, a 4 s hold
  // window 8-12 s, the controller is awaited 12-14 s, the barrier takes 0.5 s, and the pod is
  // deleted 15-17 s. Inherent: 1-6, 8-12, 15-17 = 11 s; other waits 12-14 = 2 s; the rest is the suite's.
  const recording: Recording = {
    namespace: 'sts-x',
    startedAt: T,
    stoppedAt: T + 20_000,
    records: [
      claim(1000, 'ADDED', 'Pending'),
      claim(3000, 'MODIFIED', 'Bound'),
      pod(2000, 'ADDED', { phase: 'Pending' }),
      pod(5000, 'MODIFIED', { phase: 'Running' }),
      pod(6000, 'MODIFIED', ready),
      pod(15_000, 'MODIFIED', ready, { deletionTimestamp: 'x' }),
      pod(17_000, 'DELETED', ready),
    ],
    gaps: [],
  };
  const timing: ScenarioTiming = {
    file: 'f',
    test: 't',
    failed: false,
    totalMs: 20_000,
    waitingMs: 0,
    evidenceMs: 300,
    startedAt: T,
    endedAt: T + 20_000,
    spans: [
      { kind: 'wait', condition: 'Pod sts-x/web-0 to be Running and Ready', startedAt: T + 2000, endedAt: T + 6000 },
      { kind: 'hold', condition: 'Pod sts-x/web-1 to stay absent', startedAt: T + 8000, endedAt: T + 12_000 },
      {
        kind: 'wait',
        condition: 'the StatefulSet controller to report ...',
        startedAt: T + 12_000,
        endedAt: T + 14_000,
      },
      {
        kind: 'wait',
        condition: 'the recorder of sts-x to have seen every pods change',
        startedAt: T + 18_000,
        endedAt: T + 18_500,
      },
    ],
  };

  it('splits the wall time into the behaviour, other waits and the suite', () => {
    expect(overheadOf(timing, [recording])).toEqual({
      totalMs: 20_000,
      inherentMs: 11_000,
      podStartMs: 3000,
      readinessMs: 1000,
      provisioningMs: 2000,
      terminationMs: 2000,
      holdMs: 4000,
      otherWaitMs: 2000,
      suiteMs: 7000,
      barrierMs: 500,
      evidenceMs: 300,
    });
  });

  it('needs the test window', () => {
    expect(overheadOf({ ...timing, startedAt: undefined }, [recording])).toBeUndefined();
  });
});

describe('measure', () => {
  it('is the length of the union, clipped to the window', () => {
    expect(
      measure(
        [
          [0, 10],
          [5, 15],
          [20, 30],
          [25, 26],
        ],
        [2, 28],
      ),
    ).toBe(13 + 8);
  });
});

describe('coveredMs', () => {
  it('counts waits that ran side by side once, and gaps between waits not at all', () => {
    expect(
      coveredMs([
        { startedAt: 0, endedAt: 10_000 },
        { startedAt: 2_000, endedAt: 12_000 },
        { startedAt: 20_000, endedAt: 21_000 },
        { startedAt: 20_500, endedAt: 20_800 },
      ]),
    ).toBe(13_000);
    expect(coveredMs([])).toBe(0);
  });
});
