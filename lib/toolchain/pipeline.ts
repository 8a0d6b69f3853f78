import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { execa, type Options as ExecaOptions } from 'execa';
import type { CacheLayout } from './cache.js';
import { formatDuration } from '../support/format.js';

/**
 * A make-like build of cached steps. A step's output directory is keyed by a hash of its
 * fingerprint (pins, derived versions, host facts), the source of its recipe files and the
 * keys of the steps it needs. The directory appears only after the step succeeded (it is
 * built under a `.partial` name and renamed), so a failed step never looks complete.
 */
export interface Step<R> {
  readonly name: string;
  readonly title: string;
  /** 'cpu' steps (compilers) run one at a time; 'io' steps (downloads, docker) alongside them. */
  readonly resource: 'cpu' | 'io';
  readonly needs: readonly Step<any>[];
  /** Source files whose content is part of the recipe; editing one rebuilds the step. */
  readonly recipeFiles: readonly string[];
  /** What else identifies the output: pins, versions derived from other steps, host facts. */
  fingerprint(use: Use): unknown;
  build(context: StepContext, use: Use): Promise<R>;
  /** For outputs kept outside the artifact directory (Docker images): are they still there? Asked only when a dependent builds. */
  stillPresent?(output: StepOutput<R>): Promise<boolean>;
}

export type Use = <T>(step: Step<T>) => StepOutput<T>;

export interface StepOutput<R> {
  readonly name: string;
  readonly key: string;
  readonly dir: string;
  readonly result: R;
  readonly cached: boolean;
  readonly seconds: number;
}

export interface StepContext {
  readonly key: string;
  /** The step's artifact directory, still under its partial name while the step runs. */
  readonly outDir: string;
  readonly logFile: string;
  readonly cache: CacheLayout;
  /** Runs a command with its output appended to the step log; throws StepCommandError. */
  run(command: string, args: readonly string[], options?: ExecaOptions): Promise<void>;
  /** Like run, but returns stdout (stderr still goes to the log). */
  capture(command: string, args: readonly string[], options?: ExecaOptions): Promise<string>;
  /** Like capture, but a nonzero exit is returned instead of thrown. */
  attempt(
    command: string,
    args: readonly string[],
    options?: ExecaOptions,
  ): Promise<{ exitCode: number; stdout: string }>;
  /** A line for the log and for the progress display. */
  note(line: string): void;
}

export class StepFailedError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
    readonly logFile: string,
    readonly seconds: number,
  ) {
    super(`step ${step} failed after ${formatDuration(seconds)}: ${oneLine(cause)}; read ${logFile}`);
    this.name = 'StepFailedError';
  }
}

export class StepCommandError extends Error {
  constructor(
    readonly commandLine: string,
    readonly exitCode: number | undefined,
    detail: string,
  ) {
    super(
      `\`${commandLine}\` ${exitCode === undefined ? 'could not run' : `exited with code ${exitCode}`}${detail ? `: ${detail}` : ''}`,
    );
    this.name = 'StepCommandError';
  }
}

export interface PipelineReporter {
  started(step: Step<unknown>, key: string, logFile: string): void;
  progress(step: Step<unknown>, elapsedSeconds: number, lastLine: string): void;
  finished(output: StepOutput<unknown>): void;
  failed(error: StepFailedError): void;
}

export interface PipelineOptions {
  readonly cache: CacheLayout;
  /** Step names to build again even if cached ('all' for every step); their dependents follow. */
  readonly rebuild: ReadonlySet<string> | 'all';
  readonly reporter: PipelineReporter;
  /** Seconds between progress lines of a running step. */
  readonly progressEverySeconds?: number;
  /** Environment for every command (GOMODCACHE, GOCACHE...). */
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

export class Pipeline {
  private readonly outputs = new Map<string, Promise<StepOutput<unknown>>>();
  private readonly resolved = new Map<string, StepOutput<unknown>>();
  private readonly materialized = new Map<string, Promise<void>>();
  private readonly slots = { cpu: new Slots(1), io: new Slots(2) };
  private readonly runId = new Date().toISOString().replace(/[:.]/g, '-');

  constructor(private readonly options: PipelineOptions) {}

  get logDir(): string {
    return join(this.options.cache.logs, this.runId);
  }

  /** Builds `step` and what it needs, reusing every cached output that is still valid. */
  resolve<R>(step: Step<R>): Promise<StepOutput<R>> {
    let pending = this.outputs.get(step.name);
    if (!pending) {
      pending = this.resolveOnce(step);
      this.outputs.set(step.name, pending);
    }
    return pending as Promise<StepOutput<R>>;
  }

  /** Every output resolved so far, by step name. */
  resolvedOutputs(): ReadonlyMap<string, StepOutput<unknown>> {
    return this.resolved;
  }

  isForced(step: Step<unknown>): boolean {
    const { rebuild } = this.options;
    return rebuild === 'all' || rebuild.has(step.name) || step.needs.some((need) => this.isForced(need));
  }

  private async resolveOnce<R>(step: Step<R>): Promise<StepOutput<R>> {
    // Every need settles before this step reports a failure: a sibling that is still being
    // stopped has not yet removed its partial output, and nothing half-built may outlive the run.
    const needs = await Promise.allSettled(step.needs.map((need) => this.resolve(need)));
    const failed = needs.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const use = this.useFor(step);
    const key = stepKey(step, use);
    const dir = join(this.options.cache.artifacts, step.name, key);

    if (!this.isForced(step)) {
      const cached = await readCompleted<R>(step.name, key, dir);
      if (cached) {
        this.resolved.set(step.name, cached);
        this.options.reporter.finished(cached);
        return cached;
      }
    }

    // About to build: what it uses has to exist now, not only in the cache's records.
    await Promise.all(step.needs.map((need) => this.materialize(need)));
    return this.buildInSlot(step, key, dir);
  }

  private async buildInSlot<R>(step: Step<R>, key: string, dir: string): Promise<StepOutput<R>> {
    const output = await this.slots[step.resource].run(() => this.build(step, key, dir, this.useFor(step)));
    this.resolved.set(step.name, output);
    this.options.reporter.finished(output);
    return output;
  }

  /**
   * An output kept outside its directory (a Docker image) may have vanished since it was cached
   * (a pruned or fresh Docker engine). It is checked, and rebuilt under the same key, only when a
   * step that uses it has to build: a cached node image does not need its base image to exist.
   */
  private materialize(step: Step<unknown>): Promise<void> {
    let pending = this.materialized.get(step.name);
    if (!pending) {
      pending = (async () => {
        const output = this.resolved.get(step.name);
        if (!output || !output.cached || !step.stillPresent || (await step.stillPresent(output))) return;
        await Promise.all(step.needs.map((need) => this.materialize(need)));
        await this.buildInSlot(step, output.key, output.dir);
      })();
      this.materialized.set(step.name, pending);
    }
    return pending;
  }

  private useFor(step: Step<unknown>): Use {
    return <T>(needed: Step<T>) => {
      const output = this.resolved.get(needed.name);
      if (!output || !step.needs.includes(needed)) {
        throw new Error(`step ${step.name} uses ${needed.name} without declaring it in needs`);
      }
      return output as StepOutput<T>;
    };
  }

  private async build<R>(step: Step<R>, key: string, dir: string, use: Use): Promise<StepOutput<R>> {
    if (this.options.signal?.aborted)
      throw new StepFailedError(step.name, new Error('interrupted before it started'), '(not started)', 0);
    const partial = `${dir}.partial-${process.pid}`;
    const logFile = join(this.logDir, `${step.name}.log`);
    await mkdir(this.logDir, { recursive: true });
    await removeAbandonedPartials(dir);
    await mkdir(partial, { recursive: true });

    let lastLine = 'started';
    const started = Date.now();
    const log = (line: string) => appendFileSync(logFile, `${line}\n`);
    log(`# ${step.title}\n# key ${key}\n# output ${dir}`);
    this.options.reporter.started(step, key, logFile);
    const every = (this.options.progressEverySeconds ?? 30) * 1000;
    const ticker = setInterval(() => {
      this.options.reporter.progress(step, (Date.now() - started) / 1000, tailOf(logFile) ?? lastLine);
    }, every);
    ticker.unref();

    const execute = async (
      command: string,
      args: readonly string[],
      options: ExecaOptions,
      keepStdout: boolean,
      allowFailure = false,
    ) => {
      const commandLine = [command, ...args].join(' ');
      lastLine = commandLine;
      log(`$ ${commandLine}`);
      const result = await execa(command, args, {
        ...options,
        env: { ...this.options.env, ...options.env },
        stdout: keepStdout ? ['pipe', { file: logFile, append: true }] : { file: logFile, append: true },
        stderr: { file: logFile, append: true },
        reject: false,
        cancelSignal: this.options.signal,
        forceKillAfterDelay: 5000,
      });
      if (result.failed && !(allowFailure && result.exitCode !== undefined && !result.isCanceled)) {
        const reason = result.isCanceled
          ? 'interrupted'
          : result.exitCode === undefined
            ? String(result.originalMessage ?? '')
            : '';
        throw new StepCommandError(commandLine, result.exitCode, reason);
      }
      return { exitCode: result.exitCode ?? -1, stdout: typeof result.stdout === 'string' ? result.stdout : '' };
    };
    const context: StepContext = {
      key,
      outDir: partial,
      logFile,
      cache: this.options.cache,
      run: async (command, args, options = {}) => void (await execute(command, args, options, false)),
      capture: async (command, args, options = {}) => (await execute(command, args, options, true)).stdout,
      attempt: (command, args, options = {}) => execute(command, args, options, true, true),
      note: (line) => {
        lastLine = line;
        log(`# ${line}`);
      },
    };

    try {
      const result = await step.build(context, use);
      const seconds = (Date.now() - started) / 1000;
      await writeFile(join(partial, 'result.json'), JSON.stringify(result, null, 2));
      await writeFile(
        join(partial, 'complete.json'),
        JSON.stringify({ step: step.name, key, seconds, finishedAt: new Date().toISOString() }, null, 2),
      );
      await rm(dir, { recursive: true, force: true });
      await rename(partial, dir);
      log(`# done in ${formatDuration(seconds)}`);
      return { name: step.name, key, dir, result, cached: false, seconds };
    } catch (error) {
      const seconds = (Date.now() - started) / 1000;
      // The partial output goes first: on a full disk even the log line below cannot be written.
      await rm(partial, { recursive: true, force: true });
      try {
        log(`# FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      } catch {
        // The failure is reported below all the same.
      }
      const failure = new StepFailedError(step.name, error, logFile, seconds);
      this.options.reporter.failed(failure);
      throw failure;
    } finally {
      clearInterval(ticker);
    }
  }
}

function stepKey(step: Step<unknown>, use: Use): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ step: step.name, fingerprint: step.fingerprint(use) }));
  for (const file of step.recipeFiles) {
    hash.update(`\0${file.replace(/^.*\/lib\//, 'lib/')}\0`);
    hash.update(readFileSync(file));
  }
  for (const need of step.needs) hash.update(`\0${need.name}=${use(need).key}`);
  return hash.digest('hex').slice(0, 16);
}

/** Partial directories left by a run that was killed before it could clean up. */
async function removeAbandonedPartials(dir: string): Promise<void> {
  const parent = dirname(dir);
  if (!existsSync(parent)) return;
  const prefix = `${basename(dir)}.partial-`;
  for (const entry of await readdir(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length));
    if (pid !== process.pid && isAlive(pid)) continue; // another prepare is building it right now
    await rm(join(parent, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readCompleted<R>(name: string, key: string, dir: string): Promise<StepOutput<R> | undefined> {
  const stamp = join(dir, 'complete.json');
  if (!existsSync(stamp)) return undefined;
  try {
    const complete = JSON.parse(await readFile(stamp, 'utf8')) as { seconds: number };
    const result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as R;
    return { name, key, dir, result, cached: true, seconds: complete.seconds };
  } catch {
    return undefined;
  }
}

function tailOf(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    return lines[lines.length - 1];
  } catch {
    return undefined;
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

class Slots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.size) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
