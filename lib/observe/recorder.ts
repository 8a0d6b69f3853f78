import { Watch } from '@kubernetes/client-node';
import { setTimeout as delay } from 'node:timers/promises';
import { call, statusCode, type Kube } from '../kube/client.js';
import type { OwnedNamespace } from '../kube/namespace.js';
import type { RawObject, RecorderGap, Recording, RecordType, WatchedResource, WatchRecord } from './records.js';
import { WATCHED_RESOURCES } from './records.js';
import { waitFor } from '../support/wait.js';

/** How a watch stream ended. */
export type WatchEnd =
  { readonly kind: 'closed' } | { readonly kind: 'gone' } | { readonly kind: 'error'; readonly message: string };

export interface OpenWatch {
  /** Settles once, when the stream ends for any reason. */
  readonly ended: Promise<WatchEnd>;
  abort(): void;
}

/** One resource of one namespace, as the recorder reads it: a list, then watches. */
export interface ResourceSource {
  list(): Promise<{ items: RawObject[]; resourceVersion: string }>;
  /** Opens a watch from `resourceVersion`, with bookmarks; events arrive through `onEvent`. */
  watch(resourceVersion: string, onEvent: (type: string, object: RawObject) => void): Promise<OpenWatch>;
}

export type SourceFactory = (resource: WatchedResource) => ResourceSource;

/**
 * Lists and then watches pods, claims, StatefulSets, ControllerRevisions and Events of one
 * namespace, from the list's resourceVersion, with bookmarks. A 410 Gone (from the watch request
 * or as an ERROR event) relists and leaves a gap marker; a server-side close resumes from the
 * last resourceVersion seen (bookmarks included); a watch that cannot be followed any more
 * leaves an open gap. Started before a scenario acts, stopped after.
 */
export class TimelineRecorder {
  private readonly records: WatchRecord[] = [];
  private readonly gaps: RecorderGap[] = [];
  private readonly open = new Set<OpenWatch>();
  private readonly stopping = new AbortController();
  private readonly loops: Array<Promise<void>> = [];
  private readonly problems: string[] = [];
  private readonly sources = new Map<WatchedResource, ResourceSource>();
  /** Per resource: UID -> resourceVersion of the latest state seen of every object that exists. */
  private readonly alive = new Map<WatchedResource, Map<string, string>>();
  private seq = 0;
  private startedAt = 0;

  private constructor(
    private readonly namespace: string,
    private readonly now: () => number,
  ) {}

  /** Resolves once every resource has been listed and its first watch is open; rejects if a first list fails. */
  static async start(namespace: OwnedNamespace): Promise<TimelineRecorder> {
    return TimelineRecorder.startWith(namespace.name, (resource) => kubeSource(namespace, resource));
  }

  /** The same, over any sources: how the unit tests drive it. */
  static async startWith(
    namespace: string,
    sources: SourceFactory,
    options: { resources?: readonly WatchedResource[]; now?: () => number; retryDelayMs?: number } = {},
  ): Promise<TimelineRecorder> {
    const recorder = new TimelineRecorder(namespace, options.now ?? Date.now);
    recorder.startedAt = recorder.now();
    const opened = (options.resources ?? WATCHED_RESOURCES).map((resource) => {
      const source = sources(resource);
      recorder.sources.set(resource, source);
      const ready = deferred();
      recorder.loops.push(recorder.follow(resource, source, ready, options.retryDelayMs ?? 1000));
      return ready.promise;
    });
    try {
      await Promise.all(opened);
    } catch (error) {
      await recorder.stop();
      throw error;
    }
    return recorder;
  }

  /** Everything recorded so far, without stopping. */
  snapshot(): Recording {
    return {
      namespace: this.namespace,
      startedAt: this.startedAt,
      stoppedAt: this.now(),
      records: [...this.records],
      gaps: [...this.gaps],
    };
  }

  /** Stops every watch and returns the recording. */
  async stop(): Promise<Recording> {
    this.stopping.abort();
    for (const watch of this.open) watch.abort();
    await Promise.allSettled(this.loops);
    return this.snapshot();
  }

  /** Problems the recorder worked around (watch errors it resumed from), for the evidence. */
  get notes(): readonly string[] {
    return this.problems;
  }

  /**
   * The barrier before a verdict: waits until a fresh list of each resource agrees with what
   * the recorder has seen (the same objects at the same resourceVersions). A list is served at
   * the store's current revision, so once they agree every write up to that list, including the
   * ones the scenario just waited for through GETs, is in the recording. Returns the newest list
   * resourceVersion. A resource whose watch has died never agrees: the wait gives up naming it.
   */
  async catchUp(
    resources: readonly WatchedResource[] = BARRIER_RESOURCES,
    options: { timeoutMs?: number; intervalMs?: number } = {},
  ): Promise<number> {
    let newest = 0;
    for (const resource of resources) {
      const source = this.sources.get(resource);
      if (!source) continue;
      const rv = await waitFor(
        `the recorder of ${this.namespace} to have seen every ${resource} change the API server has`,
        async () => {
          const { items, resourceVersion } = await source.list();
          const differences = this.differencesFrom(resource, items);
          if (differences.length === 0) return { done: true, value: Number(resourceVersion) };
          return { done: false, observed: `${differences.length} difference(s), e.g. ${differences[0]}` };
        },
        { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: options.intervalMs ?? 200, bookkeeping: true },
      );
      newest = Math.max(newest, rv);
    }
    return newest;
  }

  private differencesFrom(resource: WatchedResource, items: readonly RawObject[]): string[] {
    const seen = this.alive.get(resource) ?? new Map<string, string>();
    const differences: string[] = [];
    const listed = new Set<string>();
    for (const item of items) {
      const uid = item.metadata?.uid ?? '';
      listed.add(uid);
      const recorded = seen.get(uid);
      if (recorded !== item.metadata?.resourceVersion) {
        differences.push(
          `${item.metadata?.name} at rv ${item.metadata?.resourceVersion}, recorded ${recorded ? `rv ${recorded}` : 'never'}`,
        );
      }
    }
    for (const [uid, rv] of seen) if (!listed.has(uid)) differences.push(`uid ${uid.slice(0, 8)} (rv ${rv}) is gone`);
    return differences;
  }

  private push(resource: WatchedResource, type: RecordType, object: RawObject) {
    const receivedAt = this.now();
    const managedAt = latestManagedTime(object);
    if (object.metadata) delete object.metadata.managedFields;
    this.records.push({ seq: this.seq++, resource, type, receivedAt, ...(managedAt ? { managedAt } : {}), object });
    const uid = object.metadata?.uid;
    if (!uid) return;
    const alive = this.aliveOf(resource);
    if (type === 'DELETED') alive.delete(uid);
    else alive.set(uid, object.metadata?.resourceVersion ?? '');
  }

  private aliveOf(resource: WatchedResource): Map<string, string> {
    let alive = this.alive.get(resource);
    if (!alive) this.alive.set(resource, (alive = new Map()));
    return alive;
  }

  private async relist(resource: WatchedResource, source: ResourceSource): Promise<string> {
    const { items, resourceVersion } = await source.list();
    // Objects that went away while the recorder was not watching are simply not listed.
    this.aliveOf(resource).clear();
    for (const item of items) this.push(resource, 'SYNC', item);
    return resourceVersion;
  }

  private async follow(
    resource: WatchedResource,
    source: ResourceSource,
    opened: Deferred,
    retryDelayMs: number,
  ): Promise<void> {
    let announced = false;
    let resourceVersion = '0';
    try {
      resourceVersion = await this.relist(resource, source);
    } catch (error) {
      opened.reject(new Error(`cannot start recording ${resource} in ${this.namespace}: ${message(error)}`));
      return;
    }
    try {
      while (!this.stopping.signal.aborted) {
        let sawGone = false;
        const watch = await source.watch(resourceVersion, (type, object) => {
          if (type === 'BOOKMARK') resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
          else if (type === 'ERROR') {
            if ((object as { code?: number }).code === 410) sawGone = true;
            else this.problems.push(`${resource}: watch ERROR ${JSON.stringify(object).slice(0, 200)}`);
          } else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
            resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
            this.push(resource, type, object);
          }
        });
        this.open.add(watch);
        if (this.stopping.signal.aborted) watch.abort();
        if (!announced) opened.resolve();
        announced = true;
        const end = await watch.ended;
        this.open.delete(watch);
        if (this.stopping.signal.aborted) break;
        if (sawGone || end.kind === 'gone') {
          const lastSeen = Number(resourceVersion);
          const relistedAt = this.now();
          resourceVersion = await this.relist(resource, source);
          this.gaps.push({
            resource,
            receivedAt: relistedAt,
            reason: '410 Gone: resourceVersion too old, relisted',
            afterRv: lastSeen,
            untilRv: Number(resourceVersion),
          });
        } else if (end.kind === 'error') {
          this.problems.push(`${resource}: ${end.message}`);
          // Pause before reopening: a failing watch request (the Events API can fail fast) must not spin.
          await delay(retryDelayMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        }
      }
    } catch (error) {
      this.problems.push(`${resource}: recording stopped: ${message(error)}`);
      this.gaps.push({
        resource,
        receivedAt: this.now(),
        reason: `recording of ${resource} stopped: ${message(error)}`,
        afterRv: Number(resourceVersion),
      });
    } finally {
      if (!announced) opened.resolve();
    }
  }
}

/** The newest `time` of the object's managedFields entries: when a manager last changed it (second resolution). */
function latestManagedTime(object: RawObject): string | undefined {
  const entries = (object.metadata?.managedFields ?? []) as Array<{ time?: string }>;
  const times = entries.map((entry) => entry.time).filter((time): time is string => Boolean(time));
  return times.sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1);
}

/** What verdicts are built from; Events only illustrate. */
export const BARRIER_RESOURCES: readonly WatchedResource[] = [
  'pods',
  'persistentvolumeclaims',
  'statefulsets',
  'controllerrevisions',
];

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The client-node implementation of a source: typed list calls, raw watch streams. */
export function kubeSource(namespace: OwnedNamespace, resource: WatchedResource): ResourceSource {
  const { kube, name } = namespace;
  const group = resource === 'statefulsets' || resource === 'controllerrevisions' ? '/apis/apps/v1' : '/api/v1';
  const path = `${group}/namespaces/${name}/${resource}`;
  return {
    async list() {
      const result = await call(`list ${resource} in ${name}`, () => listResource(kube, resource, name));
      // The typed list returns models (Date objects); their JSON is what the watch sends.
      const items = result.items.map((item) => JSON.parse(JSON.stringify(item)) as RawObject);
      return { items, resourceVersion: result.metadata?.resourceVersion ?? '0' };
    },
    async watch(resourceVersion, onEvent) {
      let settle!: (end: WatchEnd) => void;
      const ended = new Promise<WatchEnd>((resolve) => (settle = resolve));
      let aborted = false;
      const abort = await new Watch(kube.config)
        .watch(path, { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 240 }, onEvent, (error: unknown) => {
          if (!error || aborted) settle({ kind: 'closed' });
          else if (statusCode(error) === 410) settle({ kind: 'gone' });
          else settle({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
        })
        .catch((error: unknown) => {
          settle({ kind: 'error', message: `cannot open watch: ${String(error)}` });
          return undefined;
        });
      return {
        ended,
        abort: () => {
          aborted = true;
          abort?.abort();
          settle({ kind: 'closed' });
        },
      };
    },
  };
}

async function listResource(kube: Kube, resource: WatchedResource, namespace: string) {
  switch (resource) {
    case 'pods':
      return kube.core.listNamespacedPod({ namespace });
    case 'persistentvolumeclaims':
      return kube.core.listNamespacedPersistentVolumeClaim({ namespace });
    case 'statefulsets':
      return kube.apps.listNamespacedStatefulSet({ namespace });
    case 'controllerrevisions':
      return kube.apps.listNamespacedControllerRevision({ namespace });
    case 'events':
      return kube.core.listNamespacedEvent({ namespace });
  }
}
