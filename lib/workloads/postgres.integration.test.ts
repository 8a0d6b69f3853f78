import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { newLedgerId } from './db-exec.js';
import { PostgresAdapter } from './postgres.js';
import {
  containerExec,
  imageOf,
  logsOf,
  recordOutput,
  removeVolumes,
  runToExit,
  startContainer,
  startNetwork,
  startVolume,
  stopAll,
} from './integration/containers.js';

/**
 * The PostgreSQL images on the host's Docker: the official postgres image's env contract (both
 * majors), the adapter's operations, a pg_basebackup standby, a patch-version change on one data
 * directory (the premise of a partitioned rolling update), and the major-version refusal.
 */
const PASSWORD = 'pg-secret-1';
const superuser = (user = 'postgres') => ({ user, password: { fromEnv: 'POSTGRES_PASSWORD' } });

describe.each([
  ['postgres-14', '14.23'],
  ['postgres-15', '15.20'],
])('%s image: the postgres env contract', (catalogId, version) => {
  const image = imageOf(catalogId);

  it('refuses an empty PGDATA without POSTGRES_PASSWORD, with the documented error and exit 1', async () => {
    const exited = await runToExit(image);
    expect(exited.exitCode).toBe(1);
    expect(exited.stderr).toContain('Error: Database is uninitialized and superuser password is not specified.');
  });

  describe('a server started with the full contract', () => {
    let server: StartedTestContainer | undefined;
    let app: PostgresAdapter;

    beforeAll(async () => {
      server = await startContainer(image, {
        env: {
          POSTGRES_USER: 'app',
          POSTGRES_PASSWORD_FILE: '/run/secrets/pg',
          POSTGRES_DB: 'appdb',
          POSTGRES_INITDB_ARGS: '--data-checksums --locale=C',
          PGDATA: '/var/lib/postgresql/data/pgdata',
        },
        files: [
          { content: `${PASSWORD}\n`, target: '/run/secrets/pg' },
          {
            content: 'CREATE TABLE seeded (n int); INSERT INTO seeded VALUES (42);\n',
            target: '/docker-entrypoint-initdb.d/10-seed.sql',
          },
          {
            content: 'echo "init script ran as $(id -un)" > "$PGDATA/init-marker"\n',
            target: '/docker-entrypoint-initdb.d/20-marker.sh',
          },
        ],
      });
      app = new PostgresAdapter(containerExec(server), {
        database: 'appdb',
        credentials: { user: 'app', password: { value: PASSWORD } },
      });
      await app.waitUntilAccepting(60_000);
    });
    afterAll(() => stopAll([server]));

    it(`reports PostgreSQL ${version}`, async () => {
      await recordOutput(`postgres/server-version-${version}.csv`, (await app.run('SHOW server_version;')).stdout);
      expect((await app.serverVersion()).version).toBe(version);
    });

    it('creates POSTGRES_USER as superuser and POSTGRES_DB, applies POSTGRES_INITDB_ARGS and PGDATA, runs initdb.d', async () => {
      expect(await app.query("SELECT rolsuper FROM pg_roles WHERE rolname = 'app';", 'read the role')).toEqual([['t']]);
      expect(await app.query('SELECT n FROM seeded;', 'read the seeded row')).toEqual([['42']]);
      expect(await app.query('SHOW data_checksums;', 'read data_checksums')).toEqual([['on']]);
      expect(await app.query('SHOW data_directory;', 'read data_directory')).toEqual([
        ['/var/lib/postgresql/data/pgdata'],
      ]);
      const marker = await server!.exec(['cat', '/var/lib/postgresql/data/pgdata/init-marker']);
      expect(marker.stdout.trim()).toBe('init script ran as postgres');
    });

    it('asks remote clients for a password (scram-sha-256) and lets local socket clients in (trust), as the official image', async () => {
      const hba = (await server!.exec(['cat', '/var/lib/postgresql/data/pgdata/pg_hba.conf'])).stdout;
      expect(hba).toMatch(/^host all all all scram-sha-256$/m);
      const local = await server!.exec(['psql', '-U', 'app', '-d', 'appdb', '-tAc', 'SELECT 1']);
      expect(local.stdout.trim()).toBe('1');
    });

    it('initialised on the socket only: TCP was first listened on after init completed', async () => {
      const { stdout, stderr } = await logsOf(server!);
      const log = `${stdout}\n${stderr}`;
      const done = log.indexOf('PostgreSQL init process complete; ready for start up.');
      expect(done).toBeGreaterThan(0);
      expect(log.indexOf('listening on Unix socket')).toBeLessThan(done);
      expect(log.indexOf('listening on IPv4 address')).toBeGreaterThan(done);
    });

    it('writes acknowledged ledger rows, reads them back, is a primary and refuses nothing', async () => {
      await app.ensureLedger();
      const ids = [newLedgerId('it'), newLedgerId('it')];
      for (const id of ids) expect(await app.writeLedgerRow(id)).toEqual({ acknowledged: true, id });
      expect(await app.readLedgerIds()).toEqual([...ids].sort());
      expect(await app.role()).toMatchObject({ role: 'primary', replication: { inRecovery: false, standbys: [] } });
      expect(await app.writeRefused(newLedgerId('probe'))).toEqual({ refused: false, readOnly: false });
    });
  });

  it('starts without a password under POSTGRES_HOST_AUTH_METHOD=trust, warning loudly', async () => {
    const server = await startContainer(image, { env: { POSTGRES_HOST_AUTH_METHOD: 'trust' } });
    try {
      await new PostgresAdapter(containerExec(server), { credentials: { user: 'postgres' } }).waitUntilAccepting(
        60_000,
      );
      expect((await logsOf(server)).stderr).toContain('WARNING: POSTGRES_HOST_AUTH_METHOD has been set to "trust"');
    } finally {
      await stopAll([server]);
    }
  });

  it('stops on SIGINT (the image says STOPSIGNAL SIGINT: a fast shutdown)', async () => {
    const inspected = await execa('docker', ['image', 'inspect', '--format', '{{.Config.StopSignal}}', image]);
    expect(inspected.stdout.trim()).toBe('SIGINT');
  });
});

describe('postgres images across versions on one data directory', () => {
  let volume: string | undefined;
  afterAll(() => removeVolumes([volume]));

  it('moves 14.22 -> 14.23 keeping the data (a patch version change), and 15 refuses the 14 directory', async () => {
    volume = await startVolume();
    const volumes = [{ name: volume, target: '/var/lib/postgresql/data' }];
    const written = newLedgerId('before-update');

    const old = await startContainer(imageOf('postgres-14.22'), { env: { POSTGRES_PASSWORD: PASSWORD }, volumes });
    try {
      const adapter = new PostgresAdapter(containerExec(old), { credentials: superuser() });
      await adapter.waitUntilAccepting(60_000);
      expect((await adapter.serverVersion()).version).toBe('14.22');
      await adapter.ensureLedger();
      expect(await adapter.writeLedgerRow(written)).toMatchObject({ acknowledged: true });
    } finally {
      await stopAll([old]);
    }

    const updated = await startContainer(imageOf('postgres-14'), { env: { POSTGRES_PASSWORD: PASSWORD }, volumes });
    try {
      const adapter = new PostgresAdapter(containerExec(updated), { credentials: superuser() });
      await adapter.waitUntilAccepting(60_000);
      expect((await adapter.serverVersion()).version).toBe('14.23');
      expect(await adapter.readLedgerIds()).toEqual([written]);
      expect((await logsOf(updated)).stdout).toContain('Skipping initialization');
    } finally {
      await stopAll([updated]);
    }

    const major = await runToExit(imageOf('postgres-15'), { env: { POSTGRES_PASSWORD: PASSWORD }, volumes });
    await recordOutput('postgres/major-version-refusal.stderr', major.stderr);
    expect(major.exitCode).not.toBe(0);
    expect(major.stderr).toContain('database files are incompatible with server');
    expect(major.stderr).toContain(
      'initialized by PostgreSQL version 14, which is not compatible with this version 15.20',
    );
  });
});

describe('postgres 14 image: a standby made with pg_basebackup', () => {
  let network: StartedNetwork | undefined;
  let primary: StartedTestContainer | undefined;
  let standby: StartedTestContainer | undefined;
  let onPrimary: PostgresAdapter;
  let onStandby: PostgresAdapter;
  const written: string[] = [];

  beforeAll(async () => {
    network = await startNetwork();
    primary = await startContainer(imageOf('postgres-14'), {
      network,
      alias: 'postgres-0',
      env: { POSTGRES_PASSWORD: PASSWORD },
      files: [
        {
          // The official image's pg_hba.conf lets remote hosts into databases, not into replication.
          content: 'echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"\n',
          target: '/docker-entrypoint-initdb.d/10-replication.sh',
        },
      ],
    });
    onPrimary = new PostgresAdapter(containerExec(primary), { credentials: superuser() });
    await onPrimary.waitUntilAccepting(60_000);
    await onPrimary.ensureLedger();
    for (let index = 0; index < 3; index++) {
      const id = newLedgerId('before-clone');
      expect(await onPrimary.writeLedgerRow(id)).toMatchObject({ acknowledged: true });
      written.push(id);
    }
    standby = await startContainer(imageOf('postgres-14'), {
      network,
      alias: 'postgres-1',
      env: { PGPASSWORD: PASSWORD, POSTGRES_PASSWORD: PASSWORD },
      entrypoint: ['bash', '-c'],
      command: [
        [
          'set -e',
          'until pg_basebackup -h postgres-0 -U postgres -D "$PGDATA" -X stream -R; do rm -rf "$PGDATA"/*; sleep 1; done',
          'exec docker-entrypoint.sh postgres',
        ].join('\n'),
      ],
    });
    onStandby = new PostgresAdapter(containerExec(standby), { credentials: superuser() });
    await onStandby.waitUntilAccepting(60_000);
  });
  afterAll(() => stopAll([standby, primary], network));

  it('is in recovery, streams from the primary, and has every row written before and after the clone', async () => {
    const later = newLedgerId('after-clone');
    expect(await onPrimary.writeLedgerRow(later)).toMatchObject({ acknowledged: true });
    written.push(later);
    for (let attempt = 0; attempt < 40; attempt++) {
      if ((await onStandby.readLedgerIds()).includes(later)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await onStandby.readLedgerIds()).toEqual([...written].sort());
    const standbyRole = await onStandby.role();
    expect(standbyRole).toMatchObject({
      role: 'replica',
      replication: { inRecovery: true, receiver: { status: 'streaming', senderHost: 'postgres-0', senderPort: 5432 } },
    });
    const primaryRole = await onPrimary.role();
    expect(primaryRole.role).toBe('primary');
    expect(primaryRole.replication.standbys).toEqual([
      expect.objectContaining({ applicationName: 'walreceiver', state: 'streaming', syncState: 'async' }),
    ]);
    await recordOutput(
      'postgres/pg-stat-replication.csv',
      (await onPrimary.run('SELECT application_name, client_addr, state, sync_state FROM pg_stat_replication;')).stdout,
    );
    await recordOutput(
      'postgres/pg-stat-wal-receiver.csv',
      (await onStandby.run('SELECT status, sender_host, sender_port FROM pg_stat_wal_receiver;')).stdout,
    );
  });

  it('refuses writes on the standby with SQLSTATE 25006', async () => {
    const refused = await onStandby.writeRefused(newLedgerId('standby-probe'));
    await recordOutput(
      'postgres/read-only-refusal.stderr',
      (await onStandby.run("INSERT INTO sts_ledger.write_probe VALUES ('recorded');")).stderr,
    );
    expect(refused).toMatchObject({ refused: true, readOnly: true });
    expect(refused.error).toMatch(/^ERROR 25006: cannot execute INSERT in a read-only transaction/);
  });

  it('tells a refused connection from a server answer', async () => {
    const down = new PostgresAdapter(containerExec(standby!), { port: 5499, credentials: superuser() });
    const outcome = await down.run('SELECT 1;');
    await recordOutput('postgres/connect-refused.stderr', outcome.stderr);
    expect(outcome.exitCode).not.toBe(0);
    const wrong = new PostgresAdapter(containerExec(standby!), {
      host: 'postgres-0',
      credentials: { user: 'postgres', password: { value: 'wrong-password' } },
    });
    const denied = await wrong.run('SELECT 1;');
    await recordOutput('postgres/password-refused.stderr', denied.stderr);
    expect(denied.exitCode).not.toBe(0);
  });
});
