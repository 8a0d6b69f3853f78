import { parseArgs } from 'node:util';
import { ActionableError, firstLine, UsageError } from '../lib/support/errors.js';

/**
 * Runs a command-line entry point: any failure becomes one line on stderr naming the cause
 * (and, where there is one, the remedy or the log to read) and a nonzero exit code.
 * STS_DEBUG=1 adds the stack.
 */
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      const exitCode =
        error instanceof ActionableError ? error.exitCode : ((error as { exitCode?: number }).exitCode ?? 1);
      console.error(`error: ${firstLine(error)}`);
      if (process.env.STS_DEBUG && error instanceof Error) console.error(error.stack);
      process.exit(typeof exitCode === 'number' && exitCode > 0 ? exitCode : 1);
    },
  );
}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
export type Flags = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** Strict flag parsing: an unknown flag is a usage error, not silently ignored. */
export function parseFlags(args: string[], spec: FlagSpec, usage: string): { flags: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: spec, allowPositionals: true, strict: true });
    return { flags: values as Flags, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] as string, usage);
  }
}
