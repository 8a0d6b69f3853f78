import type { WatchRecord } from './records.js';

/**
 * The recorder's event latency: from the API server's write of an object state to the moment
 * the recorder had it. Pure; the benchmark feeds it recordings and a probe's writes.
 *
 * The write's time is not in the object with any precision: managedFields, creationTimestamp and
 * condition times have whole seconds. It is bracketed instead, from two sides:
 *
 * - Below, by the object's own timestamps (the newest managedFields time, creationTimestamp, the
 *   deletion request): each was taken before the write committed, so the write is no earlier
 *   than that second began. On a kind cluster the API server shares this machine's clock.
 * - By a clock of resourceVersions: a probe writes a small object every ~100 ms and notes when
 *   it sent each request and when the answer (with the new resourceVersion) came back. A
 *   resourceVersion is the etcd revision of a write, one global order: a write at revision r lies
 *   after the probe write just below r was sent, and before the probe write just above r was
 *   answered.
 *
 * So every delivered record gets a lower and an upper bound on its latency, and a median or a
 * percentile of the upper bounds is an upper bound of the true median or percentile (order
 * statistics are monotone), likewise for the lower bounds.
 */
export interface ProbeWrite {
  /** The resourceVersion the API server answered with. */
  readonly rv: number;
  /** When the request was sent and when its answer arrived (ms since the epoch, this machine). */
  readonly sentAt: number;
  readonly respondedAt: number;
  /** When the probe's own recorder received the write's watch event, if it did. */
  readonly receivedAt?: number;
}

export interface LatencyBounds {
  readonly rv: number;
  readonly resource: string;
  readonly type: string;
  /** Bounds on (arrival - write) in milliseconds. */
  readonly lowerMs: number;
  readonly upperMs: number;
}

/** Bounds for every record the recorder got from a watch (not from a list), where both sides are known. */
export function latencyBounds(records: readonly WatchRecord[], clock: readonly ProbeWrite[]): LatencyBounds[] {
  const probes = [...clock].sort((a, b) => a.rv - b.rv);
  const bounds: LatencyBounds[] = [];
  for (const record of records) {
    if (record.type === 'SYNC') continue;
    const rv = Number(record.object.metadata?.resourceVersion);
    if (!Number.isFinite(rv) || rv <= 0) continue;
    const before = lastBelow(probes, rv);
    const after = firstAbove(probes, rv);
    const earliest = Math.max(before?.sentAt ?? -Infinity, serverTimeFloor(record) ?? -Infinity);
    const latest = after?.respondedAt;
    if (!Number.isFinite(earliest) || latest === undefined) continue;
    bounds.push({
      rv,
      resource: record.resource,
      type: record.type,
      lowerMs: Math.max(0, record.receivedAt - latest),
      upperMs: Math.max(0, record.receivedAt - earliest),
    });
  }
  return bounds;
}

/** The probe's own writes: the recorder's latency to within the request's round trip. */
export function probeLatencies(clock: readonly ProbeWrite[]): LatencyBounds[] {
  return clock
    .filter((write) => write.receivedAt !== undefined)
    .map((write) => ({
      rv: write.rv,
      resource: 'events',
      type: 'ADDED',
      lowerMs: Math.max(0, (write.receivedAt as number) - write.respondedAt),
      upperMs: Math.max(0, (write.receivedAt as number) - write.sentAt),
    }));
}

/** The latest of the object's own second-resolution timestamps for this state: no later than the write. */
export function serverTimeFloor(record: WatchRecord): number | undefined {
  const metadata = record.object.metadata ?? {};
  const candidates = [record.managedAt, metadata.creationTimestamp].map((text) => (text ? Date.parse(text) : NaN));
  if (metadata.deletionTimestamp) {
    // The server sets deletionTimestamp to the request time plus the grace period.
    candidates.push(Date.parse(metadata.deletionTimestamp) - (metadata.deletionGracePeriodSeconds ?? 0) * 1000);
  }
  const known = candidates.filter(Number.isFinite);
  return known.length > 0 ? Math.max(...known) : undefined;
}

export interface LatencySummary {
  readonly count: number;
  /** Percentiles of the lower and of the upper bounds, in milliseconds. */
  readonly medianMs: { readonly lower: number; readonly upper: number };
  readonly p95Ms: { readonly lower: number; readonly upper: number };
  /** Median width of the brackets: how precisely each latency is known. */
  readonly medianBracketMs: number;
}

export function summarizeLatency(bounds: readonly LatencyBounds[]): LatencySummary | undefined {
  if (bounds.length === 0) return undefined;
  const lower = bounds.map((bound) => bound.lowerMs);
  const upper = bounds.map((bound) => bound.upperMs);
  return {
    count: bounds.length,
    medianMs: { lower: percentile(lower, 50), upper: percentile(upper, 50) },
    p95Ms: { lower: percentile(lower, 95), upper: percentile(upper, 95) },
    medianBracketMs: percentile(
      bounds.map((bound) => bound.upperMs - bound.lowerMs),
      50,
    ),
  };
}

/** Whether the median latency is below `targetMs`: proven, refuted, or not decidable from the brackets. */
export function medianTarget(summary: LatencySummary, targetMs: number): 'met' | 'missed' | 'undecided' {
  if (summary.medianMs.upper < targetMs) return 'met';
  if (summary.medianMs.lower >= targetMs) return 'missed';
  return 'undecided';
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

function lastBelow(probes: readonly ProbeWrite[], rv: number): ProbeWrite | undefined {
  let low = 0;
  let high = probes.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((probes[middle] as ProbeWrite).rv < rv) low = middle + 1;
    else high = middle;
  }
  return probes[low - 1];
}

function firstAbove(probes: readonly ProbeWrite[], rv: number): ProbeWrite | undefined {
  let low = 0;
  let high = probes.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((probes[middle] as ProbeWrite).rv <= rv) low = middle + 1;
    else high = middle;
  }
  return probes[low];
}
