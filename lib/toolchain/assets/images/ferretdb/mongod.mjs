#!/usr/bin/env node
// `mongod` of the suite's FerretDB image (standing in for mongo): starts FerretDB 1.24 with its
// SQLite backend, translating what it can of mongod's flags and YAML configuration file, and
// saying on stderr, loudly, everything it ignores. It never pretends to be mongod: it does not
// imitate mongod's checks, messages or exit codes.
//
//   translated: --port, --bind_ip, --bind_ip_all, --dbpath, --replSet, --config/-f, --logpath,
//               --logappend, and in the file net.port, net.bindIp, net.bindIpAll, storage.dbPath,
//               replication.replSetName, systemLog.destination/path/logAppend
//   ignored:    --auth, --keyFile, security.*, processManagement.fork, every other option
//   --version:  FerretDB's own version
//   default:    127.0.0.1, as mongod; every address when the image's entrypoint started it without
//               a bind address (the official entrypoint adds --bind_ip_all then)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';

const FERRETDB = '/usr/local/bin/ferretdb';

function warn(text) {
  process.stderr.write(`mongod (FerretDB stand-in) WARNING: ${text}\n`);
}

function fail(text) {
  process.stderr.write(`mongod (FerretDB stand-in) ERROR: ${text}\n`);
  process.exit(2);
}

/**
 * The YAML mongod configuration files use: nested mappings by indentation, scalars (plain,
 * quoted), comments. Anything else (lists, anchors, multi-line scalars) is reported and skipped.
 */
export function parseConfig(text) {
  const root = {};
  const stack = [{ indent: -1, node: root }];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, '');
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    const match = /^([A-Za-z0-9_.$-]+):(?:\s+(.*))?$/.exec(line.trim());
    if (!match) {
      warn(`config line ${index + 1} is not a "key: value" this wrapper reads, ignored: ${raw.trim()}`);
      continue;
    }
    while (stack.length > 1 && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack[stack.length - 1].node;
    const [, key, value] = match;
    if (value === undefined || value === '') {
      parent[key] = {};
      stack.push({ indent, node: parent[key] });
    } else {
      parent[key] = scalar(value);
    }
  }
  return root;
}

function scalar(value) {
  const text = value.trim();
  if (/^".*"$/.test(text)) return JSON.parse(text);
  if (/^'.*'$/.test(text)) return text.slice(1, -1).replace(/''/g, "'");
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+$/.test(text)) return Number(text);
  return text;
}

/** Every leaf of a parsed configuration as dotted path -> value. */
function leaves(node, prefix = '') {
  return Object.entries(node).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' ? leaves(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]],
  );
}

const OPTIONS_WITH_VALUE = new Set([
  'port',
  'bind_ip',
  'dbpath',
  'replSet',
  'config',
  'f',
  'logpath',
  'keyFile',
  'setParameter',
  'oplogSize',
  'wiredTigerCacheSizeGB',
  'storageEngine',
  'clusterAuthMode',
  'tlsMode',
  'sslMode',
  'pidfilepath',
  'unixSocketPrefix',
  'maxConns',
  'profile',
  'slowms',
  'verbose',
]);

/** mongod's command line: --name value, --name=value, -f value; flags without values become true. */
export function parseArgs(argv) {
  const options = {};
  const ignoredPositionals = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const long = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    const short = /^-(f)$/.exec(arg);
    if (!long && !short) {
      ignoredPositionals.push(arg);
      continue;
    }
    const name = long ? long[1] : short[1];
    let value = long ? long[2] : undefined;
    if (value === undefined && OPTIONS_WITH_VALUE.has(name) && index + 1 < argv.length) value = argv[++index];
    options[name === 'f' ? 'config' : name] = value ?? true;
  }
  return { options, ignoredPositionals };
}

/** What FerretDB gets, and what was ignored, from mongod's options and configuration file. */
export function translate(options, config) {
  const settings = {
    port: 27017,
    // mongod's default; the image's entrypoint asks for every address instead, as the official one adds --bind_ip_all.
    bindIp: process.env.STS_MONGOD_BIND_IP_ALL_BY_DEFAULT === '1' ? '0.0.0.0' : '127.0.0.1',
    dbPath: '/data/db',
    replSetName: undefined,
    logPath: undefined,
    logAppend: false,
  };
  const ignored = [];

  for (const [path, value] of leaves(config)) {
    switch (path) {
      case 'net.port':
        settings.port = Number(value);
        break;
      case 'net.bindIp':
        settings.bindIp = String(value);
        break;
      case 'net.bindIpAll':
        if (value === true) settings.bindIp = '0.0.0.0';
        break;
      case 'storage.dbPath':
        settings.dbPath = String(value);
        break;
      case 'replication.replSetName':
        settings.replSetName = String(value);
        break;
      case 'systemLog.destination':
        if (value !== 'file') settings.logPath = undefined;
        settings.logDestination = String(value);
        break;
      case 'systemLog.path':
        settings.logPath = String(value);
        break;
      case 'systemLog.logAppend':
        settings.logAppend = value === true;
        break;
      case 'processManagement.fork':
        if (value === true) ignored.push(`${path}: true (FerretDB runs in the foreground)`);
        break;
      default:
        ignored.push(`${path}: ${JSON.stringify(value)}`);
    }
  }
  if (settings.logDestination !== 'file') settings.logPath = undefined;
  delete settings.logDestination;

  for (const [name, value] of Object.entries(options)) {
    switch (name) {
      case 'config':
        break;
      case 'port':
        settings.port = Number(value);
        break;
      case 'bind_ip':
        settings.bindIp = String(value);
        break;
      case 'bind_ip_all':
        settings.bindIp = '0.0.0.0';
        break;
      case 'dbpath':
        settings.dbPath = String(value);
        break;
      case 'replSet':
        settings.replSetName = String(value).split('/')[0];
        break;
      case 'logpath':
        settings.logPath = String(value);
        break;
      case 'logappend':
        settings.logAppend = true;
        break;
      default:
        ignored.push(`--${name}${value === true ? '' : `=${value}`}`);
    }
  }
  return { settings, ignored };
}

/** FerretDB listens on one address: every address becomes ":port", several are cut to the first. */
export function listenAddress(bindIp, port) {
  const addresses = bindIp
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  if (addresses.includes('0.0.0.0') || addresses.includes('::') || addresses.includes('*')) return { addr: `:${port}` };
  const first = addresses[0] === 'localhost' ? '127.0.0.1' : (addresses[0] ?? '127.0.0.1');
  return {
    addr: `${first.includes(':') ? `[${first}]` : first}:${port}`,
    dropped: addresses.slice(1),
  };
}

function main() {
  const { options, ignoredPositionals } = parseArgs(process.argv.slice(2));
  if (options.version) {
    const version = spawn(FERRETDB, ['--version'], { stdio: 'inherit' });
    version.on('exit', (code) => process.exit(code ?? 1));
    return;
  }
  let config = {};
  if (typeof options.config === 'string') {
    if (!existsSync(options.config)) fail(`configuration file ${options.config} does not exist`);
    config = parseConfig(readFileSync(options.config, 'utf8'));
  }
  const { settings, ignored } = translate(options, config);
  for (const positional of ignoredPositionals) ignored.push(`argument ${JSON.stringify(positional)}`);

  const auth = ignored.filter((item) => /^--auth\b|^security\.authorization/.test(item));
  const keyFile = ignored.filter((item) => /^--keyFile|^security\.keyFile/.test(item));
  const rest = ignored.filter((item) => !auth.includes(item) && !keyFile.includes(item));
  if (auth.length > 0) {
    warn(
      process.env.FERRETDB_TEST_ENABLE_NEW_AUTH === 'true'
        ? `${auth.join(', ')}: mongod's access control is not FerretDB's; clients must authenticate as the user the entrypoint set up from MONGO_INITDB_ROOT_USERNAME (FerretDB's experimental new auth), and createUser is not available`
        : `IGNORED ${auth.join(', ')}: FerretDB has no mongod access control; without MONGO_INITDB_ROOT_USERNAME/PASSWORD through the image's entrypoint, every client is let in without credentials`,
    );
  }
  if (keyFile.length > 0)
    warn(`IGNORED ${keyFile.join(', ')}: no keyfile authentication between members; the file is not read or checked`);
  if (settings.replSetName !== undefined)
    warn(
      `replica set "${settings.replSetName}": NOT a replica set. FerretDB answers hello with this setName and isWritablePrimary: true on every instance; rs.initiate(), rs.status() and replSet* commands fail; nothing replicates`,
    );
  if (rest.length > 0) warn(`IGNORED: ${rest.join('; ')}`);

  const listen = listenAddress(settings.bindIp, settings.port);
  if (listen.dropped?.length)
    warn(`FerretDB listens on one address: ${listen.addr}; not on ${listen.dropped.join(', ')}`);
  const dbPath = settings.dbPath.replace(/\/+$/, '');
  if (!existsSync(dbPath)) fail(`the data directory ${dbPath} does not exist`);

  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dbPath}/`,
    `--state-dir=${dbPath}`,
    `--listen-addr=${listen.addr}`,
    '--telemetry=disable',
    '--debug-addr=-',
    ...(settings.replSetName !== undefined ? [`--repl-set-name=${settings.replSetName}`] : []),
  ];
  let stdio = 'inherit';
  if (settings.logPath) {
    warn(`logging to ${settings.logPath} (systemLog), not to stdout`);
    try {
      const log = openSync(settings.logPath, settings.logAppend ? 'a' : 'w');
      stdio = ['inherit', log, log];
    } catch (error) {
      fail(`cannot open the log file ${settings.logPath}: ${error.message}`);
    }
  }
  process.stderr.write(`mongod (FerretDB stand-in): exec ${FERRETDB} ${args.join(' ')}\n`);
  const child = spawn(FERRETDB, args, { stdio });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGQUIT']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) main();
