import type { DnsSample, WriteInterval } from '../invariants/continuity.js';
import { call } from '../kube/client.js';
import { setTimeout as delay } from 'node:timers/promises';
import { execInPod } from '../kube/exec.js';
import { listPods } from '../kube/verbs.js';
import { waitFor } from '../support/wait.js';
import { applyFixture, type WorkloadContext } from './context.js';
import { loadFixture } from './fixtures.js';
import { parseNslookup, type LookupResult } from './nslookup.js';
import { containerEnv, onControlPlane, type Transform } from './transforms.js';

/**
 * The continuity probes of the upgrade check (fixtures/upgrade/continuity-probes.yaml): a writer
 * and reader of the PostgreSQL ledger through the servers' stable names, and a busybox resolver of
 * the sets' DNS names, each printing one line per attempt. The runtime stamps every line; the
 * lines are read through the API (pod logs) every few seconds and kept here, keyed by the
 * container instance and attempt number, so a read that fails while the API server restarts loses
 * nothing: the next one reads the same log file again.
 */

export interface ProbeTargets {
  /** The stable name writes go to, e.g. postgres-0.database. */
  readonly primary: string;
  /** The stable name reads go to, e.g. postgres-1.database (a streaming replica). */
  readonly replica: string;
  /** Fully qualified names for busybox's nslookup (it applies no search domain to dotted names). */
  readonly dnsNames: readonly string[];
  /** Keep the probes on the control-plane node: they must outlive the worker drains they measure. */
  readonly onControlPlane: boolean;
}

export type ProbeRecord =
  | {
      readonly kind: 'write';
      readonly at: number;
      readonly instance: string;
      readonly n: number;
      readonly ok: boolean;
      readonly id: string;
      readonly detail: string;
    }
  | {
      readonly kind: 'read';
      readonly at: number;
      readonly instance: string;
      readonly n: number;
      readonly ok: boolean;
      readonly detail: string;
    }
  | {
      readonly kind: 'dns';
      readonly at: number;
      readonly instance: string;
      readonly n: number;
      readonly name: string;
      readonly lookup: LookupResult;
    };

const STOPPED_LINE = /^\S+\s+stopped\s+([0-9a-f]+)\s+(\d+)$/;

/** Writer instances that printed "stopped" (the check asked them to stop writing). */
export function stoppedWriters(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const match = STOPPED_LINE.exec(line.trim());
    return match ? [match[1] as string] : [];
  });
}

const PROBE_LINE = /^(\S+)\s+(write|read|dns)\s+([0-9a-f]+)\s+(\d+)\s?(.*)$/;

/**
 * Parses `kubectl logs --timestamps` output of a probe container: "<RFC 3339 time> <line>". Lines
 * that are not probe lines (a shell's complaint) are skipped; the caller keys records by
 * `recordKey`, so reading one log twice yields each attempt once.
 */
export function parseProbeLog(text: string): ProbeRecord[] {
  const records: ProbeRecord[] = [];
  for (const line of text.split('\n')) {
    const match = PROBE_LINE.exec(line.trim());
    if (!match) continue;
    const [, stamp, kind, instance, number, rest = ''] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const at = Date.parse(stamp);
    if (Number.isNaN(at)) continue;
    const n = Number(number);
    if (kind === 'dns') {
      const space = rest.indexOf(' ');
      const name = space < 0 ? rest : rest.slice(0, space);
      const output = space < 0 ? '' : rest.slice(space + 1).replaceAll('|', '\n');
      records.push({ kind, at, instance, n, name, lookup: parseNslookup(name, output) });
    } else {
      const [status = '', ...words] = rest.split(' ');
      if (kind === 'write') {
        const [id = '', ...detail] = words;
        records.push({ kind, at, instance, n, ok: status === 'ok', id, detail: detail.join(' ') });
      } else records.push({ kind: 'read', at, instance, n, ok: status === 'ok', detail: words.join(' ') });
    }
  }
  return records;
}

/** The writer's ids: `upgrade-<instance>-<n>` (fixtures/upgrade/continuity-probes.yaml). */
const PROBE_ID = /^upgrade-[0-9a-f]{8}-\d+$/;

/**
 * Rows the writer put in the ledger whose attempt is in no log read: printed by a probe pod that
 * was evicted (or restarted) before its last lines were read. Their fate was never reported to
 * anyone, so they count as unconfirmed writes, not as phantoms; a row of any other shape is judged.
 */
export function unloggedProbeRows(ids: readonly string[], records: readonly ProbeRecord[]): string[] {
  const logged = new Set(records.flatMap((record) => (record.kind === 'write' ? [record.id] : [])));
  return ids.filter((id) => PROBE_ID.test(id) && !logged.has(id));
}

export function recordKey(record: ProbeRecord): string {
  return `${record.kind} ${record.instance} ${record.n}${record.kind === 'dns' ? ` ${record.name}` : ''}`;
}

/** The ids the database acknowledged (psql exited 0 after the server's COMMIT): each must be found afterwards. */
export function acknowledgedIds(records: readonly ProbeRecord[]): string[] {
  return records.flatMap((record) => (record.kind === 'write' && record.ok ? [record.id] : []));
}

/**
 * The writer's and reader's attempts in buckets of `bucketMs` from `origin` (times relative to it):
 * what the continuity figures and the picture take. Buckets without any attempt are left out: the
 * probe was silent there, which `probeSilences` reports, rather than a bucket of zero successes.
 */
export function writeIntervals(records: readonly ProbeRecord[], origin: number, bucketMs: number): WriteInterval[] {
  const buckets = new Map<
    number,
    { attempted: number; acknowledged: number; failed: number; readsOk: number; readsFailed: number }
  >();
  for (const record of records) {
    if (record.kind === 'dns') continue;
    const index = Math.floor((record.at - origin) / bucketMs);
    const bucket = buckets.get(index) ?? { attempted: 0, acknowledged: 0, failed: 0, readsOk: 0, readsFailed: 0 };
    if (record.kind === 'write') {
      bucket.attempted += 1;
      if (record.ok) bucket.acknowledged += 1;
      else bucket.failed += 1;
    } else if (record.ok) bucket.readsOk += 1;
    else bucket.readsFailed += 1;
    buckets.set(index, bucket);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, bucket]) => ({ start: index * bucketMs, end: (index + 1) * bucketMs, ...bucket }));
}

export function dnsSamples(records: readonly ProbeRecord[], origin: number): DnsSample[] {
  return records.flatMap((record) =>
    record.kind === 'dns'
      ? [{ at: record.at - origin, name: record.lookup.name, resolved: record.lookup.outcome.kind === 'answer' }]
      : [],
  );
}

/**
 * Stretches longer than `gapMs` in which a probe printed nothing: the probe itself was down (its
 * pod evicted or its node's kubelet restarting it), so nothing can be said of the workload there.
 */
export function probeSilences(
  records: readonly ProbeRecord[],
  kind: ProbeRecord['kind'],
  window: { from: number; to: number },
  gapMs: number,
): { from: number; to: number }[] {
  const times = [window.from, ...records.filter((record) => record.kind === kind).map((record) => record.at), window.to]
    .filter((at) => at >= window.from && at <= window.to)
    .sort((a, b) => a - b);
  const silences: { from: number; to: number }[] = [];
  for (let index = 1; index < times.length; index += 1)
    if (times[index]! - times[index - 1]! > gapMs) silences.push({ from: times[index - 1]!, to: times[index]! });
  return silences;
}

export const PROBES_SELECTOR = 'app=continuity-probes';

export class ContinuityProbes {
  private readonly records = new Map<string, ProbeRecord>();
  private readonly stopped = new Set<string>();
  private collecting: { readonly stop: AbortController; readonly loop: Promise<void> } | undefined;
  private readsFailed = 0;
  private lastReadError: string | undefined;

  private constructor(readonly context: WorkloadContext) {}

  static async deploy(context: WorkloadContext, targets: ProbeTargets): Promise<ContinuityProbes> {
    const transforms: Transform[] = [
      containerEnv('PRIMARY', targets.primary),
      containerEnv('REPLICA', targets.replica),
      containerEnv('NAMES', targets.dnsNames.join(' ')),
    ];
    if (targets.onControlPlane) transforms.push(onControlPlane());
    await applyFixture(context, await loadFixture('upgrade/continuity-probes.yaml', context.cluster, transforms));
    return new ContinuityProbes(context);
  }

  /** Reads every probe container's log once and keeps the attempts not seen before; returns how many were new. */
  async collect(): Promise<number> {
    const before = this.records.size;
    try {
      const pods = await listPods(this.context.namespace, PROBES_SELECTOR);
      for (const pod of pods)
        for (const container of ['writer', 'dns'])
          for (const previous of [false, true]) {
            const log = await this.readLog(pod.metadata?.name ?? '', container, previous);
            for (const record of parseProbeLog(log)) this.records.set(recordKey(record), record);
            for (const instance of stoppedWriters(log)) this.stopped.add(instance);
          }
    } catch (error) {
      this.readsFailed += 1;
      this.lastReadError = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
    return this.records.size - before;
  }

  private async readLog(pod: string, container: string, previous: boolean): Promise<string> {
    const { namespace } = this.context;
    try {
      return await call(
        `read logs of Pod ${namespace.name}/${pod} (${container})`,
        () =>
          namespace.kube.core.readNamespacedPodLog({
            name: pod,
            namespace: namespace.name,
            container,
            timestamps: true,
            previous,
          }),
        // No retry budget: the next collection reads the same log again.
        { retry: false },
      );
    } catch (error) {
      // A container that never restarted has no previous log: that is no failure.
      if (previous) return '';
      throw error;
    }
  }

  /**
   * Stops the writer and waits until its log says so: from then on the ledger holds no row whose
   * attempt is not in the log, so a row nobody logged is a phantom, not a race.
   */
  async stopWriting(timeoutMs = 60_000): Promise<void> {
    const pods = await listPods(this.context.namespace, PROBES_SELECTOR);
    for (const pod of pods)
      await execInPod(this.context.namespace, pod.metadata?.name ?? '', ['touch', '/tmp/stop'], {
        container: 'writer',
      });
    await waitFor(
      `the continuity writer in ${this.context.namespace.name} to stop`,
      async () => {
        await this.collect();
        // One probe pod: its live writer is the one that can print "stopped"; earlier
        // instances (a restarted container) are gone already.
        const writers = new Set(this.all().flatMap((record) => (record.kind === 'write' ? [record.instance] : [])));
        return this.stopped.size > 0
          ? { done: true, value: undefined }
          : { done: false, observed: `${writers.size} writer instance(s) seen, none stopped yet` };
      },
      { timeoutMs, intervalMs: 2000 },
    );
  }

  /**
   * Reads the logs every few seconds from now on: a probe pod evicted by a drain takes its log
   * with it, so what it printed must have been read before. What it printed after the last read
   * is lost; the ledger check knows the writer's ids and counts such rows apart (unloggedProbeRows).
   */
  startCollecting(intervalMs = 3000): void {
    if (this.collecting) return;
    const stop = new AbortController();
    const loop = (async () => {
      while (!stop.signal.aborted) {
        await this.collect();
        // A collection period, not a wait for a condition.
        await delay(intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    })();
    this.collecting = { stop, loop };
  }

  async stopCollecting(): Promise<void> {
    this.collecting?.stop.abort();
    await this.collecting?.loop;
    this.collecting = undefined;
  }

  /** Every attempt seen so far, oldest first. */
  all(): ProbeRecord[] {
    return [...this.records.values()].sort((a, b) => a.at - b.at);
  }

  /** Log reads that failed (the API server away): they delay the collection, they lose nothing that stays on the node. */
  get failedCollections(): { count: number; last?: string } {
    return { count: this.readsFailed, last: this.lastReadError };
  }

  /** Both probes work: an acknowledged write, an answered read and a resolved name each seen once. */
  waitWorking(timeoutMs = 180_000): Promise<void> {
    return waitFor(
      `the continuity probes in ${this.context.namespace.name} to write, read and resolve`,
      async () => {
        await this.collect();
        const records = this.all();
        const wrote = records.some((record) => record.kind === 'write' && record.ok);
        const read = records.some((record) => record.kind === 'read' && record.ok);
        const resolved = records.some((record) => record.kind === 'dns' && record.lookup.outcome.kind === 'answer');
        const last = (kind: ProbeRecord['kind']) => records.filter((record) => record.kind === kind).at(-1);
        return wrote && read && resolved
          ? { done: true, value: undefined }
          : {
              done: false,
              observed: `${records.length} attempts; last write: ${describe(last('write'))}; last read: ${describe(last('read'))}; last lookup: ${describe(last('dns'))}`,
            };
      },
      { timeoutMs, intervalMs: 3000 },
    );
  }
}

function describe(record: ProbeRecord | undefined): string {
  if (!record) return 'none';
  if (record.kind === 'dns') return `${record.name} ${record.lookup.outcome.kind}`;
  return `${record.ok ? 'ok' : 'failed'} ${record.detail}`.trim();
}
