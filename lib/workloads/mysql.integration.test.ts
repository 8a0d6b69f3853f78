import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { newLedgerId } from './db-exec.js';
import { MysqlAdapter, parseBinlogInfo } from './mysql.js';
import {
  containerExec,
  imageOf,
  logsOf,
  recordOutput,
  runToExit,
  startContainer,
  startNetwork,
  stopAll,
} from './integration/containers.js';

/**
 * The MariaDB image standing in for mysql, on the host's Docker: its entrypoint's env contract
 * (the official mysql image's), the guide's readiness probe as mysql:8.0 answers it, the MySQL
 * adapter's operations, and a replica cloned with mariadb-backup over ncat as the kubernetes.io
 * replicated-MySQL tutorial does it.
 */
const image = imageOf('mysql');
const ROOT = 'root-secret-1';

describe('mariadb image: the mysql env contract', () => {
  it('refuses an empty datadir without a password option, with the documented error and a nonzero exit', async () => {
    const exited = await runToExit(image);
    expect(exited.exitCode).not.toBe(0);
    expect(exited.stderr).toContain('Database is uninitialized and password option is not specified');
    for (const option of ['MYSQL_ROOT_PASSWORD', 'MYSQL_ALLOW_EMPTY_PASSWORD', 'MYSQL_RANDOM_ROOT_PASSWORD'])
      expect(exited.stderr).toContain(option);
  });

  it('refuses MYSQL_USER=root, as mysql does', async () => {
    const exited = await runToExit(image, {
      env: { MYSQL_ROOT_PASSWORD: ROOT, MYSQL_USER: 'root', MYSQL_PASSWORD: 'x1' },
    });
    expect(exited.exitCode).not.toBe(0);
    expect(exited.stderr).toContain(
      'MYSQL_USER="root", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user',
    );
  });

  it('fails before init when the server refuses its configuration (a MySQL-only option)', async () => {
    const exited = await runToExit(image, {
      env: { MYSQL_ROOT_PASSWORD: ROOT },
      command: ['mysqld', '--super-read-only'],
    });
    expect(exited.exitCode).not.toBe(0);
    expect(exited.stderr).toContain('mysqld failed while attempting to check config');
    expect(exited.stderr).toContain("unknown option '--super-read-only'");
  });

  describe('a server started with the full contract', () => {
    let server: StartedTestContainer | undefined;
    let root: MysqlAdapter;
    let user: MysqlAdapter;

    beforeAll(async () => {
      server = await startContainer(image, {
        env: {
          MYSQL_ROOT_PASSWORD_FILE: '/run/secrets/root',
          MYSQL_DATABASE: 'appdb',
          MYSQL_USER: 'appuser',
          MYSQL_PASSWORD: 'user-secret-2',
        },
        files: [
          { content: `${ROOT}\n`, target: '/run/secrets/root' },
          {
            content: 'CREATE TABLE seeded (n INT); INSERT INTO seeded VALUES (42);\n',
            target: '/docker-entrypoint-initdb.d/10-seed.sql',
          },
          {
            content: 'echo "init script ran as $(id -un)" > /var/lib/mysql/init-marker\n',
            target: '/docker-entrypoint-initdb.d/20-marker.sh',
          },
        ],
      });
      // The password file's value is not in the container's environment: hand it over on stdin.
      root = new MysqlAdapter(containerExec(server), { credentials: { user: 'root', password: { value: ROOT } } });
      user = new MysqlAdapter(containerExec(server), {
        credentials: { user: 'appuser', password: { fromEnv: 'MYSQL_PASSWORD' } },
      });
      await root.waitUntilAccepting(60_000);
    });
    afterAll(() => stopAll([server]));

    it('reads the root password from MYSQL_ROOT_PASSWORD_FILE and reports the MariaDB version', async () => {
      await recordOutput('mysql/version.tsv', (await root.run('SELECT VERSION();')).stdout);
      const version = await root.serverVersion();
      expect(version).toMatchObject({ product: 'MariaDB', version: '10.11.19' });
    });

    it('creates MYSQL_DATABASE and MYSQL_USER with rights on it, and runs /docker-entrypoint-initdb.d in order', async () => {
      await user.waitUntilAccepting(10_000);
      expect(await user.query('SELECT n FROM appdb.seeded;', 'read the seeded row')).toEqual([['42']]);
      const marker = await server!.exec(['cat', '/var/lib/mysql/init-marker']);
      expect(marker.stdout.trim()).toBe('init script ran as mysql');
    });

    it('keeps root@localhost password-only: the guide readiness probe fails as on mysql:8.0, ping passes', async () => {
      const probe = await server!.exec(['mysql', '-h', 'localhost', '-e', 'SELECT 1']);
      expect(probe.exitCode).toBe(1);
      await recordOutput('mysql/access-denied.stderr', probe.stderr);
      expect(probe.stderr).toContain(
        "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: NO)",
      );
      const overTcp = await server!.exec(['mysql', '-h', '127.0.0.1', '-e', 'SELECT 1']);
      expect(overTcp.exitCode).toBe(1);
      const ping = await server!.exec(['mysqladmin', 'ping', '-h', 'localhost']);
      expect(ping.exitCode).toBe(0);
      const accounts = await root.query(
        "SELECT CONCAT(User, '@', Host) FROM mysql.user WHERE User = 'root' ORDER BY 1;",
        'list root accounts',
      );
      expect(accounts.flat()).toEqual(['root@%', 'root@localhost']);
    });

    it('ran the temporary init server without TCP: only the final server listened on 3306', async () => {
      const { stderr, stdout } = await logsOf(server!);
      const ready = `${stdout}${stderr}`.split('\n').filter((line) => /^Version: .*port: \d+/.test(line));
      expect(ready.map((line) => /port: (\d+)/.exec(line)?.[1])).toEqual(['0', '3306']);
    });

    it('writes ledger rows it acknowledged and reads every one back; a primary refuses nothing', async () => {
      await root.ensureLedger();
      const ids = [newLedgerId('it'), newLedgerId('it'), newLedgerId('it')];
      for (const id of ids) expect(await root.writeLedgerRow(id)).toEqual({ acknowledged: true, id });
      expect(await root.readLedgerIds()).toEqual([...ids].sort());
      expect(await root.role()).toMatchObject({ role: 'primary', readOnly: false, replica: { configured: false } });
      await recordOutput(
        'mysql/show-slave-status-primary.tsv',
        (await root.run('SHOW SLAVE STATUS;', { header: true })).stdout,
      );
      const down = new MysqlAdapter(containerExec(server!), { port: 3399, credentials: { user: 'root' } });
      const refused = await down.run('SELECT 1;');
      await recordOutput('mysql/connect-refused.stderr', refused.stderr);
      expect(refused.exitCode).toBe(1);
      expect(await root.writeRefused(newLedgerId('probe'))).toEqual({ refused: false, readOnly: false });
    });
  });

  it('MYSQL_RANDOM_ROOT_PASSWORD prints the generated password, which then works', async () => {
    const server = await startContainer(image, { env: { MYSQL_RANDOM_ROOT_PASSWORD: 'yes' } });
    try {
      const adapterWith = (password: string) =>
        new MysqlAdapter(containerExec(server), { credentials: { user: 'root', password: { value: password } } });
      let generated = '';
      for (let attempt = 0; attempt < 60 && !generated; attempt++) {
        generated = /GENERATED ROOT PASSWORD: (\S+)/.exec((await logsOf(server)).stdout)?.[1] ?? '';
        if (!generated) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(generated).toMatch(/^\S{32}$/);
      await adapterWith(generated).waitUntilAccepting(60_000);
    } finally {
      await stopAll([server]);
    }
  });

  it('MYSQL_ALLOW_EMPTY_PASSWORD leaves root without a password: the guide probe then passes', async () => {
    const server = await startContainer(image, { env: { MYSQL_ALLOW_EMPTY_PASSWORD: 'yes' } });
    try {
      await new MysqlAdapter(containerExec(server), { credentials: { user: 'root' } }).waitUntilAccepting(60_000);
      const probe = await server.exec(['mysql', '-h', 'localhost', '-e', 'SELECT 1']);
      expect(probe.exitCode).toBe(0);
    } finally {
      await stopAll([server]);
    }
  });
});

describe('mariadb image: a replica cloned with mariadb-backup over ncat (the xtrabackup pattern)', () => {
  let network: StartedNetwork | undefined;
  let primary: StartedTestContainer | undefined;
  let replica: StartedTestContainer | undefined;
  let onPrimary: MysqlAdapter;
  let onReplica: MysqlAdapter;
  let replicaUser: MysqlAdapter;
  const written: string[] = [];

  beforeAll(async () => {
    network = await startNetwork();
    primary = await startContainer(image, {
      network,
      alias: 'mysql-0',
      env: {
        MYSQL_ROOT_PASSWORD: ROOT,
        MYSQL_DATABASE: 'appdb',
        MYSQL_USER: 'appuser',
        MYSQL_PASSWORD: 'user-secret-2',
      },
      command: ['mysqld', '--log-bin=mysql-bin', '--server-id=100'],
    });
    onPrimary = new MysqlAdapter(containerExec(primary), {
      credentials: { user: 'root', password: { fromEnv: 'MYSQL_ROOT_PASSWORD' } },
    });
    await onPrimary.waitUntilAccepting(60_000);
    await onPrimary.ensureLedger();
    for (let index = 0; index < 3; index++) {
      const id = newLedgerId('before-clone');
      expect(await onPrimary.writeLedgerRow(id)).toMatchObject({ acknowledged: true });
      written.push(id);
    }
    // The tutorial's xtrabackup sidecar: one clone per connection on port 3307.
    await primary.exec([
      'sh',
      '-c',
      'ncat --listen --keep-open --send-only --max-conns=1 3307 -c "xtrabackup --backup --slave-info --stream=xbstream --host=127.0.0.1 --user=root --password=$MYSQL_ROOT_PASSWORD" >/tmp/ncat.log 2>&1 &',
    ]);
    // The tutorial's clone-mysql init container, then the server, in one container.
    replica = await startContainer(image, {
      network,
      alias: 'mysql-1',
      entrypoint: ['bash', '-c'],
      command: [
        [
          'set -e',
          'for attempt in $(seq 1 30); do ncat --recv-only mysql-0 3307 | xbstream -x -C /var/lib/mysql && break; sleep 1; done',
          'xtrabackup --prepare --target-dir=/var/lib/mysql',
          'chown -R mysql:mysql /var/lib/mysql',
          'echo clone prepared',
          'exec docker-entrypoint.sh mysqld --server-id=101 --read-only',
        ].join('\n'),
      ],
    });
    // The clone carries the primary's accounts: root's password is the primary's.
    onReplica = new MysqlAdapter(containerExec(replica), { credentials: { user: 'root', password: { value: ROOT } } });
    replicaUser = new MysqlAdapter(containerExec(replica), {
      credentials: { user: 'appuser', password: { value: 'user-secret-2' } },
      ledgerDatabase: 'appdb',
    });
    await onReplica.waitUntilAccepting(90_000);
  });
  afterAll(() => stopAll([replica, primary], network));

  it('writes three columns into xtrabackup_binlog_info: read -r FILE POS _ splits it, the tutorial regex does not', async () => {
    const info = await replica!.exec(['cat', '/var/lib/mysql/xtrabackup_binlog_info']);
    await recordOutput('mysql/xtrabackup_binlog_info', info.stdout);
    expect(info.stdout.split('\t')).toHaveLength(3);
    const parsed = parseBinlogInfo(info.stdout);
    expect(parsed.file).toMatch(/^mysql-bin\.\d{6}$/);
    expect(parsed.gtid).toMatch(/^0-100-\d+$/);

    const byRead = await replica!.exec([
      'bash',
      '-c',
      'read -r FILE POS _ < /var/lib/mysql/xtrabackup_binlog_info; printf "%s|%s" "$FILE" "$POS"',
    ]);
    expect(byRead.stdout).toBe(`${parsed.file}|${parsed.position}`);
    const byRegex = await replica!.exec([
      'bash',
      '-c',
      '[[ $(cat /var/lib/mysql/xtrabackup_binlog_info) =~ ^(.*?)[[:space:]]+(.*?)$ ]] && printf "%s|%s" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"',
    ]);
    expect(byRegex.stdout).toBe(`${parsed.file}\t${parsed.position}|${parsed.gtid}`);
  });

  it('replicates: the clone has the rows, rows written later arrive, the replica reports itself a running replica', async () => {
    const info = parseBinlogInfo((await replica!.exec(['cat', '/var/lib/mysql/xtrabackup_binlog_info'])).stdout);
    await onReplica.startReplicatingFrom({
      host: 'mysql-0',
      user: 'root',
      password: ROOT,
      logFile: info.file,
      logPosition: info.position,
    });
    expect(await onReplica.readLedgerIds()).toEqual([...written].sort());
    const later = newLedgerId('after-clone');
    expect(await onPrimary.writeLedgerRow(later)).toMatchObject({ acknowledged: true });
    written.push(later);
    for (let attempt = 0; attempt < 40; attempt++) {
      if ((await onReplica.readLedgerIds()).includes(later)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await onReplica.readLedgerIds()).toEqual([...written].sort());
    await recordOutput(
      'mysql/show-slave-status-replica.tsv',
      (await onReplica.run('SHOW SLAVE STATUS;', { header: true })).stdout,
    );
    const { role, replica: status } = await onReplica.role();
    expect(role).toBe('replica');
    expect(status).toMatchObject({ configured: true, sourceHost: 'mysql-0', ioRunning: 'Yes', sqlRunning: 'Yes' });
    expect(status.secondsBehind).toBeGreaterThanOrEqual(0);
  });

  it('refuses writes of a regular user on the read-only replica; root still writes (MariaDB: READ_ONLY ADMIN)', async () => {
    const inAppdb = new MysqlAdapter(containerExec(primary!), {
      credentials: { user: 'root', password: { fromEnv: 'MYSQL_ROOT_PASSWORD' } },
      ledgerDatabase: 'appdb',
    });
    await inAppdb.ensureLedger();
    for (let attempt = 0; attempt < 40; attempt++) {
      if ((await replicaUser.run('SELECT 1 FROM appdb.write_probe LIMIT 1;')).exitCode === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await recordOutput(
      'mysql/read-only-refusal.stderr',
      (await replicaUser.run("INSERT INTO appdb.write_probe VALUES ('recorded');")).stderr,
    );
    const byUser = await replicaUser.writeRefused(newLedgerId('user-probe'));
    expect(byUser).toMatchObject({ refused: true, readOnly: true });
    expect(byUser.error).toMatch(/^ERROR 1290 \(HY000\): .*--read-only/);
    expect(await onReplica.writeRefused(newLedgerId('root-probe'))).toEqual({ refused: false, readOnly: false });
  });
});
