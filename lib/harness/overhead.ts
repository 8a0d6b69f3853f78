import type { Recording, WatchRecord } from '../observe/records.js';
import type { WaitSpan } from '../support/wait.js';
import type { ScenarioTiming } from './timings.js';

/**
 * Where a scenario's wall time went, for the benchmark: what the behaviour itself takes (pods
 * starting and becoming Ready, claims being provisioned, pods terminating, the scenario's hold
 * windows), what else the scenario waited for (the controller reacting, DNS converging), and the
 * suite's own work (API calls, exec, the recorder's barrier, evidence). Pure: from a test's
 * timing record (its named waits) and its namespaces' recordings, all on this machine's clock.
 */
export interface Overhead {
  readonly totalMs: number;
  /** Union of the inherent intervals below, within the test. */
  readonly inherentMs: number;
  /** Each kind of inherent interval on its own (they overlap one another). */
  readonly podStartMs: number;
  readonly readinessMs: number;
  readonly provisioningMs: number;
  readonly terminationMs: number;
  readonly holdMs: number;
  /** Named waits outside the inherent intervals (the barrier excluded): the controller's and DNS's time. */
  readonly otherWaitMs: number;
  /** Everything else: the harness's own work. */
  readonly suiteMs: number;
  /** Of the suite's own time: the recorder's barrier before verdicts, and evidence collection. */
  readonly barrierMs: number;
  readonly evidenceMs: number;
}

type Interval = readonly [number, number];

/** The recorder's barrier waits are named "the recorder of ... to have seen ..." (recorder.ts). */
const BARRIER = /^the recorder of /;

export function overheadOf(timing: ScenarioTiming, recordings: readonly Recording[]): Overhead | undefined {
  if (timing.startedAt === undefined || timing.endedAt === undefined) return undefined;
  const window: Interval = [timing.startedAt, timing.endedAt];
  const records = recordings.flatMap((recording) => recording.records);
  const pods = podIntervals(records);
  const provisioning = claimIntervals(records);
  const spans = timing.spans ?? [];
  const holds = spans.filter((span) => span.kind === 'hold').map(toInterval);
  const barrier = spans.filter((span) => BARRIER.test(span.condition)).map(toInterval);
  const waits = spans.filter((span) => span.kind === 'wait' && !BARRIER.test(span.condition)).map(toInterval);

  const inherent = [...pods.start, ...pods.readiness, ...provisioning, ...pods.termination, ...holds];
  const inherentMs = measure(inherent, window);
  const waitedMs = measure([...inherent, ...waits], window);
  const totalMs = timing.endedAt - timing.startedAt;
  return {
    totalMs,
    inherentMs,
    podStartMs: measure(pods.start, window),
    readinessMs: measure(pods.readiness, window),
    provisioningMs: measure(provisioning, window),
    terminationMs: measure(pods.termination, window),
    holdMs: measure(holds, window),
    otherWaitMs: waitedMs - inherentMs,
    suiteMs: Math.max(0, totalMs - waitedMs),
    barrierMs: measure(barrier, window),
    evidenceMs: timing.evidenceMs,
  };
}

function toInterval(span: WaitSpan): Interval {
  return [span.startedAt, span.endedAt];
}

/** Per pod (UID): created -> Running, Running -> Ready, deletion requested -> gone. */
function podIntervals(records: readonly WatchRecord[]) {
  const start: Interval[] = [];
  const readiness: Interval[] = [];
  const termination: Interval[] = [];
  const byUid = new Map<string, WatchRecord[]>();
  for (const record of records) {
    if (record.resource !== 'pods' || record.type === 'SYNC') continue;
    const uid = record.object.metadata?.uid ?? '';
    byUid.set(uid, [...(byUid.get(uid) ?? []), record]);
  }
  for (const history of byUid.values()) {
    const created = history.find((record) => record.type === 'ADDED')?.receivedAt;
    const running = history.find((record) => phaseOf(record) === 'Running')?.receivedAt;
    const ready = history.find(isReady)?.receivedAt;
    const deleting = history.find((record) => record.object.metadata?.deletionTimestamp)?.receivedAt;
    const deleted = history.find((record) => record.type === 'DELETED')?.receivedAt;
    if (created !== undefined && running !== undefined) start.push([created, running]);
    if (running !== undefined && ready !== undefined && ready >= running) readiness.push([running, ready]);
    if (deleting !== undefined && deleted !== undefined) termination.push([deleting, deleted]);
  }
  return { start, readiness, termination };
}

/** Per claim (UID): created -> Bound. */
function claimIntervals(records: readonly WatchRecord[]): Interval[] {
  const created = new Map<string, number>();
  const intervals: Interval[] = [];
  for (const record of records) {
    if (record.resource !== 'persistentvolumeclaims' || record.type === 'SYNC') continue;
    const uid = record.object.metadata?.uid ?? '';
    if (record.type === 'ADDED') created.set(uid, record.receivedAt);
    const since = created.get(uid);
    if (since !== undefined && phaseOf(record) === 'Bound') {
      intervals.push([since, record.receivedAt]);
      created.delete(uid);
    }
  }
  return intervals;
}

function phaseOf(record: WatchRecord): string | undefined {
  return (record.object.status as { phase?: string } | undefined)?.phase;
}

function isReady(record: WatchRecord): boolean {
  const conditions = (record.object.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)
    ?.conditions;
  return conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

/** Length of the union of the intervals, clipped to the window. */
export function measure(intervals: readonly Interval[], window: Interval): number {
  const clipped = intervals
    .map(([from, to]) => [Math.max(from, window[0]), Math.min(to, window[1])] as const)
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of clipped) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}
