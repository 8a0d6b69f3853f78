import { describe, expect, it } from 'vitest';
import { kindsOf } from './verdict.js';
import { ledgerFigures, ledgerIntact } from './data.js';

const ledger = { subject: 'mysql-0 appdb.ledger', acknowledged: ['a', 'b', 'c'], attempted: ['d'] };

describe('acknowledged writes survive', () => {
  it('holds when every acknowledged row is read back; an unconfirmed one may or may not be there', () => {
    expect(ledgerIntact(ledger, { from: 'mysql-0', ids: ['a', 'b', 'c'] }).outcome).toBe('holds');
    expect(ledgerIntact(ledger, { from: 'mysql-0', ids: ['a', 'b', 'c', 'd'] }).outcome).toBe('holds');
  });

  it('a missing acknowledged row is acknowledged-write-lost, an unknown one phantom-row', () => {
    expect(kindsOf(ledgerIntact(ledger, { from: 'mysql-0', ids: ['a', 'c'] }))).toEqual(['acknowledged-write-lost']);
    expect(kindsOf(ledgerIntact(ledger, { from: 'mysql-0', ids: ['a', 'b', 'c', 'x'] }))).toEqual(['phantom-row']);
    expect(ledgerFigures(ledger, { from: 'mysql-0', ids: ['a'] })).toEqual({ acknowledged: 3, readBack: 1, lost: 2 });
  });

  it('nothing read, or nothing acknowledged, is inconclusive', () => {
    expect(ledgerIntact(ledger, { from: 'mysql-0', ids: undefined }).outcome).toBe('inconclusive');
    expect(ledgerIntact({ subject: 's', acknowledged: [] }, { from: 'mysql-0', ids: [] }).outcome).toBe('inconclusive');
  });
});
