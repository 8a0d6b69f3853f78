import { describe, expect, it } from 'vitest';

/**
 * The FerretDB image's mongod wrapper (a plain Node script in the image, not TypeScript): its
 * translation of mongod's options and configuration, loaded from the asset itself.
 */
interface Wrapper {
  parseConfig(text: string): Record<string, unknown>;
  parseArgs(argv: string[]): { options: Record<string, string | true>; ignoredPositionals: string[] };
  translate(
    options: Record<string, string | true>,
    config: Record<string, unknown>,
  ): {
    settings: {
      port: number;
      bindIp: string;
      dbPath: string;
      replSetName?: string;
      logPath?: string;
      logAppend: boolean;
    };
    ignored: string[];
  };
  listenAddress(bindIp: string, port: number): { addr: string; dropped?: string[] };
}

const wrapperUrl = new URL('../toolchain/assets/images/ferretdb/mongod.mjs', import.meta.url).href;
const wrapper = (await import(wrapperUrl)) as Wrapper;

const GUIDE_MONGOD_CONF = `net:
  port: 27017
  bindIp: 0.0.0.0
replication:
  replSetName: "rs0"   # the guide's replica set
storage:
  dbPath: /data/db
systemLog:
  destination: file
  path: /var/log/mongodb/mongod.log
  logAppend: true
processManagement:
  fork: false
`;

describe('mongod wrapper', () => {
  it("translates the guide's configuration file and command line, and lists what it ignores", () => {
    const { options } = wrapper.parseArgs(['--config=/etc/mongod.conf', '--auth', '--keyFile', '/etc/mongodb-keyfile']);
    expect(options).toEqual({ config: '/etc/mongod.conf', auth: true, keyFile: '/etc/mongodb-keyfile' });
    const { settings, ignored } = wrapper.translate(options, wrapper.parseConfig(GUIDE_MONGOD_CONF));
    expect(settings).toEqual({
      port: 27017,
      bindIp: '0.0.0.0',
      dbPath: '/data/db',
      replSetName: 'rs0',
      logPath: '/var/log/mongodb/mongod.log',
      logAppend: true,
    });
    expect(ignored).toEqual(['--auth', '--keyFile=/etc/mongodb-keyfile']);
  });

  it('lets the command line win over the file, as mongod does, and reports unknown settings', () => {
    const config = wrapper.parseConfig('net:\n  port: 27017\nsecurity:\n  authorization: enabled\n  keyFile: /k\n');
    const { settings, ignored } = wrapper.translate(
      wrapper.parseArgs([
        '-f',
        '/c',
        '--port',
        '27018',
        '--bind_ip_all',
        '--replSet=rs1/host:1',
        '--wiredTigerCacheSizeGB',
        '1',
      ]).options,
      config,
    );
    expect(settings).toMatchObject({ port: 27018, bindIp: '0.0.0.0', replSetName: 'rs1' });
    expect(ignored).toEqual([
      'security.authorization: "enabled"',
      'security.keyFile: "/k"',
      '--wiredTigerCacheSizeGB=1',
    ]);
  });

  it('listens on one address: all of them as ":port", else the first one named', () => {
    expect(wrapper.listenAddress('0.0.0.0', 27017)).toEqual({ addr: ':27017' });
    expect(wrapper.listenAddress('localhost,10.0.0.5', 27017)).toEqual({
      addr: '127.0.0.1:27017',
      dropped: ['10.0.0.5'],
    });
    expect(wrapper.listenAddress('::1', 27017)).toEqual({ addr: '[::1]:27017', dropped: [] });
  });

  it('keeps systemLog on stdout unless its destination is a file', () => {
    const { settings } = wrapper.translate({}, wrapper.parseConfig('systemLog:\n  destination: syslog\n  path: /x\n'));
    expect(settings.logPath).toBeUndefined();
  });
});
