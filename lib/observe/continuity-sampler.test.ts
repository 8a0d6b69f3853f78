import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { ordinalOf, podSightings, runtimeSightings } from './continuity-sampler.js';

const pod = (name: string, uid: string, phase: string, running: boolean): V1Pod => ({
  metadata: { name, uid },
  status: {
    phase,
    containerStatuses: [
      {
        name: 'c',
        image: 'i',
        imageID: '',
        ready: running,
        restartCount: 0,
        state: running ? { running: {} } : { waiting: {} },
      },
    ],
  },
});

describe('continuity samples', () => {
  it("an ordinal belongs to a set only by the set's exact name", () => {
    expect(ordinalOf('web-2', 'web')).toBe(2);
    expect(ordinalOf('web-extra-2', 'web')).toBeUndefined();
    expect(ordinalOf('continuity-probes-6d9f-abcde', 'web')).toBeUndefined();
  });

  it('a pod is alive while Running with a running container', () => {
    const sightings = podSightings(
      [
        pod('web-0', 'a', 'Running', true),
        pod('web-1', 'b', 'Pending', false),
        pod('postgres-0', 'c', 'Running', true),
      ],
      ['web', 'postgres'],
      5,
    );
    expect(sightings).toEqual([
      { at: 5, set: 'web', ordinal: 0, uid: 'a', alive: true },
      { at: 5, set: 'web', ordinal: 1, uid: 'b', alive: false },
      { at: 5, set: 'postgres', ordinal: 0, uid: 'c', alive: true },
    ]);
  });

  it("the runtimes' containers give one sighting per pod UID, on whichever node", () => {
    const containers = [
      { node: 'w1', namespace: 'ns', pod: 'web-0', podUid: 'a', container: 'web' },
      { node: 'w1', namespace: 'ns', pod: 'web-0', podUid: 'a', container: 'sidecar' },
      { node: 'w2', namespace: 'ns', pod: 'web-0', podUid: 'z', container: 'web' },
    ];
    expect(runtimeSightings(containers, ['web'], 7)).toEqual([
      { at: 7, set: 'web', ordinal: 0, uid: 'a', alive: true },
      { at: 7, set: 'web', ordinal: 0, uid: 'z', alive: true },
    ]);
  });
});
