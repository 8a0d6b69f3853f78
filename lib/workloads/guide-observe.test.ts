import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeMember, distinctWarnings, memberState, settledSignature } from './guide-observe.js';

const pod = (status: V1Pod['status']): V1Pod => ({ metadata: { name: 'mysql-0', uid: 'u0' }, status });
const waiting: V1Pod['status'] = {
  phase: 'Pending',
  conditions: [{ type: 'Ready', status: 'False' }],
  containerStatuses: [
    {
      name: 'mysql',
      ready: false,
      restartCount: 0,
      image: 'i',
      imageID: '',
      state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "mysql-secret" not found' } },
    },
  ],
};
const event = (message: string, count: number): CoreV1Event => ({
  metadata: {},
  involvedObject: { uid: 'u0' },
  type: 'Warning',
  reason: 'Unhealthy',
  message,
  count,
  lastTimestamp: new Date('2026-11-22T07:12:20Z'),
});

describe('what a member of a guide set is doing', () => {
  it("reads like kubectl describe: phase, Ready, each container's state and message, the pod's warnings", () => {
    const member = memberState('mysql-0', pod(waiting), [event('Readiness probe failed: ERROR 1045', 31)]);
    expect(describeMember(member)).toBe(
      'mysql-0: Pending, not Ready; container mysql waiting (CreateContainerConfigError), 0 restarts [secret "mysql-secret" not found]',
    );
    expect(distinctWarnings([member])).toEqual(['mysql-0: Unhealthy: Readiness probe failed: ERROR 1045 (x31)']);
    expect(describeMember(memberState('mysql-1', undefined, []))).toBe('mysql-1: absent');
  });

  it('counts a crash-looping container as one settled state, whatever moment it is caught in', () => {
    const looping = (
      state: NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number]['state'],
      ready: boolean,
    ) =>
      memberState(
        'db-0',
        pod({
          phase: 'Running',
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
          containerStatuses: [{ name: 'db', ready, restartCount: 3, image: 'i', imageID: '', state }],
        }),
        [],
      );
    const signatures = new Set([
      settledSignature(looping({ running: {} }, true)),
      settledSignature(looping({ waiting: { reason: 'CrashLoopBackOff' } }, false)),
      settledSignature(looping({ terminated: { exitCode: 1, reason: 'Error' } }, false)),
    ]);
    expect(signatures.size).toBe(1);
    expect(settledSignature(memberState('mysql-0', pod(waiting), []))).not.toContain('crash-looping');
  });
});
