import { Watch } from '@kubernetes/client-node';
import { setTimeout as delay } from 'node:timers/promises';
import { call, statusCode, type Kube } from '../kube/client.js';
import type { OwnedNamespace } from '../kube/namespace.js';
import type { RawObject, RecorderGap, Recording, RecordType, WatchedResource, WatchRecord } from './records.js';
import { WATCHED_RESOURCES } from './records.js';

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
 * last resourceVersion seen (bookmarks included). Started before a scenario acts, stopped after.
 */
export class TimelineRecorder {
  private readonly records: WatchRecord[] = [];
  private readonly gaps: RecorderGap[] = [];
  private readonly open = new Set<OpenWatch>();
  private readonly stopping = new AbortController();
  private readonly loops: Array<Promise<void>> = [];
  private readonly problems: string[] = [];
  private seq = 0;
  private startedAt = 0;

  private constructor(
    private readonly namespace: string,
    private readonly now: () => number,
  ) {}

  /** Resolves once every resource has been listed and its first watch is open. */
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
      let signalOpen!: () => void;
      const ready = new Promise<void>((resolve) => (signalOpen = resolve));
      recorder.loops.push(recorder.follow(resource, sources(resource), signalOpen, options.retryDelayMs ?? 1000));
      return ready;
    });
    await Promise.all(opened);
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

  private push(resource: WatchedResource, type: RecordType, object: RawObject) {
    if (object.metadata) delete object.metadata.managedFields;
    this.records.push({ seq: this.seq++, resource, type, receivedAt: this.now(), object });
  }

  private async relist(resource: WatchedResource, source: ResourceSource): Promise<string> {
    const { items, resourceVersion } = await source.list();
    for (const item of items) this.push(resource, 'SYNC', item);
    return resourceVersion;
  }

  private async follow(
    resource: WatchedResource,
    source: ResourceSource,
    opened: () => void,
    retryDelayMs: number,
  ): Promise<void> {
    let announced = false;
    const announce = () => {
      if (!announced) opened();
      announced = true;
    };
    try {
      let resourceVersion = await this.relist(resource, source);
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
        announce();
        const end = await watch.ended;
        this.open.delete(watch);
        if (this.stopping.signal.aborted) break;
        if (sawGone || end.kind === 'gone') {
          this.gaps.push({ resource, receivedAt: this.now(), reason: '410 Gone: resourceVersion too old, relisted' });
          resourceVersion = await this.relist(resource, source);
        } else if (end.kind === 'error') {
          this.problems.push(`${resource}: ${end.message}`);
          // Pause before reopening: a failing watch request (the Events API can fail fast) must not spin.
          await delay(retryDelayMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        }
      }
    } catch (error) {
      this.problems.push(`${resource}: recording stopped: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      announce();
    }
  }
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
