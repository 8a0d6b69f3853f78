import { setTimeout as delay } from 'node:timers/promises';
import { formatDuration } from './format.js';
import { transcriptComment, transcriptWait } from './transcript.js';

/**
 * A named condition with a deadline: the only way this project waits. `check` returns
 * `{ done: true, value }` when the condition holds, or `{ done: false, observed }` with a
 * description of what it saw, which ends up in the timeout message. A check that sees the
 * condition can no longer come (the controller already went past it) says so in `impossible`,
 * and the wait fails at once instead of spending its deadline.
 */
export type Check<T> = () => Promise<{ done: true; value: T } | { done: false; observed: string; impossible?: string }>;

/** The condition can no longer become true: waiting longer would only cost time. */
export class ConditionImpossibleError extends Error {
  constructor(
    readonly condition: string,
    readonly seconds: number,
    readonly reason: string,
  ) {
    super(
      `gave up after ${formatDuration(seconds)} waiting for ${condition}: it can no longer happen, because ${reason}`,
    );
    this.name = 'ConditionImpossibleError';
  }
}

/** Nothing the condition looks at changed for too long: the actor is stuck. */
export class NoProgressError extends Error {
  constructor(
    readonly condition: string,
    readonly seconds: number,
    readonly stalledSeconds: number,
    readonly lastObserved: string,
  ) {
    super(
      `gave up after ${formatDuration(seconds)} waiting for ${condition}: nothing it watches changed for ${formatDuration(stalledSeconds)}; last observed: ${lastObserved}`,
    );
    this.name = 'NoProgressError';
  }
}

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
  /**
   * Fail when what the check observes has not changed for this long: for long waits on an actor
   * that makes visible progress (a rollout), so a stuck controller costs minutes, not the deadline.
   */
  readonly noProgressMs?: number;
  /** The suite's own bookkeeping (the recorder catching up), not a wait a person would do: left out of the kubectl transcript. */
  readonly bookkeeping?: boolean;
  /** The shell line a person would run to wait for the same thing (the kubectl transcript). */
  readonly shell?: string;
}

/** One named wait (`wait`) or observation window (`hold`), as it happened. */
export interface WaitSpan {
  readonly kind: 'wait' | 'hold';
  readonly condition: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * Milliseconds this process has spent in named waits and observation windows: the time a run
 * spends waiting for the cluster, as opposed to doing its own work; and each of them (`spans`),
 * from which the benchmark tells waiting for the cluster from waiting on purpose.
 */
export const waitClock = { totalMs: 0, spans: [] as WaitSpan[] };

/** Runs `body` with its start time and adds its whole duration, failed or not, to waitClock. */
async function countedAsWaiting<T>(
  kind: WaitSpan['kind'],
  condition: string,
  body: (started: number) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  try {
    return await body(started);
  } finally {
    const ended = Date.now();
    waitClock.totalMs += ended - started;
    waitClock.spans.push({ kind, condition, startedAt: started, endedAt: ended });
  }
}

export function waitFor<T>(condition: string, check: Check<T>, options: WaitOptions): Promise<T> {
  if (options.shell) transcriptWait(condition, options.shell);
  else if (!options.bookkeeping)
    transcriptComment(
      `wait until ${condition} (up to ${formatDuration(options.timeoutMs / 1000)}; watch with kubectl get pods,pvc -w)`,
    );
  return countedAsWaiting('wait', condition, (started) => poll(condition, check, options, started));
}

async function poll<T>(condition: string, check: Check<T>, options: WaitOptions, started: number): Promise<T> {
  const interval = options.intervalMs ?? 1000;
  let lastObserved = 'nothing yet';
  let changedAt = started;
  for (;;) {
    options.signal?.throwIfAborted();
    let observed: string;
    try {
      const outcome = await check();
      if (outcome.done) return outcome.value;
      if (outcome.impossible) {
        throw new ConditionImpossibleError(condition, (Date.now() - started) / 1000, outcome.impossible);
      }
      observed = outcome.observed;
    } catch (error) {
      if (error instanceof ConditionImpossibleError) throw error;
      // A failing read (connection refused while a server starts) is an observation, not an outcome.
      observed = `error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
    const now = Date.now();
    if (observed !== lastObserved) changedAt = now;
    lastObserved = observed;
    const elapsed = now - started;
    if (options.noProgressMs !== undefined && now - changedAt >= options.noProgressMs) {
      throw new NoProgressError(condition, elapsed / 1000, (now - changedAt) / 1000, lastObserved);
    }
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
  transcriptComment(`for ${formatDuration(durationMs / 1000)}, check that ${condition}`);
  return countedAsWaiting('hold', condition, (started) =>
    keepChecking(condition, durationMs, check, intervalMs, started),
  );
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
