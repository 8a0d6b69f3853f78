/**
 * A cluster the suite runs against, described by plain data so it can cross process
 * boundaries (the e2e runner hands it to vitest workers through an environment variable).
 * The cluster providers (lib/cluster) make it; lib/kube connects to it.
 */
export interface ClusterHandle {
  /** kind cluster name, or the kubeconfig context of an existing cluster. */
  readonly name: string;
  readonly provider: 'kind' | 'existing';
  /** A kubeconfig file, or a KUBECONFIG-style list of files. */
  readonly kubeconfig: string;
  /** The context to use; undefined means the kubeconfig's current context. */
  readonly context?: string;
  /** Whether this run created the cluster (and so may delete it). */
  readonly createdByThisRun: boolean;
  /** The server's version as it reports it, e.g. v1.34.10. */
  readonly serverVersion: string;
  /**
   * Public image -> image present on the nodes, for clusters that cannot pull (offline kind).
   * Fixtures name public images; this map is how they run without a registry.
   */
  readonly imageMap: Readonly<Record<string, string>>;
  /** The kind binary that manages it (kind clusters), for `kind export logs` on failure. */
  readonly kindBinary?: string;
}
