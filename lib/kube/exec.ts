import { PassThrough, Readable } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import type { OwnedNamespace } from './namespace.js';
import { call } from './client.js';

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface ExecOptions {
  /** Defaults to the pod's first container. */
  readonly container?: string;
  readonly timeoutMs?: number;
  /** Sent as the command's standard input, then closed (a password, SQL): never part of the command line. */
  readonly stdin?: string;
}

/**
 * Runs a command in a pod and waits for it to finish, which client-node's exec does not do on
 * its own: its promise resolves when the socket opens, the exit status arrives on a separate
 * channel, and a dropped socket never reports one. Here the exit code comes from that status,
 * stdout and stderr stay apart, and a lost socket or the deadline rejects with the command named.
 */
export async function execInPod(
  namespace: OwnedNamespace,
  pod: string,
  command: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const { kube, name: ns } = namespace;
  const container = options.container ?? (await firstContainer(namespace, pod));
  const what = `exec in Pod ${ns}/${pod} (${container}): ${command.join(' ')}`;
  const stdout = collect();
  const stderr = collect();
  const timeoutMs = options.timeoutMs ?? 60_000;

  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: { result: ExecResult } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.result);
    };
    const timer = setTimeout(
      () => finish({ error: new Error(`${what}: no exit status after ${timeoutMs} ms`) }),
      timeoutMs,
    );

    const onStatus = (status: V1Status) => {
      const exitCode = exitCodeOf(status);
      if (exitCode === undefined) {
        finish({ error: new Error(`${what}: ${status.reason ?? 'Failure'}: ${status.message ?? 'no message'}`) });
        return;
      }
      // The library ends our streams after the status frame; let their last chunks land first.
      setImmediate(() => finish({ result: { stdout: stdout.text(), stderr: stderr.text(), exitCode } }));
    };

    new Exec(kube.config)
      .exec(
        ns,
        pod,
        container,
        [...command],
        stdout.stream,
        stderr.stream,
        options.stdin === undefined ? null : Readable.from([Buffer.from(options.stdin, 'utf8')]),
        false,
        onStatus,
      )
      .then(
        (socket) =>
          socket.on('close', () =>
            setImmediate(() => finish({ error: new Error(`${what}: the connection closed without an exit status`) })),
          ),
        (error: unknown) =>
          finish({ error: new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`) }),
      );
  });
}

/** 0 for Success, the code from details.causes for NonZeroExitCode, undefined for any other failure. */
export function exitCodeOf(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  if (status.reason !== 'NonZeroExitCode') return undefined;
  const cause = status.details?.causes?.find((candidate) => candidate.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : undefined;
}

async function firstContainer(namespace: OwnedNamespace, pod: string): Promise<string> {
  const current = await call(`read Pod ${namespace.name}/${pod}`, () =>
    namespace.kube.core.readNamespacedPod({ name: pod, namespace: namespace.name }),
  );
  const name = current.spec?.containers[0]?.name;
  if (!name) throw new Error(`Pod ${namespace.name}/${pod} has no containers`);
  return name;
}

function collect() {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
