import { describe, expect, it } from 'vitest';
import type { RawObject } from './records.js';
import { TimelineRecorder, type OpenWatch, type ResourceSource, type WatchEnd } from './recorder.js';

const pod = (name: string, rv: number): RawObject => ({
  metadata: { name, uid: `uid-${name}`, resourceVersion: String(rv) },
});

/**
 * A source that plays a script: each list returns the next listing; each watch emits the next
 * batch of events and then ends as scripted. It records what resourceVersion each call asked for.
 */
class ScriptedSource implements ResourceSource {
  readonly listsServed: string[] = [];
  readonly watchesFrom: string[] = [];
  private readonly pending: Array<() => void> = [];

  constructor(
    private readonly listings: Array<{ items: RawObject[]; resourceVersion: string }>,
    private readonly watches: Array<{ events: Array<[string, RawObject]>; end: WatchEnd | 'stay-open' }>,
  ) {}

  async list() {
    const listing = this.listings.shift();
    if (!listing) throw new Error('unexpected list');
    this.listsServed.push(listing.resourceVersion);
    return listing;
  }

  async watch(resourceVersion: string, onEvent: (type: string, object: RawObject) => void): Promise<OpenWatch> {
    this.watchesFrom.push(resourceVersion);
    const script = this.watches.shift() ?? { events: [], end: 'stay-open' as const };
    let settle!: (end: WatchEnd) => void;
    const ended = new Promise<WatchEnd>((resolve) => (settle = resolve));
    queueMicrotask(() => {
      for (const [type, object] of script.events) onEvent(type, object);
      if (script.end === 'stay-open') this.pending.push(() => settle({ kind: 'closed' }));
      else settle(script.end);
    });
    return { ended, abort: () => settle({ kind: 'closed' }) };
  }

  /** Resolves once the source has served `count` watches. */
  async servedWatches(count: number): Promise<void> {
    for (let turn = 0; turn < 1000 && this.watchesFrom.length < count; turn++)
      await new Promise((resolve) => setImmediate(resolve));
    if (this.watchesFrom.length < count) throw new Error(`only ${this.watchesFrom.length} watches were opened`);
  }
}

async function record(source: ScriptedSource, untilWatches: number) {
  let clock = 1000;
  const recorder = await TimelineRecorder.startWith('ns', () => source, {
    resources: ['pods'],
    now: () => (clock += 10),
    retryDelayMs: 1,
  });
  await source.servedWatches(untilWatches);
  return { recording: await recorder.stop(), notes: recorder.notes };
}

describe('TimelineRecorder', () => {
  it('lists first, then watches from the list resourceVersion, recording both in arrival order', async () => {
    const source = new ScriptedSource(
      [{ items: [pod('web-0', 5)], resourceVersion: '7' }],
      [
        {
          events: [
            ['ADDED', pod('web-1', 8)],
            ['MODIFIED', pod('web-1', 9)],
          ],
          end: 'stay-open',
        },
      ],
    );
    const { recording } = await record(source, 1);
    expect(source.watchesFrom).toEqual(['7']);
    expect(recording.records.map((r) => [r.type, r.object.metadata?.name, r.object.metadata?.resourceVersion])).toEqual(
      [
        ['SYNC', 'web-0', '5'],
        ['ADDED', 'web-1', '8'],
        ['MODIFIED', 'web-1', '9'],
      ],
    );
    expect(recording.gaps).toEqual([]);
  });

  it('resumes after a server-side close from the last resourceVersion, bookmarks included, without relisting', async () => {
    const source = new ScriptedSource(
      [{ items: [], resourceVersion: '10' }],
      [
        {
          events: [
            ['ADDED', pod('web-0', 11)],
            ['BOOKMARK', { metadata: { resourceVersion: '15' } }],
          ],
          end: { kind: 'closed' },
        },
        { events: [['MODIFIED', pod('web-0', 16)]], end: 'stay-open' },
      ],
    );
    const { recording } = await record(source, 2);
    expect(source.watchesFrom).toEqual(['10', '15']);
    expect(source.listsServed).toEqual(['10']);
    expect(recording.records.map((r) => r.object.metadata?.resourceVersion)).toEqual(['11', '16']);
  });

  it('relists on a 410 Gone ERROR event, marks the gap, and watches from the new list', async () => {
    const source = new ScriptedSource(
      [
        { items: [], resourceVersion: '10' },
        { items: [pod('web-0', 40)], resourceVersion: '42' },
      ],
      [
        { events: [['ERROR', { kind: 'Status', code: 410, reason: 'Expired' } as RawObject]], end: { kind: 'closed' } },
        { events: [['ADDED', pod('web-1', 43)]], end: 'stay-open' },
      ],
    );
    const { recording } = await record(source, 2);
    expect(source.watchesFrom).toEqual(['10', '42']);
    expect(recording.gaps).toHaveLength(1);
    expect(recording.gaps[0]).toMatchObject({ reason: expect.stringMatching(/410 Gone/), afterRv: 10, untilRv: 42 });
    expect(recording.records.map((r) => `${r.type} ${r.object.metadata?.name}`)).toEqual(['SYNC web-0', 'ADDED web-1']);
  });

  it('relists when the watch request itself answers 410', async () => {
    const source = new ScriptedSource(
      [
        { items: [], resourceVersion: '10' },
        { items: [], resourceVersion: '50' },
      ],
      [
        { events: [], end: { kind: 'gone' } },
        { events: [], end: 'stay-open' },
      ],
    );
    const { recording } = await record(source, 2);
    expect(source.watchesFrom).toEqual(['10', '50']);
    expect(recording.gaps).toHaveLength(1);
  });

  it('reopens after a failed watch, from the same resourceVersion, and notes the failure', async () => {
    const source = new ScriptedSource(
      [{ items: [], resourceVersion: '10' }],
      [
        { events: [], end: { kind: 'error', message: 'ECONNRESET' } },
        { events: [], end: 'stay-open' },
      ],
    );
    const { notes } = await record(source, 2);
    expect(source.watchesFrom).toEqual(['10', '10']);
    expect(notes).toEqual(['pods: ECONNRESET']);
  });

  it('drops managedFields, which only bloat the evidence', async () => {
    const withFields = {
      metadata: { name: 'web-0', resourceVersion: '3', managedFields: [{ manager: 'x' }] },
    } as RawObject;
    const source = new ScriptedSource(
      [{ items: [withFields], resourceVersion: '3' }],
      [{ events: [], end: 'stay-open' }],
    );
    const { recording } = await record(source, 1);
    expect(recording.records[0]?.object.metadata).toEqual({ name: 'web-0', resourceVersion: '3' });
  });

  it('refuses to start when a first list fails: no recording is better than one that silently misses the start', async () => {
    const failing: ResourceSource = {
      list: () => Promise.reject(new Error('403 Forbidden')),
      watch: () => Promise.reject(new Error('unexpected watch')),
    };
    await expect(TimelineRecorder.startWith('ns', () => failing, { resources: ['pods'] })).rejects.toThrow(
      /cannot start recording pods in ns: 403 Forbidden/,
    );
  });

  it('leaves an open gap when a watch can no longer be followed', async () => {
    const source = new ScriptedSource(
      [{ items: [], resourceVersion: '10' }],
      [
        { events: [['ADDED', pod('web-0', 12)]], end: { kind: 'gone' } },
        // The relist fails: the recorder cannot know what happened after rv 12.
      ],
    );
    const { recording, notes } = await record(source, 1);
    expect(recording.gaps).toEqual([
      expect.objectContaining({ resource: 'pods', afterRv: 12, reason: expect.stringMatching(/stopped/) }),
    ]);
    expect(recording.gaps[0]?.untilRv).toBeUndefined();
    expect(notes.join('\n')).toMatch(/recording stopped: unexpected list/);
  });

  describe('catchUp (the barrier before a verdict)', () => {
    it('passes once a fresh list agrees with what was recorded, and returns the list resourceVersion', async () => {
      const source = new ScriptedSource(
        [
          { items: [pod('web-0', 5)], resourceVersion: '7' },
          { items: [pod('web-0', 9)], resourceVersion: '12' },
        ],
        [{ events: [['MODIFIED', pod('web-0', 9)]], end: 'stay-open' }],
      );
      const recorder = await TimelineRecorder.startWith('ns', () => source, { resources: ['pods'] });
      await source.servedWatches(1);
      await expect(recorder.catchUp(['pods'], { timeoutMs: 1000, intervalMs: 1 })).resolves.toBe(12);
      await recorder.stop();
    });

    it('waits, then names the difference, while the recorder has not seen a change the API server has', async () => {
      const source = new ScriptedSource(
        [
          { items: [pod('web-0', 5)], resourceVersion: '7' },
          ...Array.from({ length: 20 }, () => ({ items: [pod('web-0', 9)], resourceVersion: '12' })),
        ],
        [{ events: [], end: 'stay-open' }],
      );
      const recorder = await TimelineRecorder.startWith('ns', () => source, { resources: ['pods'] });
      await expect(recorder.catchUp(['pods'], { timeoutMs: 30, intervalMs: 10 })).rejects.toThrow(
        /the recorder of ns to have seen every pods change .* web-0 at rv 9, recorded rv 5/,
      );
      await recorder.stop();
    });

    it('sees a deletion it missed as a difference', async () => {
      const source = new ScriptedSource(
        [
          { items: [pod('web-0', 5)], resourceVersion: '7' },
          ...Array.from({ length: 20 }, () => ({ items: [], resourceVersion: '12' })),
        ],
        [{ events: [], end: 'stay-open' }],
      );
      const recorder = await TimelineRecorder.startWith('ns', () => source, { resources: ['pods'] });
      await expect(recorder.catchUp(['pods'], { timeoutMs: 30, intervalMs: 10 })).rejects.toThrow(/is gone/);
      await recorder.stop();
    });
  });
});
