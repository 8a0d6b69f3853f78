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
 * The MongoDB adapter: `mongosh` inside the database's container (mongo:6.0 has mongosh and no
 * legacy `mongo`; the FerretDB stand-in likewise). Each operation is one --eval script that
 * prints one marked line of relaxed EJSON, errors included, so the answer is read from data and
 * not from mongosh's messages. The password reaches mongosh through a shell variable (db-exec.ts).
 */

export interface MongoTarget {
  readonly host?: string;
  readonly port?: number;
  readonly credentials?: Credentials;
  /** Where credentials are checked; admin for the root user of MONGO_INITDB_ROOT_*. */
  readonly authenticationDatabase?: string;
  readonly ledgerDatabase?: string;
}

export interface MongoError {
  readonly name: string;
  readonly code?: number;
  readonly codeName?: string;
  readonly message: string;
}

export interface MongoVersion {
  /** buildInfo.version: the MongoDB version the server reports (FerretDB reports one it emulates). */
  readonly version: string;
  /** buildInfo.ferretdbVersion: present only on FerretDB. */
  readonly ferretdbVersion?: string;
  readonly product: 'MongoDB' | 'FerretDB';
}

export interface Hello {
  readonly isWritablePrimary: boolean;
  readonly secondary: boolean;
  readonly setName?: string;
  readonly hosts?: readonly string[];
}

export type ReplicaSetStatus =
  | {
      readonly supported: true;
      readonly set: string;
      readonly myState: number;
      readonly members: ReadonlyArray<{ name: string; stateStr: string; health: number }>;
    }
  | { readonly supported: false; readonly error: MongoError };

const MARKER = 'STS_RESULT ';

/** The marked result line of a script (any other output, warnings included, is ignored). */
export function parseResult(stdout: string): { value?: unknown; error?: MongoError } {
  const line = stdout
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith(MARKER));
  if (!line) throw new Error(`mongosh printed no result line: ${firstLines(stdout)}`);
  return JSON.parse(line.slice(MARKER.length)) as { value?: unknown; error?: MongoError };
}

/** A failure before the script ran (cannot connect, authentication): mongosh's own error line. */
export function parseShellError(stderr: string): MongoError | undefined {
  const match = /^(Mongo\w*Error|MongoshInvalidInputError|Error): (.*)$/m.exec(stderr);
  return match ? { name: match[1] as string, message: (match[2] as string).trim() } : undefined;
}

/** 10107 NotWritablePrimary, 13435 NotPrimaryNoSecondaryOk, 189 PrimarySteppedDown: not a writable primary. */
export function isNotPrimaryRefusal(error: MongoError | undefined): boolean {
  return error?.code === 10107 || error?.code === 13435 || error?.code === 189;
}

export function roleFromHello(hello: Hello): Role {
  if (hello.isWritablePrimary) return 'primary';
  return hello.secondary ? 'replica' : 'read-only';
}

/** A script body whose value (an expression) or thrown error is printed as the marked line. */
export function evalScript(body: string): string {
  return [
    'let __result;',
    `try { __result = { value: (() => { ${body} })() }; }`,
    'catch (e) { __result = { error: { name: e.name, code: e.code, codeName: e.codeName, message: e.message } }; }',
    `print(${JSON.stringify(MARKER)} + EJSON.stringify(__result, { relaxed: true }));`,
  ].join('\n');
}

export class MongoAdapter {
  private readonly host: string;
  private readonly port: number;
  readonly ledgerDatabase: string;

  constructor(
    private readonly exec: DbExec,
    private readonly target: MongoTarget = {},
  ) {
    this.host = target.host ?? '127.0.0.1';
    this.port = target.port ?? 27017;
    this.ledgerDatabase = target.ledgerDatabase ?? 'sts_ledger';
    if (!/^[A-Za-z0-9_]+$/.test(this.ledgerDatabase)) throw new Error(`bad ledger database ${this.ledgerDatabase}`);
  }

  where(): string {
    return `MongoDB ${this.host}:${this.port}`;
  }

  /** Runs one script through mongosh; the raw outcome. */
  run(body: string): Promise<ExecOutcome> {
    const credentials = this.target.credentials;
    const shell = [
      'exec mongosh --quiet --norc',
      shellQuote(`mongodb://${this.host}:${this.port}/?directConnection=true&serverSelectionTimeoutMS=5000`),
      credentials
        ? `--username ${shellQuote(credentials.user)} --authenticationDatabase ${shellQuote(this.target.authenticationDatabase ?? 'admin')}${credentials.password ? ' --password "$STS_MONGO_PASSWORD"' : ''}`
        : '',
      `--eval ${shellQuote(evalScript(body))}`,
    ]
      .filter(Boolean)
      .join(' ');
    const { argv, stdin } = withSecret('STS_MONGO_PASSWORD', credentials?.password, shell);
    return this.exec(argv, stdin);
  }

  /** The script's value; a server error is returned, a failure to run it at all is thrown. */
  async evaluate<T>(body: string, what: string): Promise<{ value?: T; error?: MongoError }> {
    const outcome = await this.run(body);
    if (!outcome.stdout.includes(MARKER)) {
      const error = parseShellError(outcome.stderr);
      throw new DbCommandError(`${what} on ${this.where()}${error ? ` (${error.name})` : ''}`, outcome);
    }
    return parseResult(outcome.stdout) as { value?: T; error?: MongoError };
  }

  async value<T>(body: string, what: string): Promise<T> {
    const { value, error } = await this.evaluate<T>(body, what);
    if (error)
      throw new Error(
        `${what} on ${this.where()}: ${error.name}${error.codeName ? ` ${error.codeName}` : ''}: ${error.message}`,
      );
    return value as T;
  }

  /**
   * Until ping answers. In the container, during init, the entrypoint's setup server answers on
   * 127.0.0.1 too (mongo:6.0's does, and the stand-in's): wait for the pod to be Ready, or for the
   * "init process complete" log line, before taking an answer for the real server's.
   */
  async waitUntilAccepting(timeoutMs = 120_000): Promise<void> {
    await waitFor(
      `${this.where()} to answer ping${this.target.credentials ? ` for ${this.target.credentials.user}` : ''}`,
      async () => {
        const outcome = await this.run('return db.adminCommand({ ping: 1 }).ok;');
        if (!outcome.stdout.includes(MARKER))
          return { done: false, observed: firstLines(outcome.stderr || outcome.stdout, 1) };
        const { value, error } = parseResult(outcome.stdout);
        return value === 1
          ? { done: true, value: undefined }
          : { done: false, observed: error?.message ?? String(value) };
      },
      { timeoutMs, intervalMs: 1000 },
    );
  }

  async serverVersion(): Promise<MongoVersion> {
    const info = await this.value<{ version: string; ferretdbVersion?: string }>(
      'const b = db.adminCommand({ buildInfo: 1 }); return { version: b.version, ferretdbVersion: b.ferretdbVersion };',
      'read buildInfo',
    );
    return { ...info, product: info.ferretdbVersion ? 'FerretDB' : 'MongoDB' };
  }

  async ensureLedger(): Promise<void> {
    await this.value(
      `const d = db.getSiblingDB(${JSON.stringify(this.ledgerDatabase)});
       for (const name of ['ledger', 'write_probe']) if (!d.getCollectionNames().includes(name)) d.createCollection(name);
       return true;`,
      'create the ledger',
    );
  }

  /** insertOne with the default write concern: acknowledged when the server said acknowledged: true. */
  writeLedgerRow(id: string): Promise<LedgerWrite> {
    return this.insert('ledger', id);
  }

  async readLedgerIds(): Promise<string[]> {
    return this.value<string[]>(
      `return db.getSiblingDB(${JSON.stringify(this.ledgerDatabase)}).ledger.find({}, { _id: 1 }).sort({ _id: 1 }).toArray().map((d) => d._id);`,
      'read the ledger',
    );
  }

  async writeRefused(id: string): Promise<{ refused: boolean; readOnly: boolean; error?: string }> {
    const result = await this.insert('write_probe', id);
    return result.acknowledged
      ? { refused: false, readOnly: false }
      : { refused: true, readOnly: result.refusedAsReadOnly, error: result.error };
  }

  async hello(): Promise<Hello> {
    return this.value<Hello>(
      'const h = db.hello(); return { isWritablePrimary: h.isWritablePrimary, secondary: h.secondary, setName: h.setName, hosts: h.hosts };',
      'read hello',
    );
  }

  /** From hello: writable primary, secondary (replica), or neither (read-only). */
  async role(): Promise<{ role: Role; hello: Hello }> {
    const hello = await this.hello();
    return { role: roleFromHello(hello), hello };
  }

  /** rs.status(); FerretDB has no replSetGetStatus, which is reported, not thrown. */
  async replicationStatus(): Promise<ReplicaSetStatus> {
    const { value, error } = await this.evaluate<{
      set: string;
      myState: number;
      members: Array<{ name: string; stateStr: string; health: number }>;
    }>(
      'const s = rs.status(); return { set: s.set, myState: s.myState, members: s.members.map((m) => ({ name: m.name, stateStr: m.stateStr, health: m.health })) };',
      'read rs.status()',
    );
    if (error) return { supported: false, error };
    return {
      supported: true,
      ...(value as {
        set: string;
        myState: number;
        members: Array<{ name: string; stateStr: string; health: number }>;
      }),
    };
  }

  private async insert(collection: 'ledger' | 'write_probe', id: string): Promise<LedgerWrite> {
    requireLedgerId(id);
    const { value, error } = await this.evaluate<boolean>(
      `return db.getSiblingDB(${JSON.stringify(this.ledgerDatabase)}).${collection}.insertOne({ _id: ${JSON.stringify(id)}, writtenAt: new Date() }).acknowledged;`,
      `write ${id}`,
    );
    if (value === true) return { acknowledged: true, id };
    return {
      acknowledged: false,
      id,
      refusedAsReadOnly: isNotPrimaryRefusal(error),
      error: error
        ? `${error.name}${error.codeName ? ` ${error.codeName}` : ''} (${error.code ?? 'no code'}): ${error.message}`
        : 'not acknowledged',
    };
  }
}
