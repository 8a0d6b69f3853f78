import { waitFor } from '../support/wait.js';
import {
  DbCommandError,
  firstLines,
  requireLedgerId,
  withSecret,
  shellQuote,
  type Credentials,
  type DbExec,
  type ExecOutcome,
  type LedgerWrite,
  type Role,
} from './db-exec.js';

/**
 * The MySQL adapter: the `mysql` client inside the database's container (the mysql image's, or
 * the MariaDB stand-in's, whose `mysql` is MariaDB's client), SQL on standard input, the password
 * in MYSQL_PWD (see db-exec.ts), output in batch mode. Statements are the ones both servers
 * accept (SHOW SLAVE STATUS, @@read_only); what differs between them is parsed, not assumed.
 */

export interface MysqlTarget {
  /** Host as the client in the container sees it; 127.0.0.1 is the container's own server over TCP. */
  readonly host?: string;
  readonly port?: number;
  readonly credentials: Credentials;
  /** Where the ledger lives; created by ensureLedger. */
  readonly ledgerDatabase?: string;
}

export interface MysqlError {
  readonly code: number;
  readonly sqlState: string;
  readonly message: string;
}

export interface ServerVersion {
  /** As the server reports it: `SELECT VERSION()`. */
  readonly reported: string;
  readonly product: 'MariaDB' | 'MySQL';
  /** Major.minor.patch. */
  readonly version: string;
}

export interface ReplicaStatus {
  /** Whether the server is configured as a replica (SHOW SLAVE STATUS returned a row). */
  readonly configured: boolean;
  readonly sourceHost?: string;
  readonly sourcePort?: number;
  /** Slave_IO_Running: Yes, No or Connecting. */
  readonly ioRunning?: string;
  readonly sqlRunning?: string;
  /** Seconds_Behind_Master; null while the server cannot tell (not connected). */
  readonly secondsBehind?: number | null;
  readonly lastIoError?: string;
  readonly lastSqlError?: string;
  /** Every column as reported, for the report. */
  readonly columns: Readonly<Record<string, string | null>>;
}

/** `mysql --batch` output: tab-separated, with \t \n \\ \0 escaped and NULL spelled out. */
export function parseBatch(stdout: string): Array<Array<string | null>> {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t').map((field) => (field === 'NULL' ? null : unescapeBatchField(field))));
}

export function unescapeBatchField(field: string): string {
  return field.replace(/\\([\\tn0])/g, (_, escaped: string) =>
    escaped === 't' ? '\t' : escaped === 'n' ? '\n' : escaped === '0' ? '\0' : '\\',
  );
}

/** Rows as records, from batch output with its header line. */
export function parseBatchWithHeader(stdout: string): Array<Record<string, string | null>> {
  const [header, ...rows] = parseBatch(stdout);
  if (!header) return [];
  return rows.map((row) => Object.fromEntries(header.map((name, index) => [name ?? '', row[index] ?? null])));
}

/** The server error the client printed (`ERROR 1290 (HY000) at line 1: ...`), if any. */
export function parseMysqlError(stderr: string): MysqlError | undefined {
  const match = /^ERROR (\d+) \(([0-9A-Z]{5})\)(?: at line \d+)?: (.*)$/m.exec(stderr);
  if (!match) return undefined;
  return { code: Number(match[1]), sqlState: match[2] as string, message: (match[3] as string).trim() };
}

/** 1290 is ER_OPTION_PREVENTS_STATEMENT: MySQL's --read-only/--super-read-only and MariaDB's --read-only. */
export function isReadOnlyRefusal(error: MysqlError | undefined): boolean {
  return error?.code === 1290 && /read-only/i.test(error.message);
}

/** Client-side errors (2000-2999: cannot connect, lost connection) say nothing about the statement's fate. */
export function isClientError(error: MysqlError | undefined): boolean {
  return error !== undefined && error.code >= 2000 && error.code < 3000;
}

export function parseServerVersion(reported: string): ServerVersion {
  const version = /^(\d+\.\d+\.\d+)/.exec(reported.trim())?.[1];
  if (!version) throw new Error(`cannot read a version from ${JSON.stringify(reported)}`);
  return { reported: reported.trim(), product: /mariadb/i.test(reported) ? 'MariaDB' : 'MySQL', version };
}

/** SHOW SLAVE STATUS (batch, with header): MySQL 8.0 and MariaDB 10.11 name these columns alike. */
export function parseReplicaStatus(stdout: string): ReplicaStatus {
  const [row] = parseBatchWithHeader(stdout);
  if (!row) return { configured: false, columns: {} };
  const port = row.Master_Port ?? row.Source_Port;
  const behind = row.Seconds_Behind_Master ?? row.Seconds_Behind_Source;
  return {
    configured: true,
    sourceHost: row.Master_Host ?? row.Source_Host ?? undefined,
    sourcePort: port ? Number(port) : undefined,
    ioRunning: row.Slave_IO_Running ?? row.Replica_IO_Running ?? undefined,
    sqlRunning: row.Slave_SQL_Running ?? row.Replica_SQL_Running ?? undefined,
    secondsBehind: behind === null || behind === undefined ? null : Number(behind),
    lastIoError: row.Last_IO_Error || undefined,
    lastSqlError: row.Last_SQL_Error || undefined,
    columns: row,
  };
}

/**
 * xtrabackup_binlog_info of a mariadb-backup/xtrabackup clone: file, position and, from MariaDB,
 * a third column (the GTID position, possibly empty). Split on whitespace like bash's
 * `read -r file pos _`; a regex with two groups takes the position for part of the file name.
 */
export function parseBinlogInfo(text: string): { file: string; position: number; gtid?: string } {
  const [file, position, gtid] = text.trim().split(/\s+/);
  if (!file || !position || !/^\d+$/.test(position))
    throw new Error(`xtrabackup_binlog_info ${JSON.stringify(text)} has no "file position" at its start`);
  return gtid ? { file, position: Number(position), gtid } : { file, position: Number(position) };
}

/** @@read_only and friends as 0/1 (or ON/OFF). */
export function parseFlag(value: string | null | undefined): boolean {
  return value === '1' || value?.toUpperCase() === 'ON';
}

export class MysqlAdapter {
  private readonly host: string;
  private readonly port: number;
  readonly ledgerDatabase: string;

  constructor(
    private readonly exec: DbExec,
    private readonly target: MysqlTarget,
  ) {
    this.host = target.host ?? '127.0.0.1';
    this.port = target.port ?? 3306;
    this.ledgerDatabase = target.ledgerDatabase ?? 'sts_ledger';
    if (!/^[A-Za-z0-9_]+$/.test(this.ledgerDatabase)) throw new Error(`bad ledger database ${this.ledgerDatabase}`);
  }

  /** Runs SQL (from stdin) and returns the raw outcome; `header` keeps the column names line. */
  async run(sql: string, options: { header?: boolean } = {}): Promise<ExecOutcome> {
    const client = [
      'exec mysql --batch',
      options.header ? '' : '--skip-column-names',
      '--protocol=TCP',
      `-h ${shellQuote(this.host)}`,
      `-P ${this.port}`,
      `-u ${shellQuote(this.target.credentials.user)}`,
    ]
      .filter(Boolean)
      .join(' ');
    const { argv, stdin } = withSecret('MYSQL_PWD', this.target.credentials.password, client, `${sql}\n`);
    return this.exec(argv, stdin);
  }

  async query(sql: string, what: string): Promise<Array<Array<string | null>>> {
    const outcome = await this.run(sql);
    if (outcome.exitCode !== 0) throw new DbCommandError(`${what} on ${this.where()}`, outcome);
    return parseBatch(outcome.stdout);
  }

  where(): string {
    return `MySQL ${this.host}:${this.port}`;
  }

  /** Until the server accepts this user's connections and answers a query. */
  async waitUntilAccepting(timeoutMs = 120_000): Promise<void> {
    await waitFor(
      `${this.where()} to accept connections of ${this.target.credentials.user} and answer SELECT 1`,
      async () => {
        const outcome = await this.run('SELECT 1;');
        return outcome.exitCode === 0 && outcome.stdout.trim() === '1'
          ? { done: true, value: undefined }
          : { done: false, observed: firstLines(outcome.stderr || outcome.stdout, 1) };
      },
      { timeoutMs, intervalMs: 1000 },
    );
  }

  async serverVersion(): Promise<ServerVersion> {
    const [[reported] = []] = await this.query('SELECT VERSION();', 'read the server version');
    return parseServerVersion(reported ?? '');
  }

  /** The ledger table (and the probe table writeRefused uses), created if absent. */
  async ensureLedger(): Promise<void> {
    const db = this.ledgerDatabase;
    await this.query(
      [
        `CREATE DATABASE IF NOT EXISTS \`${db}\`;`,
        `CREATE TABLE IF NOT EXISTS \`${db}\`.ledger (id VARCHAR(64) PRIMARY KEY, written_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB;`,
        `CREATE TABLE IF NOT EXISTS \`${db}\`.write_probe (id VARCHAR(64) PRIMARY KEY) ENGINE=InnoDB;`,
      ].join('\n'),
      'create the ledger',
    );
  }

  /** One row, autocommitted: acknowledged when the client exited 0 after the server's OK. */
  writeLedgerRow(id: string): Promise<LedgerWrite> {
    return this.insert('ledger', id);
  }

  async readLedgerIds(): Promise<string[]> {
    const rows = await this.query(`SELECT id FROM \`${this.ledgerDatabase}\`.ledger ORDER BY id;`, 'read the ledger');
    return rows.map(([id]) => id ?? '');
  }

  /** Tries a write to the probe table: refused (and why) or not. A write that went through stays there. */
  async writeRefused(id: string): Promise<{ refused: boolean; readOnly: boolean; error?: string }> {
    const result = await this.insert('write_probe', id);
    return result.acknowledged
      ? { refused: false, readOnly: false }
      : { refused: true, readOnly: result.refusedAsReadOnly, error: result.error };
  }

  async replicationStatus(): Promise<ReplicaStatus> {
    const outcome = await this.run('SHOW SLAVE STATUS;', { header: true });
    if (outcome.exitCode !== 0) throw new DbCommandError(`SHOW SLAVE STATUS on ${this.where()}`, outcome);
    return parseReplicaStatus(outcome.stdout);
  }

  /** replica when configured to replicate, read-only when @@read_only is on, else primary. */
  async role(): Promise<{ role: Role; readOnly: boolean; replica: ReplicaStatus }> {
    const [[readOnly] = []] = await this.query('SELECT @@global.read_only;', 'read @@read_only');
    const replica = await this.replicationStatus();
    const isReadOnly = parseFlag(readOnly);
    return {
      role: replica.configured ? 'replica' : isReadOnly ? 'read-only' : 'primary',
      readOnly: isReadOnly,
      replica,
    };
  }

  /**
   * CHANGE MASTER TO ... and START SLAVE (both servers accept these spellings). The source's
   * password travels in the SQL on standard input.
   */
  async startReplicatingFrom(source: {
    host: string;
    port?: number;
    user: string;
    password: string;
    logFile: string;
    logPosition: number;
  }): Promise<void> {
    const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    await this.query(
      [
        `CHANGE MASTER TO MASTER_HOST=${quote(source.host)}, MASTER_PORT=${source.port ?? 3306},`,
        `  MASTER_USER=${quote(source.user)}, MASTER_PASSWORD=${quote(source.password)},`,
        `  MASTER_LOG_FILE=${quote(source.logFile)}, MASTER_LOG_POS=${source.logPosition}, MASTER_CONNECT_RETRY=1;`,
        'START SLAVE;',
      ].join('\n'),
      `start replicating from ${source.host}`,
    );
  }

  private async insert(table: 'ledger' | 'write_probe', id: string): Promise<LedgerWrite> {
    requireLedgerId(id);
    const outcome = await this.run(`INSERT INTO \`${this.ledgerDatabase}\`.${table} (id) VALUES ('${id}');`);
    if (outcome.exitCode === 0) return { acknowledged: true, id };
    const error = parseMysqlError(outcome.stderr);
    return {
      acknowledged: false,
      id,
      refusedAsReadOnly: isReadOnlyRefusal(error),
      error: error ? `ERROR ${error.code} (${error.sqlState}): ${error.message}` : firstLines(outcome.stderr),
    };
  }
}
