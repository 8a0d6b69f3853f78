import { setTimeout as delay } from 'node:timers/promises';
import { formatDuration } from './format.js';

/**
 * A named condition with a deadline: the only way this project waits. `check` returns
 * `{ done: true, value }` when the condition holds, or `{ done: false, observed }` with a
 * description of what it saw, which ends up in the timeout message.
 */
export type Check<T> = () => Promise<{ done: true; value: T } | { done: false; observed: string }>;

export class WaitTimeoutError extends Error {
  constructor(
    readonly condition: string,
    readonly seconds: number,
    readonly lastObserved: string,
  ) {
    super(`timed out after ${formatDuration(seconds)} waiting for ${condition}; last observed: ${lastObserved}`);
    this.name = 'WaitTimeoutError';
  }
}

export interface WaitOptions {
  /** Deadline in milliseconds. */
  readonly timeoutMs: number;
  /** Pause between checks in milliseconds (the check itself may take longer). */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Milliseconds this process has spent in named waits and observation windows: the time a run
 * spends waiting for the cluster, as opposed to doing its own work.
 */
export const waitClock = { totalMs: 0 };

/** Runs `body` with its start time and adds its whole duration, failed or not, to waitClock. */
async function countedAsWaiting<T>(body: (started: number) => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await body(started);
  } finally {
    waitClock.totalMs += Date.now() - started;
  }
}

export function waitFor<T>(condition: string, check: Check<T>, options: WaitOptions): Promise<T> {
  return countedAsWaiting((started) => poll(condition, check, options, started));
}

async function poll<T>(condition: string, check: Check<T>, options: WaitOptions, started: number): Promise<T> {
  const interval = options.intervalMs ?? 1000;
  let lastObserved = 'nothing yet';
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const outcome = await check();
      if (outcome.done) return outcome.value;
      lastObserved = outcome.observed;
    } catch (error) {
      // A failing read (connection refused while a server starts) is an observation, not an outcome.
      lastObserved = `error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) throw new WaitTimeoutError(condition, elapsed / 1000, lastObserved);
    await delay(Math.min(interval, options.timeoutMs - elapsed), undefined, { signal: options.signal });
  }
}

/** Rejects with a message naming `what` if `promise` does not settle within `timeoutMs`. */
export async function withDeadline<T>(what: string, timeoutMs: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeoutError(what, timeoutMs / 1000, 'no answer')), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export class ConditionBrokenError extends Error {
  constructor(
    readonly condition: string,
    readonly afterSeconds: number,
    readonly observed: string,
  ) {
    super(
      `expected ${condition} for the whole window, but after ${formatDuration(afterSeconds)} observed: ${observed}`,
    );
    this.name = 'ConditionBrokenError';
  }
}

/**
 * A negative observation window: checks that `condition` keeps holding for `durationMs`, and
 * fails at the first check where it does not. Only meaningful after the actor has observed the
 * change (see controllerObserved); scenarios prove the rest from the recorded timeline.
 */
export function holdsFor(
  condition: string,
  durationMs: number,
  check: () => Promise<{ holds: boolean; observed: string }>,
  intervalMs = 500,
): Promise<void> {
  return countedAsWaiting((started) => keepChecking(condition, durationMs, check, intervalMs, started));
}

async function keepChecking(
  condition: string,
  durationMs: number,
  check: () => Promise<{ holds: boolean; observed: string }>,
  intervalMs: number,
  started: number,
): Promise<void> {
  for (;;) {
    const outcome = await check();
    const elapsed = Date.now() - started;
    if (!outcome.holds) throw new ConditionBrokenError(condition, elapsed / 1000, outcome.observed);
    if (elapsed >= durationMs) return;
    await delay(Math.min(intervalMs, durationMs - elapsed));
  }
}
