import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isReadOnlyRefusal, parseCsv, parsePostgresError, parseServerVersion } from './postgres.js';

/** Outputs recorded from the PostgreSQL images by the integration project (STS_RECORD_OUTPUTS=1). */
const recorded = (name: string) => readFileSync(new URL(`./testdata/postgres/${name}`, import.meta.url), 'utf8');

describe('parseCsv', () => {
  it('reads psql --csv rows, quoted commas, doubled quotes and line breaks', () => {
    expect(parseCsv(recorded('pg-stat-replication.csv'))).toEqual([
      ['walreceiver', '172.21.0.3', 'streaming', 'async'],
    ]);
    expect(parseCsv('a,"b,c","say ""hi""","two\nlines"\n1,,3,\n')).toEqual([
      ['a', 'b,c', 'say "hi"', 'two\nlines'],
      ['1', '', '3', ''],
    ]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv(recorded('pg-stat-wal-receiver.csv'))).toEqual([['streaming', 'postgres-0', '5432']]);
  });
});

describe('parseServerVersion', () => {
  it("reads the zonky build's and Debian's version strings", () => {
    expect(parseServerVersion(parseCsv(recorded('server-version-14.23.csv'))[0]![0]!).version).toBe('14.23');
    expect(parseServerVersion(parseCsv(recorded('server-version-15.20.csv'))[0]![0]!)).toEqual({
      reported: '15.20 (Debian 15.20-0+deb12u1)',
      version: '15.20',
    });
  });
});

describe('parsePostgresError', () => {
  it('reads the SQLSTATE of a standby refusing a write', () => {
    const error = parsePostgresError(recorded('read-only-refusal.stderr'));
    expect(error).toEqual({
      severity: 'ERROR',
      sqlState: '25006',
      message: 'cannot execute INSERT in a read-only transaction',
    });
    expect(isReadOnlyRefusal(error)).toBe(true);
  });

  it('reads connection failures, which carry no SQLSTATE, and never calls them read-only', () => {
    const refused = parsePostgresError(recorded('connect-refused.stderr'));
    expect(refused?.message).toMatch(/port 5499 failed: Connection refused/);
    expect(isReadOnlyRefusal(refused)).toBe(false);
    const password = parsePostgresError(recorded('password-refused.stderr'));
    expect(password?.message).toMatch(/password authentication failed for user "postgres"/);
    expect(parsePostgresError('')).toBeUndefined();
  });

  it("reads the server's own FATAL lines with a SQLSTATE (synthetic, VERBOSITY=verbose)", () => {
    expect(
      parsePostgresError('psql:<stdin>:1: FATAL:  57P01: terminating connection due to administrator command'),
    ).toEqual({
      severity: 'FATAL',
      sqlState: '57P01',
      message: 'terminating connection due to administrator command',
    });
  });
});
