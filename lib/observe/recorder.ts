import { Watch } from '@kubernetes/client-node';
import { setTimeout as delay } from 'node:timers/promises';
import { call, statusCode, type Kube } from '../kube/client.js';
import type { OwnedNamespace } from '../kube/namespace.js';
import type { RawObject, RecorderGap, Recording, RecordType, WatchedResource, WatchRecord } from './records.js';
import { WATCHED_RESOURCES } from './records.js';

/**
 * Lists and then watches pods, claims, StatefulSets, ControllerRevisions and Events of one
 * namespace, from the list's resourceVersion, with bookmarks. A 410 Gone (from the watch
 * request or as an ERROR event) relists and leaves a gap marker; a server-side close resumes
 * from the last resourceVersion seen. Started before a scenario acts, stopped after.
 */
export class TimelineRecorder {
  private readonly records: WatchRecord[] = [];
  private readonly gaps: RecorderGap[] = [];
  private readonly aborts = new Set<AbortController>();
  private readonly stopping = new AbortController();
  private readonly loops: Array<Promise<void>> = [];
  private seq = 0;
  private startedAt = 0;
  private readonly watchErrors: string[] = [];

  private constructor(private readonly namespace: OwnedNamespace) {}

  /** Resolves once every resource has been listed and its watch is open. */
  static async start(namespace: OwnedNamespace): Promise<TimelineRecorder> {
    const recorder = new TimelineRecorder(namespace);
    recorder.startedAt = Date.now();
    const ready = WATCHED_RESOURCES.map((resource) => {
      let signalReady!: () => void;
      const opened = new Promise<void>((resolve) => (signalReady = resolve));
      recorder.loops.push(recorder.follow(resource, signalReady));
      return opened;
    });
    await Promise.all(ready);
    return recorder;
  }

  /** Everything recorded so far, without stopping. */
  snapshot(): Recording {
    return { namespace: this.namespace.name, startedAt: this.startedAt, stoppedAt: Date.now(), records: [...this.records], gaps: [...this.gaps] };
  }

  /** Stops every watch and returns the recording. */
  async stop(): Promise<Recording> {
    this.stopping.abort();
    for (const abort of this.aborts) abort.abort();
    await Promise.allSettled(this.loops);
    return this.snapshot();
  }

  /** Problems the recorder worked around (watch errors it resumed from), for the evidence. */
  get notes(): readonly string[] {
    return this.watchErrors;
  }

  private push(resource: WatchedResource, type: RecordType, object: RawObject) {
    if (object.metadata) delete object.metadata.managedFields;
    this.records.push({ seq: this.seq++, resource, type, receivedAt: Date.now(), object });
  }

  private async list(resource: WatchedResource): Promise<string> {
    const { kube, name } = this.namespace;
    const result = await call(`list ${resource} in ${name}`, () => listResource(kube, resource, name));
    for (const item of result.items) this.push(resource, 'SYNC', JSON.parse(JSON.stringify(item)) as RawObject);
    return result.metadata?.resourceVersion ?? '0';
  }

  private async follow(resource: WatchedResource, opened: () => void): Promise<void> {
    const path = `${resource === 'statefulsets' || resource === 'controllerrevisions' ? '/apis/apps/v1' : '/api/v1'}/namespaces/${this.namespace.name}/${resource}`;
    let resourceVersion = await this.list(resource);
    let firstWatch = true;
    while (!this.stopping.signal.aborted) {
      const outcome = await new Promise<'closed' | 'gone' | 'error'>((resolve) => {
        let gone = false;
        new Watch(this.namespace.kube.config)
          .watch(
            path,
            // The server ends each watch after timeoutSeconds; the loop resumes from the last resourceVersion.
            { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 240 },
            (type: string, object: RawObject) => {
              if (type === 'BOOKMARK') {
                resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
              } else if (type === 'ERROR') {
                const code = (object as { code?: number }).code;
                if (code === 410) gone = true;
                else this.watchErrors.push(`${resource}: watch ERROR ${JSON.stringify(object).slice(0, 200)}`);
              } else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
                resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
                this.push(resource, type, object);
              }
            },
            (error: unknown) => {
              if (gone || statusCode(error) === 410) resolve('gone');
              else if (error && !this.stopping.signal.aborted) {
                this.watchErrors.push(`${resource}: ${error instanceof Error ? error.message : String(error)}`);
                resolve('error');
              } else resolve('closed');
            },
          )
          .then(
            (abort) => {
              this.aborts.add(abort);
              if (this.stopping.signal.aborted) abort.abort();
              if (firstWatch) {
                firstWatch = false;
                opened();
              }
            },
            (error: unknown) => {
              this.watchErrors.push(`${resource}: cannot open watch: ${String(error)}`);
              resolve('error');
            },
          );
      });
      if (this.stopping.signal.aborted) break;
      if (outcome === 'gone') {
        this.gaps.push({ resource, receivedAt: Date.now(), reason: '410 Gone: resourceVersion too old, relisted' });
        resourceVersion = await this.list(resource);
      } else if (outcome === 'error') {
        // A failed watch request is retried after a pause; the Events API may fail fast in a loop otherwise.
        await delay(1000, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
    if (firstWatch) opened();
  }
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
