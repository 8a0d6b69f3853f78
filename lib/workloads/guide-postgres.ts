import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ReadBack } from '../invariants/data.js';
import type { WriteAttempt } from '../invariants/replication.js';
import type { ReplicaCatchUp } from '../invariants/replication.js';
import { readManifests, type KubeObject } from '../kube/manifests.js';
import { podRunningAndReady } from '../kube/conditions.js';
import { getPod } from '../kube/verbs.js';
import { holdsFor } from '../support/wait.js';
import type { WorkloadContext } from './context.js';
import { firstLines, podExec } from './db-exec.js';
import type { AdaptedFixture } from './fixtures.js';
import {
  applyGuideFixture,
  because,
  correction,
  environment,
  GuideStatefulSet,
  LedgerBook,
  type GuideSetShape,
} from './guide-workload.js';
import { parsePostgresError, PostgresAdapter } from './postgres.js';
import {
  addInitContainer,
  addObjects,
  addReadinessProbe,
  containerImage,
  mountInContainer,
  oneChange,
  partition,
  replicas,
  type Transform,
} from './transforms.js';

/**
 * The Day 11 guide's PostgreSQL StatefulSet (fixtures/guides/day-11/postgres.yaml: StatefulSet
 * postgres, headless Service database, claims data-postgres-N) and what a scenario does to its
 * databases, through the PostgreSQL adapter (psql in the pods' own containers).
 */
export const POSTGRES_SHAPE: GuideSetShape = {
  name: 'postgres',
  serviceName: 'database',
  claimTemplate: 'data',
  container: 'postgres',
  selector: 'app=postgres',
};

const FIXTURE = 'guides/day-11/postgres.yaml';
const REPLICATION_FIXTURE = fileURLToPath(
  new URL('../../fixtures/corrections/postgres-streaming-replication.yaml', import.meta.url),
);
const PGDATA = '/var/lib/postgresql/data';
/** Every pod has the superuser's password in this variable (the Secret): psql reads it from there, never from a command line. */
const CREDENTIALS = { user: 'postgres', password: { fromEnv: 'POSTGRES_PASSWORD' } } as const;
/** pg_isready over TCP: the entrypoint's setup server listens on the socket only, so it is not mistaken for the real one. */
const PG_ISREADY = ['pg_isready', '-h', '127.0.0.1', '-p', '5432'];

export interface PostgresSetOptions {
  /** Correction: the Secret postgres-secret the StatefulSet reads POSTGRES_PASSWORD from, which the guide never shows. */
  readonly addSecret?: boolean;
  /** Correction: a pg_isready readiness probe, so Ready means the server accepts connections. */
  readonly readinessProbe?: boolean;
  /** Correction: streaming replication from postgres-0 (fixtures/corrections/postgres-streaming-replication.yaml). */
  readonly replication?: boolean;
  /** Start on this image (an official name; the image map decides what runs) instead of the guide's postgres:14. */
  readonly image?: { readonly name: string; readonly reason: string };
  readonly replicas?: number;
  readonly partition?: number;
}

/** The Secret the guide's StatefulSet needs, with a password made for this run (redacted in every report). */
function postgresSecret(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'postgres-secret' },
    type: 'Opaque',
    stringData: { password: randomBytes(12).toString('hex') },
  };
}

async function streamingReplication(image: string): Promise<Transform> {
  const configMap = await readManifests(
    REPLICATION_FIXTURE,
    'fixtures/corrections/postgres-streaming-replication.yaml',
  );
  const passwordEnv = {
    name: 'POSTGRES_PASSWORD',
    valueFrom: { secretKeyRef: { name: 'postgres-secret', key: 'password' } },
  };
  return oneChange(
    'streaming replication from postgres-0: an init container clones it with pg_basebackup -R into an empty claim of every other ordinal, and postgres-0 accepts replication connections (the guide promises a primary and replicas and configures none)',
    [
      addInitContainer(
        'postgres',
        {
          name: 'clone-from-primary',
          // The same image as the server: pg_basebackup and pg_isready are in it.
          image,
          command: ['bash', '/replication/clone-from-primary.sh'],
          env: [passwordEnv, { name: 'PGDATA', value: PGDATA }],
          volumeMounts: [
            { name: 'data', mountPath: PGDATA },
            { name: 'replication-scripts', mountPath: '/replication' },
          ],
        },
        'clone postgres-0',
        {
          objects: configMap,
          volumes: [
            { name: 'replication-scripts', configMap: { name: 'postgres-replication' } },
            {
              name: 'replication-initdb',
              configMap: {
                name: 'postgres-replication',
                items: [{ key: 'allow-replication.sh', path: 'allow-replication.sh' }],
              },
            },
          ],
        },
      ),
      mountInContainer('postgres', { name: 'replication-initdb', mountPath: '/docker-entrypoint-initdb.d' }),
    ],
  );
}

export class GuidePostgres extends GuideStatefulSet {
  static async deploy(
    context: WorkloadContext,
    options: PostgresSetOptions = {},
  ): Promise<{ postgres: GuidePostgres; fixture: AdaptedFixture }> {
    const transforms: Transform[] = [];
    if (options.replicas !== undefined) transforms.push(environment(replicas(options.replicas)));
    if (options.addSecret)
      transforms.push(
        correction(
          addObjects(
            'Secret postgres-secret (key password, a password made for this run)',
            [postgresSecret()],
            'the StatefulSet reads POSTGRES_PASSWORD from it and the guide never defines it',
          ),
        ),
      );
    if (options.image)
      transforms.push(correction(containerImage('postgres', options.image.name, options.image.reason)));
    if (options.readinessProbe)
      transforms.push(
        correction(
          addReadinessProbe(
            'postgres',
            PG_ISREADY,
            'without a probe Ready means the container started, not that PostgreSQL accepts connections',
          ),
        ),
      );
    if (options.partition !== undefined)
      transforms.push(
        correction(
          because(
            partition(options.partition),
            "the canary of the guide's update strategies (004's advice: partition for canary-style rollouts)",
          ),
        ),
      );
    if (options.replication)
      transforms.push(correction(await streamingReplication(options.image?.name ?? 'postgres:14')));
    const fixture = await applyGuideFixture(context, FIXTURE, transforms);
    return { postgres: new GuidePostgres(context, POSTGRES_SHAPE), fixture };
  }

  /** psql in postgres-<ordinal>'s container, connected to its own server, or to `host` over the network. */
  adapter(ordinal: number, host?: string): PostgresAdapter {
    return new PostgresAdapter(podExec(this.ns, this.podName(ordinal), { container: 'postgres', timeoutMs: 30_000 }), {
      host,
      credentials: CREDENTIALS,
    });
  }

  /** One connection attempt (SELECT 1) to this ordinal's own server: whether it answered, or what failed. */
  async tryConnect(ordinal: number): Promise<{ ok: boolean; detail: string }> {
    const outcome = await this.adapter(ordinal).run('SELECT 1;');
    return outcome.exitCode === 0
      ? { ok: true, detail: 'SELECT 1 answered' }
      : { ok: false, detail: firstLines(outcome.stderr || outcome.stdout, 1) };
  }

  waitAccepting(ordinal: number): Promise<void> {
    return this.adapter(ordinal).waitUntilAccepting(180_000);
  }

  /** `SELECT version()` as the server answers it, and its version number. */
  async version(ordinal: number): Promise<{ reported: string; version: string }> {
    const adapter = this.adapter(ordinal);
    const [[reported = ''] = []] = await adapter.query('SELECT version();', 'SELECT version()');
    return { reported, version: (await adapter.serverVersion()).version };
  }

  /**
   * The database system identifier (pg_control_system()): initdb picks it at random and a clone
   * keeps its primary's, so the same value before and after says it is the same data directory.
   */
  async systemIdentifier(ordinal: number): Promise<string | undefined> {
    const rows = await this.adapter(ordinal)
      .query('SELECT system_identifier FROM pg_control_system();', 'read the system identifier')
      .catch(() => undefined);
    return rows?.[0]?.[0];
  }

  /** From `fromOrdinal`'s container, connects to `host` and asks which address answered (inet_server_addr()). */
  async serverAddressVia(fromOrdinal: number, host: string): Promise<string | undefined> {
    const outcome = await this.adapter(fromOrdinal, host).run('SELECT host(inet_server_addr());');
    return outcome.exitCode === 0 ? outcome.stdout.trim() : undefined;
  }

  async inRecovery(ordinal: number, host?: string): Promise<boolean> {
    return (await this.adapter(ordinal, host).replicationStatus()).inRecovery;
  }

  /** A book for rows written to this ordinal's own server; creates the ledger table there. */
  async openLedger(ordinal: number): Promise<LedgerBook> {
    await this.adapter(ordinal).ensureLedger();
    return new LedgerBook(`${this.podName(ordinal)} sts_ledger.ledger`, `row-${ordinal}`);
  }

  /** Writes rows through postgres-<ordinal>'s psql, to its own server or to `host`. */
  writeRows(ordinal: number, book: LedgerBook, count: number, host?: string): Promise<number> {
    const adapter = this.adapter(ordinal, host);
    return book.write(count, (id) => adapter.writeLedgerRow(id));
  }

  /**
   * The ledger ids this server holds. A server that has no ledger table (a new, empty data
   * directory) answers "no such table": that is an answer, zero rows, not a failed read.
   */
  async readLedger(ordinal: number, from = this.podName(ordinal), host?: string): Promise<ReadBack> {
    const adapter = this.adapter(ordinal, host);
    const outcome = await adapter.run(`SELECT id FROM ${adapter.ledgerSchema}.ledger ORDER BY id;`);
    if (outcome.exitCode === 0)
      return {
        from,
        ids: outcome.stdout
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean),
      };
    const error = parsePostgresError(outcome.stderr);
    if (error?.sqlState === '42P01' || error?.sqlState === '3F000') return { from, ids: [] };
    return { from, ids: undefined };
  }

  /**
   * Polls a replica until it holds every id of `expected`, or the deadline: what the replication
   * judge takes. `since` is when the primary acknowledged the last of them.
   */
  async catchUp(
    ordinal: number,
    expected: readonly string[],
    since: number,
    deadlineMs: number,
    host?: string,
  ): Promise<ReplicaCatchUp> {
    const replica = host ?? this.podName(ordinal);
    let last: ReadBack = { from: replica, ids: undefined };
    let lastError: string | undefined;
    const until = since + deadlineMs;
    for (;;) {
      try {
        last = await this.readLedger(ordinal, replica, host);
      } catch (error) {
        lastError = error instanceof Error ? error.message.split('\n')[0] : String(error);
      }
      const seen = new Set(last.ids ?? []);
      if (last.ids && expected.every((id) => seen.has(id)))
        return { replica, deadlineMs, ids: last.ids, caughtUpAfterMs: Date.now() - since };
      if (Date.now() >= until) return { replica, deadlineMs, ids: last.ids, lastError };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** One write to a server that should refuse it, with how it was refused. */
  async tryWrite(ordinal: number, host?: string): Promise<WriteAttempt> {
    const adapter = this.adapter(ordinal, host);
    await adapter.ensureLedger().catch(() => undefined);
    const probe = `probe-${randomBytes(4).toString('hex')}`;
    const result = await adapter.writeRefused(probe);
    const replica = host ?? this.podName(ordinal);
    if (!result.refused)
      return { replica, outcome: 'accepted', detail: `INSERT of ${probe} into the write probe table committed` };
    return {
      replica,
      outcome: result.readOnly ? 'refused-read-only' : 'refused-otherwise',
      detail: firstLines(result.error ?? ''),
    };
  }

  /** The pod of this ordinal keeps its UID for the whole window (the controller leaves it alone). */
  confirmPodKeptFor(ordinal: number, uid: string, durationMs: number): Promise<void> {
    return holdsFor(
      `Pod ${this.ns.name}/${this.podName(ordinal)} to keep uid ${uid.slice(0, 8)}`,
      durationMs,
      async () => {
        const pod = await this.pod(ordinal);
        return {
          holds: pod?.metadata?.uid === uid && !pod.metadata?.deletionTimestamp,
          observed: pod
            ? `uid ${pod.metadata?.uid?.slice(0, 8)}${pod.metadata?.deletionTimestamp ? ', terminating' : ''}`
            : 'absent',
        };
      },
    );
  }
}

/**
 * The guide's client pod `app` (fixtures/guides/day-11/app-pod.yaml): myapp with DB_PRIMARY_HOST
 * and DB_REPLICA_HOST. It only carries the names; what they reach is asked from a pod with a
 * libc resolver (psql in the postgres pods), as an application would resolve them.
 */
export class DayElevenApp {
  readonly podName = 'app';

  private constructor(readonly context: WorkloadContext) {}

  static async deploy(context: WorkloadContext): Promise<{ app: DayElevenApp; fixture: AdaptedFixture }> {
    const fixture = await applyGuideFixture(context, 'guides/day-11/app-pod.yaml', []);
    return { app: new DayElevenApp(context), fixture };
  }

  waitReady() {
    return podRunningAndReady(this.context.namespace, this.podName);
  }

  /** The pod's environment as the API server has it: the names the guide tells the app to use. */
  async env(): Promise<Record<string, string>> {
    const pod = await getPod(this.context.namespace, this.podName);
    const entries = pod.spec?.containers[0]?.env ?? [];
    return Object.fromEntries(entries.map((entry) => [entry.name, entry.value ?? '']));
  }

  async image(): Promise<string | undefined> {
    return (await getPod(this.context.namespace, this.podName)).spec?.containers[0]?.image;
  }
}
