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
