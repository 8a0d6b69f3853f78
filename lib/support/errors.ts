/**
 * An error a person can act on: the message is one line, "<cause>; <remedy>", and command-line
 * entry points print exactly that line and exit with `exitCode`.
 */
export class ActionableError extends Error {
  constructor(
    readonly causeText: string,
    readonly remedy: string,
    readonly exitCode = 1,
  ) {
    super(`${causeText}; ${remedy}`);
    this.name = 'ActionableError';
  }
}

/** Exit code for bad input (unknown scenario, unknown flag). */
const USAGE_EXIT_CODE = 2;

/** Bad input (a flag, an environment variable, an argument); printed as one line with exit code 2. */
export class UsageError extends ActionableError {
  constructor(cause: string, remedy: string) {
    super(cause, remedy, USAGE_EXIT_CODE);
    this.name = 'UsageError';
  }
}

/** The first line of any error, for one-line reports. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).trim();
}

/** The exit code of a run stopped by Ctrl-C (SIGINT) or SIGTERM, as shells report it for SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130;

/** A run stopped by a signal, after undoing what the interrupted step had made. */
export class InterruptedError extends Error {
  readonly exitCode = INTERRUPTED_EXIT_CODE;
  constructor(what: string) {
    super(`interrupted ${what}`);
    this.name = 'InterruptedError';
  }
}
