import { describe, expect, it } from 'vitest';
import { replicasCaughtUp, replicasRefuseWrites } from './replication.js';
import { kindsOf } from './verdict.js';

const ledger = { subject: 'postgres-0 ledger', acknowledged: ['a', 'b', 'c'] };

describe('acknowledged rows reach every replica', () => {
  it('holds when each replica read every acknowledged row in time', () => {
    const verdict = replicasCaughtUp(ledger, [
      { replica: 'postgres-1', deadlineMs: 30_000, ids: ['a', 'b', 'c'], caughtUpAfterMs: 120 },
      { replica: 'postgres-2', deadlineMs: 30_000, ids: ['a', 'b', 'c', 'd'], caughtUpAfterMs: 340 },
    ]);
    expect(verdict.outcome).toBe('holds');
    expect(verdict.checked).toContain('postgres-2 in 340 ms');
  });

  it('a replica missing a row at its deadline is replica-behind, naming the row', () => {
    const verdict = replicasCaughtUp(ledger, [
      { replica: 'postgres-1', deadlineMs: 30_000, ids: ['a', 'b', 'c'] },
      { replica: 'postgres-2', deadlineMs: 30_000, ids: ['a'] },
    ]);
    expect(kindsOf(verdict)).toEqual(['replica-behind']);
    expect(verdict.violations[0]?.message).toMatch(/postgres-2 still lacks 2 of the 3 .*\(b, c\)/);
  });

  it('a replica never read, no replica, or nothing acknowledged decides nothing', () => {
    expect(replicasCaughtUp(ledger, [{ replica: 'postgres-1', deadlineMs: 1, ids: undefined }]).outcome).toBe(
      'inconclusive',
    );
    expect(replicasCaughtUp(ledger, []).outcome).toBe('inconclusive');
    expect(
      replicasCaughtUp({ subject: 's', acknowledged: [] }, [{ replica: 'r', deadlineMs: 1, ids: [] }]).outcome,
    ).toBe('inconclusive');
  });
});

describe('replicas refuse writes', () => {
  it('holds when every replica refused as read only; an accepted write is replica-accepted-write', () => {
    expect(
      replicasRefuseWrites([{ replica: 'postgres-1', outcome: 'refused-read-only', detail: 'read-only transaction' }])
        .outcome,
    ).toBe('holds');
    expect(
      kindsOf(
        replicasRefuseWrites([
          { replica: 'postgres-1', outcome: 'refused-read-only', detail: '' },
          { replica: 'postgres-2', outcome: 'accepted', detail: 'INSERT 0 1' },
        ]),
      ),
    ).toEqual(['replica-accepted-write']);
  });

  it('a refusal for another reason (connection refused) is no evidence either way', () => {
    expect(
      replicasRefuseWrites([{ replica: 'postgres-1', outcome: 'refused-otherwise', detail: 'connection refused' }])
        .outcome,
    ).toBe('inconclusive');
    expect(replicasRefuseWrites([]).outcome).toBe('inconclusive');
  });
});
