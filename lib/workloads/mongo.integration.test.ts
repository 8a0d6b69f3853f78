import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedTestContainer } from 'testcontainers';
import { newLedgerId } from './db-exec.js';
import { MongoAdapter } from './mongo.js';
import {
  containerExec,
  imageOf,
  logsOf,
  recordOutput,
  runToExit,
  startContainer,
  stopAll,
} from './integration/containers.js';

/**
 * The FerretDB image standing in for mongo, on the host's Docker: the MONGO_INITDB_* contract, the
 * mongod wrapper on the guide's own command line and configuration (what it translates, what it
 * ignores, loudly), what FerretDB cannot do (replica sets), and the MongoDB adapter.
 */
const image = imageOf('mongo');

/** The guide's mongod.conf (000_353d8b84a67e90ff.txt, the mongodb-config ConfigMap). */
const GUIDE_MONGOD_CONF = `net:
  port: 27017
  bindIp: 0.0.0.0
replication:
  replSetName: "rs0"
storage:
  dbPath: /data/db
systemLog:
  destination: file
  path: /var/log/mongodb/mongod.log
  logAppend: true
processManagement:
  fork: false
`;

describe('ferretdb image: the mongo env contract', () => {
  it('refuses a root username without a password, with the documented error and exit 1', async () => {
    const exited = await runToExit(image, { env: { MONGO_INITDB_ROOT_USERNAME: 'admin' } });
    expect(exited.exitCode).toBe(1);
    expect(exited.stderr).toContain("error: missing 'MONGO_INITDB_ROOT_USERNAME' or 'MONGO_INITDB_ROOT_PASSWORD'");
  });

  describe('started without credentials', () => {
    let server: StartedTestContainer | undefined;
    let adapter: MongoAdapter;
    beforeAll(async () => {
      server = await startContainer(image);
      adapter = new MongoAdapter(containerExec(server));
      await adapter.waitUntilAccepting(60_000);
    });
    afterAll(() => stopAll([server]));

    it('reports FerretDB and the MongoDB version it emulates, and listens on every address', async () => {
      expect(await adapter.serverVersion()).toEqual({
        version: '7.0.42',
        ferretdbVersion: 'v1.24.0',
        product: 'FerretDB',
      });
      expect((await logsOf(server!)).stderr).toContain('--listen-addr=:27017');
    });

    it('writes acknowledged ledger documents and reads them back', async () => {
      await adapter.ensureLedger();
      const ids = [newLedgerId('it'), newLedgerId('it')];
      for (const id of ids) expect(await adapter.writeLedgerRow(id)).toEqual({ acknowledged: true, id });
      expect(await adapter.readLedgerIds()).toEqual([...ids].sort());
    });

    it('is always a writable primary and has no replica set status', async () => {
      await recordOutput(
        'mongo/hello.stdout',
        (
          await adapter.run(
            'const h = db.hello(); return { isWritablePrimary: h.isWritablePrimary, secondary: h.secondary, setName: h.setName, hosts: h.hosts };',
          )
        ).stdout,
      );
      expect(await adapter.role()).toMatchObject({ role: 'primary', hello: { isWritablePrimary: true } });
      const status = await adapter.replicationStatus();
      expect(status).toMatchObject({ supported: false, error: { codeName: 'CommandNotFound' } });
      expect(await adapter.writeRefused(newLedgerId('probe'))).toEqual({ refused: false, readOnly: false });
    });

    it('has mongosh and, like mongo:6.0, no legacy mongo shell', async () => {
      const shell = await server!.exec(['mongosh', '--version']);
      expect(shell.stdout.trim()).toBe('2.12.0');
      const legacy = await server!.exec(['sh', '-c', 'command -v mongo']);
      expect(legacy.exitCode).not.toBe(0);
      const down = await new MongoAdapter(containerExec(server!), { port: 27099 }).run('return 1;');
      await recordOutput('mongo/connect-refused.stderr', down.stderr);
      expect(down.exitCode).not.toBe(0);
    });
  });

  describe('started with MONGO_INITDB_ROOT_USERNAME/PASSWORD and an init script', () => {
    let server: StartedTestContainer | undefined;
    beforeAll(async () => {
      server = await startContainer(image, {
        env: {
          MONGO_INITDB_ROOT_USERNAME: 'admin',
          MONGO_INITDB_ROOT_PASSWORD_FILE: '/run/secrets/mongo',
          MONGO_INITDB_DATABASE: 'appdb',
        },
        files: [
          { content: 'mongo-secret-1\n', target: '/run/secrets/mongo' },
          {
            content: "db.seeded.insertOne({ _id: 'seed', n: 42 });\n",
            target: '/docker-entrypoint-initdb.d/10-seed.js',
          },
        ],
        // Until then the setup server answers on 127.0.0.1 (as in mongo:6.0): a ping would reach it.
        startedWhen: /init process complete; ready for start up/,
      });
    });
    afterAll(() => stopAll([server]));

    it('runs /docker-entrypoint-initdb.d as root in MONGO_INITDB_DATABASE, and lets only that user write', async () => {
      const root = new MongoAdapter(containerExec(server!), {
        credentials: { user: 'admin', password: { value: 'mongo-secret-1' } },
        ledgerDatabase: 'appdb',
      });
      await root.waitUntilAccepting(60_000);
      expect(await root.value('return db.getSiblingDB("appdb").seeded.findOne()', 'read the seed')).toEqual({
        _id: 'seed',
        n: 42,
      });
      expect(await root.writeLedgerRow(newLedgerId('auth'))).toMatchObject({ acknowledged: true });
      const anonymous = new MongoAdapter(containerExec(server!), { ledgerDatabase: 'appdb' });
      const refused = await anonymous.writeLedgerRow(newLedgerId('anonymous'));
      expect(refused).toMatchObject({ acknowledged: false, refusedAsReadOnly: false });
      if (!refused.acknowledged) expect(refused.error).toMatch(/requires authentication/);
      const { stderr } = await logsOf(server!);
      expect(stderr).toContain('clients must authenticate as the user the entrypoint set up');
      expect(stderr).not.toContain('mongo-secret-1');
    });
  });
});

describe("ferretdb image: the guide's mongod command line and mongod.conf", () => {
  let server: StartedTestContainer | undefined;
  let adapter: MongoAdapter;

  beforeAll(async () => {
    // As in a pod whose `command:` is the guide's: the image's entrypoint does not run.
    server = await startContainer(image, {
      entrypoint: ['mongod'],
      command: ['--config=/etc/mongod.conf', '--auth', '--keyFile=/etc/mongodb-keyfile'],
      env: {
        MONGO_INITDB_ROOT_USERNAME: 'admin',
        MONGO_INITDB_ROOT_PASSWORD: 'mongo-secret-2',
      },
      files: [
        { content: GUIDE_MONGOD_CONF, target: '/etc/mongod.conf' },
        { content: 'c2VjcmV0LWtleQ==\n', target: '/etc/mongodb-keyfile', mode: 0o400 },
        { content: '', target: '/var/log/mongodb/.keep' },
      ],
    });
    adapter = new MongoAdapter(containerExec(server));
    await adapter.waitUntilAccepting(60_000);
  });
  afterAll(() => stopAll([server]));

  it('says loudly what it ignores: --auth, --keyFile, and that rs0 is not a replica set', async () => {
    const { stderr } = await logsOf(server!);
    await recordOutput('mongo/guide-mongod-stderr.txt', stderr);
    expect(stderr).toContain('IGNORED --auth');
    expect(stderr).toContain('IGNORED --keyFile=/etc/mongodb-keyfile');
    expect(stderr).toContain('replica set "rs0": NOT a replica set');
    expect(stderr).toContain('logging to /var/log/mongodb/mongod.log (systemLog), not to stdout');
    expect(stderr).toContain('--listen-addr=:27017');
  });

  it('translates the configuration: logs go to the file, hello carries setName rs0, and writes need no credentials', async () => {
    const log = await server!.exec(['cat', '/var/log/mongodb/mongod.log']);
    expect(log.stdout).toContain('Starting FerretDB v1.24.0');
    expect((await logsOf(server!)).stdout).not.toContain('Starting FerretDB');
    const { hello } = await adapter.role();
    expect(hello).toMatchObject({ isWritablePrimary: true, setName: 'rs0' });
    expect(await adapter.writeRefused(newLedgerId('no-auth'))).toEqual({ refused: false, readOnly: false });
  });

  it("fails the guide's rs.initiate and its legacy-shell probes, as nothing here can run them", async () => {
    const initiate = await adapter.evaluate(
      'return rs.initiate({ _id: "rs0", members: [{ _id: 0, host: "mongo-0.mongo:27017" }] });',
      'rs.initiate',
    );
    await recordOutput('mongo/rs-initiate.json', `${JSON.stringify(initiate)}\n`);
    expect(initiate.error).toMatchObject({ codeName: 'CommandNotFound' });
    expect(initiate.error?.message).toContain("no such command: 'replSetInitiate'");
    const probe = await server!.exec(['mongo', '--eval', "db.runCommand('ismaster').ismaster"]);
    expect(probe.exitCode).not.toBe(0);
  });
});
