import type { ClusterHandle } from '../kube/cluster-handle.js';
import type { Kube } from '../kube/client.js';
import { HANDOVER_ENV } from '../support/settings.js';

/** lib/kube defines the handle (it connects to it); named here too, beside the session that carries it. */
export type { ClusterHandle };

export interface ClusterSession {
  readonly handle: ClusterHandle;
  /** Clients for the cluster, on the kubeconfig the provider loaded when it reached it. */
  readonly kube: Kube;
  /** Deletes the cluster if this run created it and was not asked to keep it. */
  release(): Promise<void>;
}

/** The cluster `npm run e2e` opened and handed to its vitest process, if it did. */
export function handleFromEnv(env: NodeJS.ProcessEnv = process.env): ClusterHandle | undefined {
  const raw = env[HANDOVER_ENV.cluster];
  return raw ? (JSON.parse(raw) as ClusterHandle) : undefined;
}
