import { describe, expect, it } from 'vitest';
import { kindsOf } from './verdict.js';
import { replicasCaughtUp, replicasRefuseWrites } from './replication.js';

const primary = { subject: 'mysql-0 sts_ledger.ledger', acknowledged: ['a', 'b', 'c'], attempted: ['d'] };
const DEADLINE = 30_000;

describe('replicas catch up with the primary', () => {
  it('holds when every replica holds every acknowledged row; an unconfirmed one may be there or not', () => {
    const verdict = replicasCaughtUp(
      primary,
      [
        { replica: 'mysql-1', ids: ['a', 'b', 'c'], elapsedMs: 800 },
        { replica: 'mysql-2', ids: ['a', 'b', 'c', 'd'], elapsedMs: 1200 },
      ],
      DEADLINE,
    );
    expect(verdict.outcome).toBe('holds');
  });

  it('a replica still lacking rows at the deadline is replica-behind; an unknown row is phantom-row', () => {
    const verdict = replicasCaughtUp(
      primary,
      [
        { replica: 'mysql-1', ids: ['a'], elapsedMs: 30_500 },
        { replica: 'mysql-2', ids: ['a', 'b', 'c', 'x'], elapsedMs: 400 },
      ],
      DEADLINE,
    );
    expect(kindsOf(verdict)).toEqual(['replica-behind', 'phantom-row']);
    expect(verdict.violations[0]?.message).toContain('mysql-1 lacks 2 of the 3 rows');
  });

  it('a read that failed, a read before the deadline that lacks rows, or nothing acknowledged is inconclusive', () => {
    expect(
      replicasCaughtUp(primary, [{ replica: 'mysql-1', ids: undefined, elapsedMs: 40_000 }], DEADLINE).outcome,
    ).toBe('inconclusive');
    expect(replicasCaughtUp(primary, [{ replica: 'mysql-1', ids: ['a'], elapsedMs: 2_000 }], DEADLINE).outcome).toBe(
      'inconclusive',
    );
    expect(
      replicasCaughtUp({ subject: 's', acknowledged: [] }, [{ replica: 'r', ids: [], elapsedMs: 40_000 }], DEADLINE)
        .outcome,
    ).toBe('inconclusive');
    expect(replicasCaughtUp(primary, [], DEADLINE).outcome).toBe('inconclusive');
  });
});

describe('replicas refuse writes', () => {
  const refused = { refusedAsReadOnly: true, acknowledged: false, error: 'ERROR 1290 (HY000): ... --read-only ...' };

  it('holds when every attempt was refused as read-only', () => {
    expect(replicasRefuseWrites([{ replica: 'mysql-1', account: 'ledger_writer', ...refused }]).outcome).toBe('holds');
  });

  it('an acknowledged write on a replica is replica-accepted-write', () => {
    const verdict = replicasRefuseWrites([
      { replica: 'mysql-1', account: 'ledger_writer', ...refused },
      { replica: 'mysql-1', account: 'root', acknowledged: true, refusedAsReadOnly: false },
    ]);
    expect(kindsOf(verdict)).toEqual(['replica-accepted-write']);
    expect(verdict.violations[0]?.message).toContain('by root');
  });

  it('a refusal for another reason, or no attempt at all, is inconclusive', () => {
    const denied = { acknowledged: false, refusedAsReadOnly: false, error: 'ERROR 1142: INSERT command denied' };
    expect(replicasRefuseWrites([{ replica: 'mysql-1', account: 'nobody', ...denied }]).outcome).toBe('inconclusive');
    expect(replicasRefuseWrites([]).outcome).toBe('inconclusive');
  });
});
