/**
 * npm run cluster:prepare [-- --rebuild STEP[,STEP...]|all]
 * npm run cluster:up      [-- --name NAME] [--workers N] [--mode auto|offline|online]
 * npm run cluster:down    [-- --name NAME]
 */
import { join } from 'node:path';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cacheLayout } from '../lib/toolchain/cache.js';
import { onPath } from '../lib/toolchain/host.js';
import { prepareOffline } from '../lib/toolchain/prepare.js';
import { deleteKindCluster, openClusterSession, type ClusterMode } from '../lib/cluster/session.js';
import { parseFlags, runMain, UsageError } from './cli.js';

const DEFAULT_CLUSTER = 'sts-conformance';

const USAGE =
  'usage: npm run cluster:prepare -- [--rebuild STEP,...|all]; cluster:up -- [--name N] [--workers N] [--mode auto|offline|online]; cluster:down -- [--name N]';

function flagsOf(args: string[], spec: Parameters<typeof parseFlags>[1]) {
  const { flags, positionals } = parseFlags(args, spec, USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`, USAGE);
  return flags;
}

async function prepare(args: string[], signal: AbortSignal) {
  const values = flagsOf(args, { rebuild: { type: 'string' } });
  const rebuild =
    values.rebuild === 'all'
      ? 'all'
      : new Set(
          String(values.rebuild ?? '')
            .split(',')
            .filter(Boolean),
        );
  await prepareOffline({ rebuild, signal });
}

async function up(args: string[], signal: AbortSignal) {
  const values = flagsOf(args, { name: { type: 'string' }, workers: { type: 'string' }, mode: { type: 'string' } });
  const workers = Number(values.workers ?? 0);
  if (!Number.isInteger(workers) || workers < 0)
    throw new UsageError(`--workers ${values.workers} is not a whole number`, 'pass --workers 0, 1, 2...');
  const mode = (values.mode ?? 'auto') as ClusterMode;
  if (!['auto', 'offline', 'online'].includes(mode))
    throw new UsageError(`--mode ${mode} is unknown`, 'use auto, offline or online');
  const name = String(values.name ?? DEFAULT_CLUSTER);
  const session = await openClusterSession({
    clusterName: name,
    workers,
    mode,
    keep: true,
    logDir: join(process.cwd(), 'out', 'cluster'),
    waitForNodeImages: true,
    say: (line) => console.log(line),
    signal,
  });
  console.log(`✓ cluster ${name} is up (Kubernetes ${session.handle.serverVersion})`);
  console.log(`  export KUBECONFIG=${session.handle.kubeconfig}`);
}

async function down(args: string[]) {
  const values = flagsOf(args, { name: { type: 'string' } });
  const name = String(values.name ?? DEFAULT_CLUSTER);
  const deleted = await deleteKindCluster(name, findKind(), (line) => console.log(line));
  console.log(deleted ? `✓ deleted kind cluster ${name}` : `no kind cluster named ${name}; nothing to do`);
}

/** KIND, else kind on PATH, else the newest kind the offline toolchain built. */
function findKind(): string {
  if (process.env.KIND) return process.env.KIND;
  if (onPath('kind')) return 'kind';
  const builds = join(cacheLayout().artifacts, 'kind');
  const candidates = existsSync(builds)
    ? readdirSync(builds)
        .map((key) => join(builds, key, 'bin', 'kind'))
        .filter((path) => existsSync(path))
    : [];
  candidates.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0] ?? 'kind';
}

runMain(async () => {
  const [command, ...rest] = process.argv.slice(2);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  switch (command) {
    case 'prepare':
      return prepare(rest, abort.signal);
    case 'up':
      return up(rest, abort.signal);
    case 'down':
      return down(rest);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}`, USAGE);
  }
});
