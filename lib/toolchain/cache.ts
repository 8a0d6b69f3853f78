import { homedir } from 'node:os';
import { join } from 'node:path';

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
