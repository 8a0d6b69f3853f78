import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the offline toolchain keeps what it builds: outside the repository, so a fresh
 * clone (CI) reuses what an earlier run built on the same machine.
 *
 *   <root>/go/mod, <root>/go/build    Go module and build caches (a cold cache is really cold)
 *   <root>/artifacts/<step>/<key>/    one directory per completed step; it exists only if the step succeeded
 *   <root>/logs/<run>/<step>.log      every command a step ran, with its output
 *   <root>/clusters/<name>.kubeconfig  kubeconfigs of the kind clusters the suite made
 */
export interface CacheLayout {
  readonly root: string;
  readonly goModCache: string;
  readonly goBuildCache: string;
  readonly artifacts: string;
  readonly logs: string;
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STS_CONFORMANCE_CACHE) return env.STS_CONFORMANCE_CACHE;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'sts-conformance');
}

export function cacheLayout(root: string = cacheRoot()): CacheLayout {
  return {
    root,
    goModCache: join(root, 'go', 'mod'),
    goBuildCache: join(root, 'go', 'build'),
    artifacts: join(root, 'artifacts'),
    logs: join(root, 'logs'),
  };
}

/**
 * The key under which CI keeps this cache's artifacts for some Kubernetes versions: the platform,
 * the versions, and a hash of the toolchain's recipes (every file of lib/toolchain but its tests),
 * so a recipe edit makes a new key. Steps are keyed by content inside the cache too, so an older
 * cache restored by the key's prefix (all but the hash) is reused for whatever did not change.
 */
export function toolchainCacheKey(
  versions: readonly string[],
  recipes: string = dirname(fileURLToPath(import.meta.url)),
): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== 'testdata') walk(path);
      } else if (!entry.endsWith('.test.ts')) files.push(path);
    }
  };
  walk(recipes);
  for (const file of files) hash.update(`\0${relative(recipes, file)}\0`).update(readFileSync(file));
  return `sts-toolchain-${process.platform}-${process.arch}-${[...versions].sort().join('+')}-${hash.digest('hex').slice(0, 16)}`;
}
