import { execInPod } from '../kube/exec.js';
import type { OwnedNamespace } from '../kube/namespace.js';

/**
 * What the database adapters (mysql.ts, postgres.ts, mongo.ts) run on: a function that runs a
 * command inside the database's container and returns its output. The same adapter runs through
 * the Kubernetes exec API in a pod (podExec below) and through testcontainers' `container.exec`
 * on the host's Docker (the integration project), so its parsing is proven once for both.
 */

export interface ExecOutcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs argv (no shell unless argv asks for one) with `stdin` as its standard input. */
export type DbExec = (argv: readonly string[], stdin?: string) => Promise<ExecOutcome>;

/**
 * A password, never placed on a command line: either the name of an environment variable the
 * container already has (the pod's secretKeyRef: the value never leaves the container), or a
 * value sent as the first line of standard input.
 */
export type Secret = { readonly fromEnv: string } | { readonly value: string };

export interface Credentials {
  readonly user: string;
  readonly password?: Secret;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `sh -c` that exports the password as `variable` and then runs `command` (a shell fragment with
 * no secret in it), plus the stdin to send. The argv and every error message that quotes it stay
 * free of the password.
 */
export function withSecret(
  variable: string,
  secret: Secret | undefined,
  command: string,
  stdin = '',
): { argv: string[]; stdin: string } {
  if (!ENV_NAME.test(variable)) throw new Error(`not an environment variable name: ${variable}`);
  if (!secret) return { argv: ['sh', '-c', command], stdin };
  if ('fromEnv' in secret) {
    if (!ENV_NAME.test(secret.fromEnv)) throw new Error(`not an environment variable name: ${secret.fromEnv}`);
    return { argv: ['sh', '-c', `${variable}="$${secret.fromEnv}"; export ${variable}; ${command}`], stdin };
  }
  if (secret.value.includes('\n')) throw new Error('a password with a line break cannot be sent on one line');
  return {
    argv: ['sh', '-c', `IFS= read -r ${variable}; export ${variable}; ${command}`],
    stdin: `${secret.value}\n${stdin}`,
  };
}

/** A value for a single-quoted shell word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A failed command, with its output (never its stdin) in the message. */
export class DbCommandError extends Error {
  constructor(
    readonly what: string,
    readonly outcome: ExecOutcome,
  ) {
    super(`${what} failed (exit ${outcome.exitCode}): ${firstLines(outcome.stderr || outcome.stdout)}`);
    this.name = 'DbCommandError';
  }
}

export function firstLines(text: string, count = 3): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.slice(0, count).join(' | ') || '(no output)';
}

/** Ledger row ids: unique, sortable by time of creation, and safe in any SQL or JSON literal. */
export function newLedgerId(prefix = 'row'): string {
  if (!/^[a-z0-9-]+$/.test(prefix)) throw new Error(`ledger id prefix ${prefix} is not [a-z0-9-]`);
  const time = Date.now().toString(36).padStart(9, '0');
  const random = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${prefix}-${time}-${random}`;
}

export const LEDGER_ID = /^[a-z0-9-]{1,64}$/;

export function requireLedgerId(id: string): string {
  if (!LEDGER_ID.test(id)) throw new Error(`ledger id ${JSON.stringify(id)} is not [a-z0-9-]{1,64}`);
  return id;
}

/** Result of writing one ledger row: acknowledged only when the server said so. */
export type LedgerWrite =
  | { readonly acknowledged: true; readonly id: string }
  | {
      readonly acknowledged: false;
      readonly id: string;
      /** The server refused it because it is read-only (a replica, a standby). */
      readonly refusedAsReadOnly: boolean;
      readonly error: string;
    };

export type Role = 'primary' | 'replica' | 'read-only';

/** The adapters' exec through the Kubernetes exec API, into one container of a pod. */
export function podExec(
  namespace: OwnedNamespace,
  pod: string,
  options: { container?: string; timeoutMs?: number } = {},
): DbExec {
  return (argv, stdin) => execInPod(namespace, pod, argv, { ...options, stdin });
}
