/**
 * npm run cluster:prepare   [-- --kubernetes VERSION[,VERSION...]] [--rebuild STEP[,STEP...]|all]
 * npm run cluster:up        [-- --cluster-name NAME] [--kubernetes VERSION] [--workers N] [--feature-gates G=true,...] [--offline | --online | --mode auto|offline|online] [--images DIR]
 * npm run cluster:down      [-- --cluster-name NAME]
 * npm run cluster:cache-key [-- --kubernetes VERSION[,VERSION...]]
 *
 * cache-key prints the key CI keeps the toolchain cache under for those versions
 * (lib/toolchain/cache.ts, toolchainCacheKey); everything before its last dash is the prefix to
 * restore an older cache by.
 *
 * The settings are e2e's (lib/support/settings.ts), environment variables included; --name is
 * another spelling of --cluster-name.
 */
import { join } from 'node:path';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cacheLayout, toolchainCacheKey } from '../lib/toolchain/cache.js';
import { pins } from '../lib/toolchain/pins.js';
import { onPath } from '../lib/toolchain/host.js';
import { prepareOffline } from '../lib/toolchain/prepare.js';
import { deleteKindCluster, openClusterSession } from '../lib/cluster/session.js';
import { UsageError } from '../lib/support/errors.js';
import { oneKubernetesVersion, readSettings, settingFlags } from '../lib/support/settings.js';
import { parseFlags, runMain } from './cli.js';

const USAGE =
  'usage: npm run cluster:prepare -- [--kubernetes V[,V...]] [--rebuild STEP,...|all]; cluster:up -- [--cluster-name N] [--kubernetes V] [--workers N] [--feature-gates G=true,...] [--offline|--online|--mode MODE] [--images DIR]; cluster:down -- [--cluster-name N]; cluster:cache-key -- [--kubernetes V[,V...]]';

function flagsOf(args: string[], spec: Parameters<typeof parseFlags>[1]) {
  const { flags, positionals } = parseFlags(args, spec, USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`, USAGE);
  return flags;
}

async function prepare(args: string[], signal: AbortSignal) {
  const values = flagsOf(args, { rebuild: { type: 'string' }, ...settingFlags(['kubernetes']) });
  const { kubernetes } = readSettings(['kubernetes'], { flags: values, usage: USAGE });
  const rebuild =
    values.rebuild === 'all'
      ? 'all'
      : new Set(
          String(values.rebuild ?? '')
            .split(',')
            .filter(Boolean),
        );
  await prepareOffline({ rebuild, signal, ...(kubernetes ? { kubernetesVersions: kubernetes } : {}) });
}

async function up(args: string[], signal: AbortSignal) {
  const names = ['clusterName', 'workers', 'featureGates', 'mode', 'images', 'kubernetes'] as const;
  const settings = readSettings(names, { flags: flagsOf(args, settingFlags(names)), usage: USAGE });
  const name = settings.clusterName;
  const kubernetesVersion = oneKubernetesVersion(settings.kubernetes, USAGE);
  const session = await openClusterSession({
    clusterName: name,
    workers: settings.workers,
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    featureGates: settings.featureGates,
    mode: settings.mode,
    imagesDir: settings.images,
    keepCluster: true,
    logDir: join(process.cwd(), 'out', 'cluster'),
    waitForNodeImages: true,
    say: (line) => console.log(line),
    signal,
  });
  console.log(`✓ cluster ${name} is up (Kubernetes ${session.handle.serverVersion})`);
  console.log(`  export KUBECONFIG=${session.handle.kubeconfig}`);
}

async function down(args: string[]) {
  const { clusterName: name } = readSettings(['clusterName'], {
    flags: flagsOf(args, settingFlags(['clusterName'])),
    usage: USAGE,
  });
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
    case 'cache-key': {
      const { kubernetes } = readSettings(['kubernetes'], {
        flags: flagsOf(rest, settingFlags(['kubernetes'])),
        usage: USAGE,
      });
      console.log(toolchainCacheKey(kubernetes ?? [pins.kubernetes]));
      return;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}`, USAGE);
  }
});
