/**
 * What the recorder writes down: every object state the API server sent, in the order it
 * arrived, with the moment it arrived. Everything else (the timeline, the invariants, the
 * pictures) is derived from these records by pure functions, so a recorded run can be replayed.
 */
export type WatchedResource = 'pods' | 'persistentvolumeclaims' | 'statefulsets' | 'controllerrevisions' | 'events';

export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  'pods',
  'persistentvolumeclaims',
  'statefulsets',
  'controllerrevisions',
  'events',
];

/**
 * SYNC: the object as a list returned it (at the start, or after a 410 Gone relist).
 * ADDED / MODIFIED / DELETED: watch events.
 */
export type RecordType = 'SYNC' | 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchRecord {
  /** Arrival order across all watched resources. */
  readonly seq: number;
  readonly resource: WatchedResource;
  readonly type: RecordType;
  /** Milliseconds since the epoch on this machine's clock when the record arrived. */
  readonly receivedAt: number;
  /**
   * The newest managedFields time of the state as it arrived (the API server's clock, whole
   * seconds): when a manager last changed the object. Kept for the benchmark's event latency,
   * as a lower bound of the write's time; managedFields themselves are dropped.
   */
  readonly managedAt?: string;
  /** The object as JSON, without metadata.managedFields. */
  readonly object: RawObject;
}

/**
 * A stretch of resourceVersions the recorder may not have seen for one resource: after a 410 Gone
 * it relists, and changes between the last event it saw and the new list are lost (several
 * transitions collapse onto the relist); when a watch cannot be reopened, everything after the
 * last event is unseen (`untilRv` undefined). A verdict over a window that overlaps a gap is
 * inconclusive.
 */
export interface RecorderGap {
  readonly resource: WatchedResource;
  readonly receivedAt: number;
  readonly reason: string;
  /** The last resourceVersion seen before the gap: changes after it may be missing... */
  readonly afterRv: number;
  /** ...up to this one (the relist's), or for the rest of the recording. */
  readonly untilRv?: number;
}

export interface Recording {
  readonly namespace: string;
  readonly startedAt: number;
  readonly stoppedAt: number;
  readonly records: readonly WatchRecord[];
  readonly gaps: readonly RecorderGap[];
}

/** Loosely typed Kubernetes JSON: the recorder keeps what the server sent. */
export interface RawObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ kind?: string; name?: string; uid?: string; controller?: boolean }>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}
