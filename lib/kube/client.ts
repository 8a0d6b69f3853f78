import pRetry from 'p-retry';
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  PolicyV1Api,
  StorageV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import type { ClusterHandle } from './cluster-handle.js';

/**
 * The API clients for one cluster. Everything in lib/kube goes through this; suites never
 * see client-node directly.
 */
export interface Kube {
  readonly config: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  /** CronJobs and Jobs: the guides' backup job. */
  readonly batch: BatchV1Api;
  readonly storage: StorageV1Api;
  readonly policy: PolicyV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly autoscaling: AutoscalingV2Api;
}

/** Reads a kubeconfig file, or a KUBECONFIG-style list of files; the one place kubeconfigs are loaded. */
export function loadKubeConfig(kubeconfig: string): KubeConfig {
  const config = new KubeConfig();
  const files = kubeconfig.split(':').filter(Boolean);
  if (files.length === 1) config.loadFromFile(files[0] as string);
  else config.loadFromDefault({}, false);
  return config;
}

/**
 * Clients for a cluster: loads its kubeconfig and selects its context, or takes a kubeconfig
 * already loaded (and checked) by the provider that reached the cluster.
 */
export function connect(cluster: Pick<ClusterHandle, 'kubeconfig' | 'context'> | KubeConfig): Kube {
  let config: KubeConfig;
  if (cluster instanceof KubeConfig) {
    config = cluster;
  } else {
    config = loadKubeConfig(cluster.kubeconfig);
    if (cluster.context) config.setCurrentContext(cluster.context);
  }
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    batch: config.makeApiClient(BatchV1Api),
    storage: config.makeApiClient(StorageV1Api),
    policy: config.makeApiClient(PolicyV1Api),
    discovery: config.makeApiClient(DiscoveryV1Api),
    autoscaling: config.makeApiClient(AutoscalingV2Api),
  };
}

/** The API server's version as it reports it (GET /version), e.g. v1.34.10. */
export async function serverVersion(kube: Kube): Promise<string> {
  return (await kube.config.makeApiClient(VersionApi).getCode()).gitVersion;
}

/** The status code of a failed API call, if it was one. */
export function statusCode(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const code =
    (error as { code?: unknown; statusCode?: unknown })?.code ?? (error as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusCode(error) === 404;
}

/**
 * client-node's ApiException message is a multi-line dump of headers and raw JSON; this turns
 * it into "<code> <reason>: <message>" as the API server said it.
 */
function describeApiError(error: unknown): string {
  if (error instanceof ApiException) {
    try {
      const status = JSON.parse(String(error.body)) as { reason?: string; message?: string };
      return `${error.code} ${status.reason ?? ''}: ${status.message ?? ''}`.trim();
    } catch {
      return `${error.code}: ${String(error.body).slice(0, 300)}`;
    }
  }
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
}

/**
 * Failures of the infrastructure, not answers: the API server restarting or overloaded (429,
 * 500 with an etcd leader change, 502-504), a connection refused or dropped on the way, or a
 * restarted API server whose RBAC cache is still empty. Worth a retry.
 */
export function isTransient(error: unknown): boolean {
  const code = statusCode(error);
  if (code === 429 || code === 502 || code === 503 || code === 504) return true;
  const systemCode = [
    (error as { code?: unknown })?.code,
    (error as { cause?: { code?: unknown } })?.cause?.code,
  ].filter((value) => typeof value === 'string');
  const text = `${describeApiError(error)} ${systemCode.join(' ')}`;
  if (code === 500) return /leader changed|etcdserver|timeout|try again/i.test(text);
  if (code === 403) return rbacNotYetLoaded(text) || clusterAdminNotYetAuthorized(text);
  return /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|socket hang up|other side closed|socket disconnected/i.test(
    text,
  );
}

/**
 * A restarted API server answers before its RBAC authorizer has loaded the roles: for a few
 * hundred milliseconds every request is forbidden because bootstrap roles such as
 * `system:public-info-viewer` are "not found" (measured on kind v1.34 after stopping the
 * kube-apiserver container). The suite never deletes a ClusterRole, so a 403 that says a
 * ClusterRole is missing is this warm-up, not an answer.
 */
function rbacNotYetLoaded(text: string): boolean {
  return /RBAC: \[?clusterrole\.rbac\.authorization\.k8s\.io "[^"]+" not found/.test(text);
}

/**
 * The same warm-up can also answer with no RBAC detail at all: after kubeadm restarted the
 * kube-apiserver during an in-place upgrade, `kubernetes-admin` (kubeadm's admin.conf user,
 * bound to cluster-admin through kubeadm's own group) was told it "cannot get resource
 * namespaces" (measured 2026-11-22, upgrade-check on kind v1.33.13 -> v1.34.10). That user
 * cannot be denied on a working cluster, so its denial is the warm-up; any other user's plain
 * Forbidden is an answer.
 */
function clusterAdminNotYetAuthorized(text: string): boolean {
  return /User "kubernetes-admin" cannot \w+ resource/.test(text);
}

/**
 * How long `call` keeps retrying a transient failure: long enough to ride out an API server
 * restart (about 20 s on kind when kubelet restarts its container with a back-off), short
 * enough that a cluster that is really gone fails the step within half a minute.
 */
const RETRY_BUDGET_MS = 30_000;

/** A transient failure that `call` retried: what, when, which attempt, and what the server said. */
export interface TransientRetry {
  readonly at: string;
  readonly what: string;
  readonly attempt: number;
  readonly error: string;
}

/** Every retry this process made, so the report can show them beside the verdicts they did not touch. */
export const transientRetries: TransientRetry[] = [];

/**
 * Runs an API call; failures are rethrown with the verb, the object and the server's words.
 * Transient infrastructure failures are retried with p-retry (0.2 s doubling up to 4 s, for at
 * most RETRY_BUDGET_MS), each one logged in `transientRetries`. Verbs that are not idempotent pass `retry: false`. No
 * assertion ever runs inside a call: what is retried is getting an answer, never a verdict.
 */
export async function call<T>(what: string, request: () => Promise<T>, options: { retry?: boolean } = {}): Promise<T> {
  try {
    return await pRetry(request, {
      retries: options.retry === false ? 0 : 12,
      minTimeout: 200,
      maxTimeout: 4000,
      factor: 2,
      maxRetryTime: RETRY_BUDGET_MS,
      shouldRetry: ({ error }) => isTransient(error),
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0 && isTransient(error)) {
          transientRetries.push({
            at: new Date().toISOString(),
            what,
            attempt: attemptNumber,
            error: describeApiError(error),
          });
        }
      },
    });
  } catch (error) {
    const wrapped = new Error(`${what} failed: ${describeApiError(error)}`, { cause: error });
    (wrapped as Error & { statusCode?: number }).statusCode = statusCode(error);
    throw wrapped;
  }
}
