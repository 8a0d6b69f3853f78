import { describe, expect, it } from 'vitest';
import { dnsMatchesPods, hostnamesArePodNames, storageReattached, type StorageIdentity } from './identity.js';

describe('dnsMatchesPods', () => {
  it('holds when every name resolves to exactly its pods', () => {
    expect(
      dnsMatchesPods([
        {
          name: 'web-0.web.ns.svc.cluster.local',
          expected: ['10.244.0.7'],
          resolved: ['10.244.0.7'],
          outcome: '10.244.0.7',
        },
        {
          name: 'web.ns.svc.cluster.local',
          expected: ['10.244.0.7', '10.244.0.8'],
          resolved: ['10.244.0.8', '10.244.0.7'],
          outcome: '',
        },
      ]),
    ).toMatchObject({ holds: true });
  });

  it('rejects NXDOMAIN (no governing Service), a stale address and a missing pod IP', () => {
    const result = dnsMatchesPods([
      { name: 'web-0.web.ns.svc.cluster.local', expected: ['10.244.0.7'], resolved: [], outcome: 'NXDOMAIN' },
      {
        name: 'web-1.web.ns.svc.cluster.local',
        expected: ['10.244.0.9'],
        resolved: ['10.244.0.8'],
        outcome: '10.244.0.8',
      },
      {
        name: 'web.ns.svc.cluster.local',
        expected: ['10.244.0.7', '10.244.0.9'],
        resolved: ['10.244.0.7'],
        outcome: '10.244.0.7',
      },
    ]);
    expect(result).toMatchObject({
      holds: false,
      violations: [
        'web-0.web.ns.svc.cluster.local resolved to NXDOMAIN: expected 10.244.0.7',
        'web-1.web.ns.svc.cluster.local resolved to 10.244.0.8: expected 10.244.0.9',
        'web.ns.svc.cluster.local resolved to 10.244.0.7: expected 10.244.0.7, 10.244.0.9',
      ],
    });
  });

  it('is not vacuous', () => {
    expect(dnsMatchesPods([]).holds).toBe(false);
    expect(dnsMatchesPods([{ name: 'x', expected: [], resolved: [], outcome: 'NXDOMAIN' }]).holds).toBe(false);
  });
});

describe('hostnamesArePodNames', () => {
  it('holds for matching names and rejects others', () => {
    expect(hostnamesArePodNames([{ pod: 'web-0', hostname: 'web-0' }]).holds).toBe(true);
    expect(hostnamesArePodNames([{ pod: 'web-0', hostname: 'busybox' }])).toMatchObject({
      holds: false,
      violations: ['Pod web-0 reports hostname "busybox": expected web-0'],
    });
  });
});

describe('storageReattached', () => {
  const before: StorageIdentity = {
    pod: 'web-1',
    podUid: 'aaaa1111',
    claim: { name: 'data-web-1', uid: 'c1', volumeName: 'pvc-1' },
    marker: 'm-42',
  };

  it('holds when a new pod mounts the same claim and volume and reads the marker', () => {
    expect(storageReattached(before, { ...before, podUid: 'bbbb2222' })).toMatchObject({ holds: true });
  });

  it('rejects an emptyDir pod: no claim, marker gone', () => {
    const result = storageReattached(
      { ...before, claim: undefined },
      { pod: 'web-1', podUid: 'bbbb2222', marker: undefined },
    );
    expect(result.holds).toBe(false);
    if (result.holds) return;
    expect(result.violations).toContain('Pod web-1 reads marker null: expected "m-42"');
  });

  it('rejects a new claim, a different volume, or a pod that was never recreated', () => {
    expect(
      storageReattached(before, {
        ...before,
        podUid: 'b',
        claim: { name: 'data-web-1', uid: 'c2', volumeName: 'pvc-1' },
      }).holds,
    ).toBe(false);
    expect(
      storageReattached(before, {
        ...before,
        podUid: 'b',
        claim: { name: 'data-web-1', uid: 'c1', volumeName: 'pvc-9' },
      }).holds,
    ).toBe(false);
    expect(storageReattached(before, before)).toMatchObject({
      holds: false,
      violations: [expect.stringMatching(/never recreated/)],
    });
  });
});
