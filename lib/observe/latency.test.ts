import { describe, expect, it } from 'vitest';
import {
  latencyBounds,
  medianTarget,
  percentile,
  probeLatencies,
  summarizeLatency,
  type ProbeWrite,
} from './latency.js';
import type { WatchRecord } from './records.js';

const T0 = Date.parse('2026-11-22T08:00:00Z');

function record(rv: number, receivedAt: number, extra: Partial<WatchRecord> = {}, metadata = {}): WatchRecord {
  return {
    seq: rv,
    resource: 'pods',
    type: 'MODIFIED',
    receivedAt,
    object: { metadata: { name: 'web-0', resourceVersion: String(rv), ...metadata } },
    ...extra,
  };
}

// Probe writes every 100 ms, each answered 4 ms after it was sent.
const clock: ProbeWrite[] = Array.from({ length: 30 }, (_, index) => ({
  rv: 1000 + index * 10,
  sentAt: T0 + index * 100,
  respondedAt: T0 + index * 100 + 4,
  receivedAt: T0 + index * 100 + 9,
}));

describe('latencyBounds', () => {
  it('brackets a write between the probe writes around its resourceVersion', () => {
    // rv 1055 lies between probe 1050 (sent at +500) and probe 1060 (answered at +604).
    const [bound] = latencyBounds([record(1055, T0 + 640)], clock);
    expect(bound).toEqual({ rv: 1055, resource: 'pods', type: 'MODIFIED', lowerMs: 36, upperMs: 140 });
  });

  it("narrows the bracket with the object's own timestamps, which are no later than the write", () => {
    // managedFields says the write happened in second 08:00:02: no earlier than +2000.
    const lateClock = clock.map((write) => ({
      ...write,
      sentAt: write.sentAt - 5000,
      respondedAt: write.respondedAt + 2100,
    }));
    const [bound] = latencyBounds([record(1055, T0 + 2700, { managedAt: '2026-11-22T08:00:02Z' })], lateClock);
    expect(bound?.upperMs).toBe(700);
  });

  it('takes the deletion request from deletionTimestamp minus the grace period', () => {
    const [bound] = latencyBounds(
      [
        record(
          1055,
          T0 + 640,
          {},
          {
            deletionTimestamp: '2026-11-22T08:00:30Z',
            deletionGracePeriodSeconds: 30,
          },
        ),
      ],
      clock,
    );
    expect(bound?.upperMs).toBe(140);
  });

  it('leaves out list results and writes the clock does not enclose', () => {
    expect(latencyBounds([record(1055, T0 + 640, { type: 'SYNC' })], clock)).toEqual([]);
    expect(latencyBounds([record(5000, T0 + 640)], clock)).toEqual([]);
  });
});

describe('probeLatencies and the summary', () => {
  it("knows the probe's own writes to within their round trip", () => {
    expect(probeLatencies(clock.slice(0, 1))).toEqual([
      { rv: 1000, resource: 'events', type: 'ADDED', lowerMs: 5, upperMs: 9 },
    ]);
  });

  it('decides the median target only when the brackets allow it', () => {
    const summary = summarizeLatency(probeLatencies(clock));
    expect(summary).toMatchObject({ count: 30, medianMs: { lower: 5, upper: 9 }, p95Ms: { lower: 5, upper: 9 } });
    expect(medianTarget(summary!, 200)).toBe('met');
    expect(medianTarget({ ...summary!, medianMs: { lower: 150, upper: 260 } }, 200)).toBe('undecided');
    expect(medianTarget({ ...summary!, medianMs: { lower: 210, upper: 260 } }, 200)).toBe('missed');
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, index) => index + 1),
        95,
      ),
    ).toBe(95);
  });
});
