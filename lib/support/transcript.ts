/**
 * What the suite does to a cluster, as the kubectl commands a person would type: every verb that
 * changes something (apply, scale, patch, delete, exec) and every named wait says its equivalent
 * here. The harness keeps one transcript per test (evidence, and the script of `npm run repro`);
 * nothing is written anywhere unless someone listens.
 */
export interface TranscriptEntry {
  /** The kubectl arguments (without `kubectl`), or undefined for a comment line (a step, a wait). */
  readonly argv?: readonly string[];
  /** Why, in words: the step title, the awaited condition. */
  readonly comment?: string;
  /**
   * A shell line instead of argv, for waits kubectl cannot express in one command (wait for a pod
   * that does not exist yet). Shown as is; namespaces in it become variables in a bundle.
   */
  readonly shell?: string;
  /** Files the command reads (`kubectl apply -f`), by the name it gives them, with their content. */
  readonly files?: Readonly<Record<string, string>>;
}

type Listener = (entry: TranscriptEntry) => void;
const listeners = new Set<Listener>();

/** Starts listening; returns the function that stops. */
export function listenToTranscript(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function kubectl(argv: readonly string[], files?: Readonly<Record<string, string>>): void {
  for (const listener of listeners) listener({ argv, files });
}

/** A wait a person would do too: the condition in words, and the shell line that waits for it. */
export function transcriptWait(condition: string, shell: string): void {
  for (const listener of listeners) listener({ comment: `wait until ${condition}`, shell });
}

export function transcriptComment(comment: string): void {
  for (const listener of listeners) listener({ comment });
}

/** POSIX shell quoting: safe to paste. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One line of a shell script: the command, or a comment. */
export function transcriptLine(entry: TranscriptEntry): string {
  const comment = entry.comment === undefined ? [] : [`# ${entry.comment}`];
  if (entry.shell) return [...comment, entry.shell].join('\n');
  if (!entry.argv) return comment.join('\n');
  return [...comment, ['kubectl', ...entry.argv].map(shellQuote).join(' ')].join('\n');
}

/** `kubectl wait` for an object that may not exist yet (kubectl wait fails at once on NotFound). */
export function waitCommand(namespace: string, object: string, condition: string, timeoutMs: number): string {
  const seconds = Math.ceil(timeoutMs / 1000);
  const ns = shellQuote(namespace);
  return `timeout ${seconds} sh -c 'until kubectl get -n ${ns} ${object} >/dev/null 2>&1; do sleep 1; done' && kubectl wait -n ${ns} ${object} ${shellQuote(`--for=${condition}`)} --timeout=${seconds}s`;
}
