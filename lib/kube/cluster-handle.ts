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
   * What runs for each image the fixtures name (lib/cluster/image-map.ts derives it from the
   * image catalog): a local stand-in, the official image pulled, or an image loaded from an
   * archive. Fixtures name public images; the transforms rewrite them with this map.
   */
  readonly imageMap: readonly ImageMapEntry[];
  /** The kind binary that manages it (kind clusters), for `kind export logs` on failure. */
  readonly kindBinary?: string;
}

/** How a run gets the image a fixture names. */
export type ImageMode = 'stand-in' | 'official' | 'archive';

/** One line of a run's image map: plain data, printed at the start of a run and written to its reports. */
export interface ImageMapEntry {
  /** The reference pattern fixtures use (a repository, or a repository with a tag; see lib/support/image-reference.ts). */
  readonly official: string;
  /** The image that runs: the stand-in, the archive's image; for `official`, the fixture's own reference. */
  readonly image?: string;
  readonly mode: ImageMode;
  /** What runs and its version ("as named" when the official image is pulled). */
  readonly product: string;
  readonly version: string;
  readonly source: string;
  /** What this run cannot decide with it (empty for official images). */
  readonly cannotShow: readonly string[];
  /** Official behaviour a stand-in reproduces on purpose (checked by the integration project). */
  readonly asOfficial?: readonly string[];
}
