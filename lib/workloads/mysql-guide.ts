import { createHash, randomBytes } from 'node:crypto';
import type { ReadBack, WriteLedger } from '../invariants/data.js';
import type { ReplicaCatchUp, WriteAttempt } from '../invariants/replication.js';
import type { OwnedNamespace } from '../kube/namespace.js';
import { waitFor } from '../support/wait.js';
import { DbCommandError, newLedgerId, podExec, type Credentials } from './db-exec.js';
import { MysqlAdapter, parseFlag, parseMysqlError } from './mysql.js';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import { mostSpecificMatch } from '../support/image-reference.js';
import type { GuideSetShape, GuideStatefulSet } from './guide-workload.js';

/**
 * The MySQL members of a guide's StatefulSet seen as databases: one adapter per pod (the `mysql`
 * client in the database container, lib/workloads/mysql.ts), and the ledgers of acknowledged rows
 * the data checks judge (lib/invariants/data.ts, replication.ts). A row counts as acknowledged
 * only when the server answered OK; a write whose answer never came is "attempted".
 */

const LEDGER_DATABASE = 'sts_ledger';
/** The account the replication checks write as: what an application has, without READ_ONLY ADMIN or SUPER. */
export const WRITER_ACCOUNT = 'ledger_writer';

export interface MysqlMembersOptions {
  readonly namespace: OwnedNamespace;
  /** Pod name of an ordinal. */
  readonly podName: (ordinal: number) => string;
  /** The database container. */
  readonly container: string;
  /** Root, with the password the container has in its environment (the pod's secretKeyRef). */
  readonly root: Credentials;
}

interface Bookkeeping {
  acknowledged: string[];
  attempted: string[];
}

export interface MemberSettings {
  readonly pod: string;
  readonly serverId: number;
  readonly readOnly: boolean;
  readonly binaryLog: boolean;
  /** SHOW SLAVE STATUS in a line, or undefined when the member is not configured to replicate. */
  readonly replicating?: string;
}

/** "mysql-1: server_id 101, read_only ON, no binary log, replicating from ..." */
export function describeSettings(settings: MemberSettings): string {
  return `${settings.pod}: server_id ${settings.serverId}, read_only ${settings.readOnly ? 'ON' : 'OFF'}, ${settings.binaryLog ? 'binary log on' : 'no binary log'}, ${settings.replicating ? `replicating ${settings.replicating}` : 'not replicating (SHOW SLAVE STATUS is empty)'}`;
}

export class MysqlMembers {
  private readonly books = new Map<number, Bookkeeping>();
  private writerPassword?: string;

  constructor(readonly options: MysqlMembersOptions) {}

  /** The members of a guide's set, root's password read from `rootPasswordEnv` inside the container. */
  static of(set: GuideStatefulSet, rootPasswordEnv = 'MYSQL_ROOT_PASSWORD'): MysqlMembers {
    return new MysqlMembers({
      namespace: set.context.namespace,
      podName: (ordinal) => set.podName(ordinal),
      container: set.shape.container,
      root: { user: 'root', password: { fromEnv: rootPasswordEnv } },
    });
  }

  /** A guide's own command run in a member as its reader would (`kubectl exec mysql-0 -- CMD`): exit code and output. */
  async runAsTyped(
    ordinal: number,
    argv: readonly string[],
  ): Promise<{ command: string; exitCode: number; output: string }> {
    const outcome = await podExec(this.options.namespace, this.options.podName(ordinal), {
      container: this.options.container,
      timeoutMs: 30_000,
    })(argv);
    return { command: argv.join(' '), exitCode: outcome.exitCode, output: `${outcome.stdout}${outcome.stderr}`.trim() };
  }

  /** The adapter on this ordinal's own server, as root or as another account. */
  adapter(ordinal: number, credentials: Credentials = this.options.root): MysqlAdapter {
    return new MysqlAdapter(
      podExec(this.options.namespace, this.options.podName(ordinal), {
        container: this.options.container,
        timeoutMs: 30_000,
      }),
      { credentials, ledgerDatabase: LEDGER_DATABASE },
    );
  }

  where(ordinal: number): string {
    return `${this.options.podName(ordinal)} ${LEDGER_DATABASE}.ledger`;
  }

  /** Until this member's server answers root over TCP (it may be Ready by a probe that cannot tell). */
  waitAccepting(ordinal: number, timeoutMs = 180_000): Promise<void> {
    return this.adapter(ordinal).waitUntilAccepting(timeoutMs);
  }

  async ensureLedger(ordinal: number): Promise<void> {
    await this.adapter(ordinal).ensureLedger();
  }

  /** Writes `count` rows, one statement each; returns how many the server acknowledged. */
  async writeRows(ordinal: number, count: number, prefix: string): Promise<number> {
    const book = this.book(ordinal);
    const adapter = this.adapter(ordinal);
    let acknowledged = 0;
    for (let index = 0; index < count; index++) {
      const id = newLedgerId(prefix);
      try {
        const result = await adapter.writeLedgerRow(id);
        if (result.acknowledged) {
          book.acknowledged.push(id);
          acknowledged++;
        } else book.attempted.push(id);
      } catch {
        // The exec itself failed (the pod went away): the row's fate is unknown.
        book.attempted.push(id);
      }
    }
    return acknowledged;
  }

  ledger(ordinal: number): WriteLedger {
    const book = this.book(ordinal);
    return { subject: this.where(ordinal), acknowledged: [...book.acknowledged], attempted: [...book.attempted] };
  }

  /** The ledger's ids as this member reads them now; undefined if the read failed. */
  async readBack(ordinal: number, from: string, credentials?: Credentials): Promise<ReadBack> {
    return { from: `${this.options.podName(ordinal)} ${from}`, ids: (await this.readIds(ordinal, credentials)).ids };
  }

  /**
   * The ledger's ids, or why they could not be read. A server without the ledger database or table
   * (ERROR 1049, 1146) holds none of its rows: that is an answer, not a failed read.
   */
  async readIds(ordinal: number, credentials?: Credentials): Promise<{ ids?: string[]; error?: string }> {
    try {
      return { ids: await this.adapter(ordinal, credentials).readLedgerIds() };
    } catch (error) {
      if (error instanceof DbCommandError) {
        const parsed = parseMysqlError(error.outcome.stderr);
        if (parsed && (parsed.code === 1049 || parsed.code === 1146)) return { ids: [] };
        return { error: parsed ? `ERROR ${parsed.code} (${parsed.sqlState}): ${parsed.message}` : error.message };
      }
      return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
    }
  }

  /** A digest of the rows a member holds: the storage check's marker, the data itself. */
  static marker(read: ReadBack): string | undefined {
    if (!read.ids) return undefined;
    return `${read.ids.length} rows, sha256 ${createHash('sha256').update(read.ids.join('\n')).digest('hex').slice(0, 16)}`;
  }

  /**
   * An account with every right on the ledger database and nothing global, created on the
   * primary (and so on every replica through the binary log), as an application would have.
   */
  async createWriter(primary: number): Promise<Credentials> {
    this.writerPassword ??= randomBytes(12).toString('hex');
    await this.adapter(primary).query(
      [
        `CREATE USER IF NOT EXISTS '${WRITER_ACCOUNT}'@'%' IDENTIFIED BY '${this.writerPassword}';`,
        `GRANT ALL ON \`${LEDGER_DATABASE}\`.* TO '${WRITER_ACCOUNT}'@'%';`,
      ].join('\n'),
      `create the account ${WRITER_ACCOUNT}`,
    );
    return this.writer();
  }

  writer(): Credentials {
    if (!this.writerPassword) throw new Error(`the account ${WRITER_ACCOUNT} was not created`);
    return { user: WRITER_ACCOUNT, password: { value: this.writerPassword } };
  }

  /** What the guide's config made of this member: server id, read-only, binary log, replication. */
  async settings(ordinal: number): Promise<MemberSettings> {
    const adapter = this.adapter(ordinal);
    const [[serverId, readOnly, logBin] = []] = await adapter.query(
      'SELECT @@global.server_id, @@global.read_only, @@global.log_bin;',
      'read server_id, read_only and log_bin',
    );
    const replica = await adapter.replicationStatus();
    return {
      pod: this.options.podName(ordinal),
      serverId: Number(serverId),
      readOnly: parseFlag(readOnly),
      binaryLog: parseFlag(logBin),
      replicating: replica.configured
        ? `from ${replica.sourceHost}:${replica.sourcePort}, IO ${replica.ioRunning}, SQL ${replica.sqlRunning}, ${replica.secondsBehind ?? '?'} s behind${replica.lastIoError ? `, last IO error: ${replica.lastIoError}` : ''}`
        : undefined,
    };
  }

  /** STOP SLAVE / START SLAVE on a replica: the negative control of the catch-up judge. */
  async pauseReplication(ordinal: number): Promise<void> {
    await this.adapter(ordinal).query('STOP SLAVE;', 'stop replicating');
  }

  async resumeReplication(ordinal: number): Promise<void> {
    await this.adapter(ordinal).query('START SLAVE;', 'start replicating again');
  }

  /** Tries one write on a member as this account: acknowledged, refused as read-only, or refused otherwise. */
  async tryWrite(ordinal: number, credentials: Credentials): Promise<WriteAttempt> {
    const id = newLedgerId('replica-write');
    const outcome = await this.adapter(ordinal, credentials).writeRefused(id);
    const who = `as ${credentials.user}`;
    return {
      replica: this.options.podName(ordinal),
      outcome: !outcome.refused ? 'accepted' : outcome.readOnly ? 'refused-read-only' : 'refused-otherwise',
      detail: outcome.refused ? `${who}: ${outcome.error ?? 'refused'}` : `${who}: row ${id} acknowledged`,
    };
  }

  /**
   * Reads each replica until it holds every row the primary acknowledged, or the deadline passes
   * (call it right after the last write). A replica that has not caught up is read once more after
   * the deadline: that read is the observation.
   */
  async waitReplicated(primary: number, replicas: readonly number[], deadlineMs: number): Promise<ReplicaCatchUp[]> {
    const expected = this.book(primary).acknowledged;
    const started = Date.now();
    return Promise.all(
      replicas.map(async (ordinal): Promise<ReplicaCatchUp> => {
        const replica = this.options.podName(ordinal);
        let ids: readonly string[] | undefined;
        let lastError: string | undefined;
        const read = async () => {
          const outcome = await this.readIds(ordinal);
          if (outcome.ids) ids = outcome.ids;
          else lastError = outcome.error;
          const held = new Set(ids ?? []);
          return ids !== undefined && expected.every((id) => held.has(id));
        };
        const caughtUpAfterMs = await waitFor(
          `${replica} to hold the ${expected.length} rows ${this.where(primary)} acknowledged`,
          async () =>
            (await read())
              ? { done: true, value: Date.now() - started }
              : {
                  done: false,
                  observed: ids
                    ? `${expected.filter((id) => !ids!.includes(id)).length} rows missing`
                    : `not readable: ${lastError}`,
                },
          { timeoutMs: deadlineMs, intervalMs: 500 },
        ).catch(async () => {
          await read();
          return undefined;
        });
        return { replica, deadlineMs, ids, caughtUpAfterMs, lastError };
      }),
    );
  }

  private book(ordinal: number): Bookkeeping {
    let book = this.books.get(ordinal);
    if (!book) {
      book = { acknowledged: [], attempted: [] };
      this.books.set(ordinal, book);
    }
    return book;
  }
}

// --- the guides' MySQL sets ---------------------------------------------------------------------
/**
 * The MySQL StatefulSets of the users' guides: where each fixture is, the shape of its set, and
 * the credentials its pods carry. What runs for `mysql:8.0` comes from the run's image map.
 */

export interface GuideMysqlSet {
  readonly fixture: string;
  readonly shape: GuideSetShape;
  /** The env variable of the database container that holds root's password (from the guide's Secret). */
  readonly rootPasswordEnv?: string;
}

/** 000, "The Complete StatefulSet Configuration" (mysql-statefulset.yaml). */
export const COMPLETE_GUIDE_MYSQL: GuideMysqlSet = {
  fixture: 'guides/complete-guide/mysql-statefulset.yaml',
  shape: {
    name: 'mysql',
    serviceName: 'mysql',
    claimTemplate: 'mysql-data',
    container: 'mysql',
    selector: 'app=mysql',
  },
  rootPasswordEnv: 'MYSQL_ROOT_PASSWORD',
};

/** 001, "Real-World Example: MySQL Primary-Replica". */
export const DAY_11_MYSQL: GuideMysqlSet = {
  fixture: 'guides/day-11/mysql-primary-replica.yaml',
  shape: { name: 'mysql', serviceName: 'mysql', claimTemplate: 'data', container: 'mysql', selector: 'app=mysql' },
  rootPasswordEnv: 'MYSQL_ROOT_PASSWORD',
};

/** 002, "Key Features of StatefulSets" with the Service of "Networking and Service Discovery". */
export const DATABASE_CLUSTER: GuideMysqlSet = {
  fixture: 'guides/comprehensive-guide/database-cluster.yaml',
  shape: {
    name: 'database-cluster',
    serviceName: 'database-service',
    claimTemplate: 'data',
    container: 'database',
    selector: 'app=database',
  },
};

/** 002, "Real-World Implementation: Database Cluster". */
export const MYSQL_CLUSTER: GuideMysqlSet = {
  fixture: 'guides/comprehensive-guide/mysql-cluster.yaml',
  shape: {
    name: 'mysql-cluster',
    serviceName: 'mysql',
    claimTemplate: 'data',
    container: 'mysql',
    selector: 'app=mysql',
  },
  rootPasswordEnv: 'MYSQL_ROOT_PASSWORD',
};

/** What runs for the guides' `mysql:8.0` on this cluster, and whether MySQL-8-only statements can be decided. */
export interface MysqlFidelity {
  /** The image that runs. */
  readonly image: string;
  /** True when a stand-in runs (MariaDB): statements only MySQL 8 can decide are "not run here". */
  readonly standIn: boolean;
  /** "mysql:8.0 -> sts-conformance.local/mariadb:10.11.19 (stand-in: MariaDB 10.11.19, ...)" */
  readonly summary: string;
  /** Why a MySQL-8-only statement is not decided on this run. */
  readonly notRunHere: string;
}

export function mysqlFidelity(cluster: Pick<ClusterHandle, 'imageMap'>, official = 'mysql:8.0'): MysqlFidelity {
  const entry = mostSpecificMatch(cluster.imageMap, official);
  const standIn = entry?.mode === 'stand-in';
  const image = entry?.image ?? official;
  return {
    image,
    standIn,
    summary: entry
      ? `${official} -> ${image} (${entry.mode}: ${entry.product} ${entry.version}; ${entry.source})`
      : `${official} -> pulled as named`,
    notRunHere: `needs ${official}: this run has ${standIn ? `the stand-in ${entry?.product} ${entry?.version}` : image}; run online or with --images DIR holding ${official}`,
  };
}

/**
 * When a mysql-image entrypoint ran its temporary server (the one that initialises a new data
 * directory, with networking off and root not yet given its password), from its log as the
 * kubelet timestamps it (`kubectl logs --timestamps`). Both the mysql image and the stand-in log
 * "Temporary server started." and "Temporary server stopped". Undefined when the log has no
 * start (the data directory was not new).
 */
export function temporaryServerWindow(log: string): { from: number; to?: number } | undefined {
  let from: number | undefined;
  let to: number | undefined;
  for (const line of log.split('\n')) {
    const stamp = Date.parse(line.split(' ')[0] ?? '');
    if (!Number.isFinite(stamp)) continue;
    if (/Temporary server started/.test(line)) from ??= stamp;
    else if (/Temporary server stopped/.test(line) && from !== undefined) to ??= stamp;
  }
  return from === undefined ? undefined : { from, to };
}

/** A Ready spell that began inside the temporary server's window (with slack for the probe period and the watch). */
export function readyWhileInitialising(
  readyFrom: readonly number[],
  window: { from: number; to?: number } | undefined,
  slackMs = 3000,
): number | undefined {
  if (!window) return undefined;
  return readyFrom.find((at) => at >= window.from && at <= (window.to ?? Infinity) + slackMs);
}
