import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  isClientError,
  isReadOnlyRefusal,
  parseBatch,
  parseBinlogInfo,
  parseMysqlError,
  parseReplicaStatus,
  parseServerVersion,
} from './mysql.js';

/** Outputs recorded from the MariaDB image by the integration project (STS_RECORD_OUTPUTS=1). */
const recorded = (name: string) => readFileSync(new URL(`./testdata/mysql/${name}`, import.meta.url), 'utf8');

describe('mysql batch output', () => {
  it('splits on tabs, unescapes \\t \\n \\\\ and reads NULL as null', () => {
    expect(parseBatch('a\\tb\tNULL\tc\\\\d\\ne\n')).toEqual([['a\tb', null, 'c\\d\ne']]);
    expect(parseBatch('')).toEqual([]);
  });
});

describe('parseReplicaStatus', () => {
  it('reads a running MariaDB replica from SHOW SLAVE STATUS', () => {
    const status = parseReplicaStatus(recorded('show-slave-status-replica.tsv'));
    expect(status).toMatchObject({
      configured: true,
      sourceHost: 'mysql-0',
      sourcePort: 3306,
      ioRunning: 'Yes',
      sqlRunning: 'Yes',
    });
    expect(status.secondsBehind).toBeGreaterThanOrEqual(0);
    expect(status.lastIoError).toBeUndefined();
    expect(Object.keys(status.columns)).toContain('Gtid_IO_Pos');
  });

  it('says "not a replica" for the empty answer of a primary', () => {
    expect(parseReplicaStatus(recorded('show-slave-status-primary.tsv'))).toEqual({ configured: false, columns: {} });
  });

  it("reads MySQL 8's Source/Replica spellings and a NULL lag (synthetic)", () => {
    const status = parseReplicaStatus(
      'Replica_IO_State\tSource_Host\tSource_Port\tReplica_IO_Running\tReplica_SQL_Running\tSeconds_Behind_Source\tLast_IO_Error\n' +
        'Connecting to source\tmysql-0.mysql\t3306\tConnecting\tYes\tNULL\terror connecting to master\n',
    );
    expect(status).toMatchObject({
      sourceHost: 'mysql-0.mysql',
      ioRunning: 'Connecting',
      secondsBehind: null,
      lastIoError: 'error connecting to master',
    });
  });
});

describe('parseMysqlError', () => {
  it('reads the read-only refusal, with its "at line" and the echoed statement around it', () => {
    const error = parseMysqlError(recorded('read-only-refusal.stderr'));
    expect(error).toMatchObject({ code: 1290, sqlState: 'HY000' });
    expect(isReadOnlyRefusal(error)).toBe(true);
    expect(isClientError(error)).toBe(false);
  });

  it("counts MySQL's super-read-only refusal as read-only too (synthetic, MySQL 8.0's text)", () => {
    const error = parseMysqlError(
      'ERROR 1290 (HY000) at line 1: The MySQL server is running with the --super-read-only option so it cannot execute this statement\n',
    );
    expect(isReadOnlyRefusal(error)).toBe(true);
  });

  it('tells access denied (a server answer) from cannot connect (a client error)', () => {
    const denied = parseMysqlError(recorded('access-denied.stderr'));
    expect(denied).toMatchObject({ code: 1045, sqlState: '28000' });
    expect(isClientError(denied)).toBe(false);
    const down = parseMysqlError(recorded('connect-refused.stderr'));
    expect(down?.code).toBe(2002);
    expect(isClientError(down)).toBe(true);
    expect(parseMysqlError('mysql: unknown option --x')).toBeUndefined();
  });
});

describe('parseServerVersion', () => {
  it('knows MariaDB from MySQL by the version string', () => {
    const [[reported]] = parseBatch(recorded('version.tsv')) as [[string]];
    expect(parseServerVersion(reported)).toEqual({ reported, product: 'MariaDB', version: '10.11.19' });
    expect(parseServerVersion('8.0.36')).toMatchObject({ product: 'MySQL', version: '8.0.36' });
    expect(() => parseServerVersion('')).toThrow(/cannot read a version/);
  });
});

describe('parseBinlogInfo', () => {
  it("splits MariaDB's three columns like `read -r file pos _`", () => {
    const info = parseBinlogInfo(recorded('xtrabackup_binlog_info'));
    expect(info.file).toMatch(/^mysql-bin\.\d{6}$/);
    expect(info.position).toBeGreaterThan(0);
    expect(info.gtid).toMatch(/^0-100-\d+$/);
  });

  it('takes the two columns of xtrabackup and an empty GTID column alike', () => {
    expect(parseBinlogInfo('mysql-bin.000003\t154\n')).toEqual({ file: 'mysql-bin.000003', position: 154 });
    expect(parseBinlogInfo('mysql-bin.000001\t798\t\n')).toEqual({ file: 'mysql-bin.000001', position: 798 });
    expect(() => parseBinlogInfo('mysql-bin.000001')).toThrow(/no "file position"/);
  });
});
