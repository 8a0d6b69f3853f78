import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { newLedgerId } from './db-exec.js';
import { MysqlAdapter } from './mysql.js';
import { PostgresAdapter } from './postgres.js';
import {
  containerExec,
  imageOf,
  removeVolumes,
  runToExit,
  startContainer,
  startNetwork,
  startVolume,
  stopAll,
} from './integration/containers.js';

/**
 * The guides' placeholder images made real: myapp in two versions (version, hostname, data under
 * /data that a new version finds) and backup-tool (a dump into /backup that restores into a
 * fresh server, for MySQL and PostgreSQL alike).
 */
const get = async (container: StartedTestContainer, path: string) =>
  (await container.exec(['wget', '-q', '-O', '-', `http://127.0.0.1:8080${path}`])).stdout;

describe('myapp images', () => {
  let volume: string | undefined;
  afterAll(() => removeVolumes([volume]));

  it('answer their version and hostname, and 2.0 reads what 1.0 stored on the same volume', async () => {
    volume = await startVolume();
    const volumes = [{ name: volume, target: '/data' }];
    const v1 = await startContainer(imageOf('myapp-1'), { volumes, env: { DB_PRIMARY_HOST: 'postgres-0.database' } });
    try {
      const hostname = (await v1.exec(['hostname'])).stdout.trim();
      expect(await get(v1, '/')).toBe(`myapp 1.0 on ${hostname}\nDB_PRIMARY_HOST=postgres-0.database\n`);
      const stored = await v1.exec([
        'wget',
        '-q',
        '-O',
        '-',
        '--post-data',
        'written by 1.0',
        'http://127.0.0.1:8080/cgi-bin/myapp/data/greeting',
      ]);
      expect(stored.stdout).toBe('stored /data/greeting\n');
    } finally {
      await stopAll([v1]);
    }
    const v2 = await startContainer(imageOf('myapp'), { volumes });
    try {
      expect(await get(v2, '/cgi-bin/myapp/version')).toBe('2.0\n');
      expect(await get(v2, '/cgi-bin/myapp/data/greeting')).toBe('written by 1.0');
      const missing = await v2.exec(['wget', '-q', '-O', '-', 'http://127.0.0.1:8080/cgi-bin/myapp/data/absent']);
      expect(missing.exitCode).not.toBe(0);
    } finally {
      await stopAll([v2]);
    }
  });
});

describe('backup-tool image', () => {
  let network: StartedNetwork | undefined;
  const containers: StartedTestContainer[] = [];
  let backups: string | undefined;

  beforeAll(async () => {
    network = await startNetwork();
    backups = await startVolume();
  });
  afterAll(async () => {
    await stopAll(containers, network);
    await removeVolumes([backups]);
  });

  it("refuses to guess a server when run as the guide's CronJob gives it (no environment)", async () => {
    const exited = await runToExit(imageOf('backup-tool'));
    expect(exited.exitCode).toBe(2);
    expect(exited.stderr).toContain('backup-tool: BACKUP_HOST is not set');
  });

  it('dumps a MySQL (MariaDB) ledger into /backup and restores it into a fresh server', async () => {
    const start = async (alias: string) => {
      const server = await startContainer(imageOf('mysql'), { network, alias, env: { MYSQL_ROOT_PASSWORD: 'root-3' } });
      containers.push(server);
      const adapter = new MysqlAdapter(containerExec(server), {
        credentials: { user: 'root', password: { fromEnv: 'MYSQL_ROOT_PASSWORD' } },
      });
      await adapter.waitUntilAccepting(90_000);
      return adapter;
    };
    const [source, target] = await Promise.all([start('mysql-0'), start('mysql-restored')]);
    await source.ensureLedger();
    const ids = [newLedgerId('backup'), newLedgerId('backup')];
    for (const id of ids) expect(await source.writeLedgerRow(id)).toMatchObject({ acknowledged: true });

    const spec = (host: string, command: string[]) => ({
      network,
      command,
      env: { BACKUP_HOST: host, BACKUP_PASSWORD_FILE: '/run/secrets/root' },
      files: [{ content: 'root-3\n', target: '/run/secrets/root' }],
      volumes: [{ name: backups!, target: '/backup' }],
    });
    const dumped = await runToExit(imageOf('backup-tool'), spec('mysql-0', ['backup']));
    expect(dumped.exitCode).toBe(0);
    expect(dumped.stdout).toMatch(
      /wrote \/backup\/mysql-mysql-0-\d{8}T\d{6}Z\.sql\.gz \(\d+ bytes\) from mysql mysql-0:3306/,
    );
    expect(dumped.stdout + dumped.stderr).not.toContain('root-3');

    const restored = await runToExit(imageOf('backup-tool'), spec('mysql-restored', ['restore']));
    expect(restored.exitCode).toBe(0);
    expect(await target.readLedgerIds()).toEqual([...ids].sort());
  });

  it('dumps a PostgreSQL ledger into /backup and restores it into a fresh server', async () => {
    const start = async (alias: string) => {
      const server = await startContainer(imageOf('postgres-15'), {
        network,
        alias,
        env: { POSTGRES_PASSWORD: 'pg-3' },
      });
      containers.push(server);
      const adapter = new PostgresAdapter(containerExec(server), {
        credentials: { user: 'postgres', password: { fromEnv: 'POSTGRES_PASSWORD' } },
      });
      await adapter.waitUntilAccepting(90_000);
      return adapter;
    };
    const [source, target] = await Promise.all([start('postgres-0'), start('postgres-restored')]);
    await source.ensureLedger();
    const ids = [newLedgerId('backup'), newLedgerId('backup')];
    for (const id of ids) expect(await source.writeLedgerRow(id)).toMatchObject({ acknowledged: true });

    const spec = (host: string, command: string[]) => ({
      network,
      command,
      env: { BACKUP_KIND: 'postgres', BACKUP_HOST: host, BACKUP_PASSWORD: 'pg-3' },
      volumes: [{ name: backups!, target: '/backup' }],
    });
    const dumped = await runToExit(imageOf('backup-tool'), spec('postgres-0', ['backup']));
    expect(dumped.exitCode).toBe(0);
    expect(dumped.stdout).toMatch(/wrote \/backup\/postgres-postgres-0-\d{8}T\d{6}Z\.sql\.gz/);
    const restored = await runToExit(imageOf('backup-tool'), spec('postgres-restored', ['restore']));
    expect(restored.exitCode).toBe(0);
    expect(await target.readLedgerIds()).toEqual([...ids].sort());
  });
});
