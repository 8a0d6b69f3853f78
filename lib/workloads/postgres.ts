import { waitFor } from '../support/wait.js';
import {
  DbCommandError,
  firstLines,
  requireLedgerId,
  shellQuote,
  withSecret,
  type Credentials,
  type DbExec,
  type ExecOutcome,
  type LedgerWrite,
  type Role,
} from './db-exec.js';

/**
 * The PostgreSQL adapter: `psql` inside the database's container, SQL on standard input, the
 * password in PGPASSWORD (see db-exec.ts), rows as CSV, errors with their SQLSTATE
 * (VERBOSITY=verbose), so outcomes are read from codes rather than from message texts.
 */

export interface PostgresTarget {
  /** Host as psql in the container sees it; 127.0.0.1 is the container's own server over TCP. */
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly credentials: Credentials;
  /** Schema of the ledger tables, created by ensureLedger. */
  readonly ledgerSchema?: string;
}

export interface PostgresError {
  readonly severity: string;
  readonly sqlState: string;
  readonly message: string;
}

export interface PostgresVersion {
  /** `SHOW server_version`: "14.23", or "15.20 (Debian 15.20-0+deb12u1)". */
  readonly reported: string;
  readonly version: string;
}

export interface Standby {
  readonly applicationName: string;
  readonly clientAddress: string | null;
  readonly state: string;
  readonly syncState: string;
}

export interface ReplicationStatus {
  /** pg_is_in_recovery(): a standby (or a server still replaying its WAL). */
  readonly inRecovery: boolean;
  /** pg_stat_replication on this server: the standbys it streams to. */
  readonly standbys: readonly Standby[];
  /** pg_stat_wal_receiver on a standby: where it streams from, and whether it does. */
  readonly receiver?: {
    readonly status: string;
    readonly senderHost: string | null;
    readonly senderPort: number | null;
  };
}

/** RFC 4180 CSV as psql --csv writes it: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') {
      quoted = true;
      fieldStarted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  if (fieldStarted || field || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The first error psql printed, with VERBOSITY=verbose: `ERROR:  25006: cannot execute ...`. */
export function parsePostgresError(stderr: string): PostgresError | undefined {
  const match = /(ERROR|FATAL|PANIC):\s+([0-9A-Z]{5}):\s+(.*)$/m.exec(stderr);
  if (match)
    return { severity: match[1] as string, sqlState: match[2] as string, message: (match[3] as string).trim() };
  // Connection failures come from libpq, without a SQLSTATE.
  const connection = /(?:psql: )?error: (.*)$/m.exec(stderr);
  return connection ? { severity: 'ERROR', sqlState: '', message: (connection[1] as string).trim() } : undefined;
}

/** 25006 read_only_sql_transaction: a standby, or default_transaction_read_only. */
export function isReadOnlyRefusal(error: PostgresError | undefined): boolean {
  return error?.sqlState === '25006';
}

export function parseServerVersion(reported: string): PostgresVersion {
  const version = /^(\d+(?:\.\d+)?)/.exec(reported.trim())?.[1];
  if (!version) throw new Error(`cannot read a version from ${JSON.stringify(reported)}`);
  return { reported: reported.trim(), version };
}

/** psql's booleans in CSV: t/f (or on/off for settings). */
export function parseBoolean(value: string | undefined): boolean {
  return value === 't' || value === 'true' || value === 'on';
}

export class PostgresAdapter {
  private readonly host: string;
  private readonly port: number;
  readonly ledgerSchema: string;

  constructor(
    private readonly exec: DbExec,
    private readonly target: PostgresTarget,
  ) {
    this.host = target.host ?? '127.0.0.1';
    this.port = target.port ?? 5432;
    this.ledgerSchema = target.ledgerSchema ?? 'sts_ledger';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.ledgerSchema)) throw new Error(`bad ledger schema ${this.ledgerSchema}`);
  }

  where(): string {
    return `PostgreSQL ${this.host}:${this.port}`;
  }

  /** Runs SQL (from stdin) and returns the raw outcome: CSV rows without header, errors with SQLSTATE. */
  run(sql: string): Promise<ExecOutcome> {
    const client = [
      'exec psql -X -q --csv -t -v ON_ERROR_STOP=1 -v VERBOSITY=verbose',
      `-h ${shellQuote(this.host)}`,
      `-p ${this.port}`,
      `-U ${shellQuote(this.target.credentials.user)}`,
      `-d ${shellQuote(this.target.database ?? 'postgres')}`,
    ].join(' ');
    const { argv, stdin } = withSecret('PGPASSWORD', this.target.credentials.password, client, `${sql}\n`);
    return this.exec(argv, stdin);
  }

  async query(sql: string, what: string): Promise<string[][]> {
    const outcome = await this.run(sql);
    if (outcome.exitCode !== 0) throw new DbCommandError(`${what} on ${this.where()}`, outcome);
    return parseCsv(outcome.stdout);
  }

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

  async serverVersion(): Promise<PostgresVersion> {
    const [[reported] = []] = await this.query('SHOW server_version;', 'read the server version');
    return parseServerVersion(reported ?? '');
  }

  async ensureLedger(): Promise<void> {
    const schema = this.ledgerSchema;
    await this.query(
      [
        `CREATE SCHEMA IF NOT EXISTS ${schema};`,
        `CREATE TABLE IF NOT EXISTS ${schema}.ledger (id text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT clock_timestamp());`,
        `CREATE TABLE IF NOT EXISTS ${schema}.write_probe (id text PRIMARY KEY);`,
      ].join('\n'),
      'create the ledger',
    );
  }

  /** One row in its own transaction: acknowledged when psql exited 0 after the server's COMMIT. */
  writeLedgerRow(id: string): Promise<LedgerWrite> {
    return this.insert('ledger', id);
  }

  async readLedgerIds(): Promise<string[]> {
    const rows = await this.query(`SELECT id FROM ${this.ledgerSchema}.ledger ORDER BY id;`, 'read the ledger');
    return rows.map(([id]) => id ?? '');
  }

  async writeRefused(id: string): Promise<{ refused: boolean; readOnly: boolean; error?: string }> {
    const result = await this.insert('write_probe', id);
    return result.acknowledged
      ? { refused: false, readOnly: false }
      : { refused: true, readOnly: result.refusedAsReadOnly, error: result.error };
  }

  async replicationStatus(): Promise<ReplicationStatus> {
    const [[recovery] = []] = await this.query('SELECT pg_is_in_recovery();', 'read pg_is_in_recovery()');
    const standbys = await this.query(
      'SELECT application_name, client_addr, state, sync_state FROM pg_stat_replication ORDER BY application_name;',
      'read pg_stat_replication',
    );
    const receivers = await this.query(
      'SELECT status, sender_host, sender_port FROM pg_stat_wal_receiver;',
      'read pg_stat_wal_receiver',
    );
    const [receiver] = receivers;
    return {
      inRecovery: parseBoolean(recovery),
      standbys: standbys.map(([applicationName = '', clientAddress = '', state = '', syncState = '']) => ({
        applicationName,
        clientAddress: clientAddress || null,
        state,
        syncState,
      })),
      ...(receiver
        ? {
            receiver: {
              status: receiver[0] ?? '',
              senderHost: receiver[1] || null,
              senderPort: receiver[2] ? Number(receiver[2]) : null,
            },
          }
        : {}),
    };
  }

  /** replica when in recovery (a standby), read-only when default_transaction_read_only is on, else primary. */
  async role(): Promise<{ role: Role; replication: ReplicationStatus }> {
    const replication = await this.replicationStatus();
    const [[readOnly] = []] = await this.query(
      'SHOW default_transaction_read_only;',
      'read default_transaction_read_only',
    );
    return {
      role: replication.inRecovery ? 'replica' : parseBoolean(readOnly) ? 'read-only' : 'primary',
      replication,
    };
  }

  private async insert(table: 'ledger' | 'write_probe', id: string): Promise<LedgerWrite> {
    requireLedgerId(id);
    const outcome = await this.run(`INSERT INTO ${this.ledgerSchema}.${table} (id) VALUES ('${id}');`);
    if (outcome.exitCode === 0) return { acknowledged: true, id };
    const error = parsePostgresError(outcome.stderr);
    return {
      acknowledged: false,
      id,
      refusedAsReadOnly: isReadOnlyRefusal(error),
      error: error ? `${error.severity} ${error.sqlState}: ${error.message}` : firstLines(outcome.stderr),
    };
  }
}
