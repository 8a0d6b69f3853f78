import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WaitSpan } from '../support/wait.js';

/**
 * Where each scenario's wall time went: waiting for the cluster (named waits, observation
 * windows, namespace deletion) or the harness's own work (API calls, exec, recording, evidence).
 * One JSON line per test in out/timings.jsonl.
 */
export interface ScenarioTiming {
  readonly file: string;
  readonly test: string;
  readonly failed: boolean;
  readonly totalMs: number;
  readonly waitingMs: number;
  readonly evidenceMs: number;
  /** The scenario did not run on this cluster, and why (lib/harness/applicability.ts). */
  readonly notApplicable?: string;
  /** When the test started and ended (ms since the epoch), and its named waits and observation windows. */
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly spans?: readonly WaitSpan[];
}

export const TIMINGS_FILE = 'timings.jsonl';

export async function recordTiming(outDir: string, timing: ScenarioTiming): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await appendFile(join(outDir, TIMINGS_FILE), `${JSON.stringify(timing)}\n`);
}

export async function readTimings(outDir: string): Promise<ScenarioTiming[]> {
  const text = await readFile(join(outDir, TIMINGS_FILE), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ScenarioTiming);
}

/**
 * Milliseconds during which at least one of the spans was running: waits a scenario runs side by
 * side (a Promise.all of two conditions) count once, so the waiting share never exceeds the wall time.
 */
export function coveredMs(spans: ReadonlyArray<{ startedAt: number; endedAt: number }>): number {
  const sorted = [...spans].sort((a, b) => a.startedAt - b.startedAt);
  let covered = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const span of sorted) {
    const start = Math.max(span.startedAt, reach);
    if (span.endedAt > start) covered += span.endedAt - start;
    reach = Math.max(reach, span.endedAt);
  }
  return covered;
}
