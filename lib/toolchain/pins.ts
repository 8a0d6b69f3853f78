/**
 * Every version the offline toolchain builds. Changing a value here changes the cache key of
 * every step that uses it, so a pin bump rebuilds exactly what it affects.
 *
 * The module proxy reachable from the build machines is a curated mirror: some versions answer
 * 403, some are served but absent from the checksum database. Every pin was checked against both.
 *
 * Versions that Kubernetes itself decides (etcd, CoreDNS, pause) are not pinned here: they
 * are read from `kubeadm config images list` of the kubeadm we build, so they always match.
 */
export const pins = {
  /**
   * kind CLI, base-image files and node manifests. v0.31.0 is the last release whose base
   * image is Debian bookworm (systemd 252), which still boots on cgroup v1 hosts; v0.32.0
   * moved to trixie. The CLI, the base files and the manifests must come from one release.
   */
  kind: 'v0.31.0',

  /**
   * Newest v1.34 patch whose go.mod the Go checksum database verifies through the proxy
   * (v1.34.11 and v1.34.12 are on the proxy, but the checksum database answers 404 for them here).
   * 1.34 is the newest minor that starts on cgroup v1 without `failCgroupV1: false`.
   */
  kubernetes: 'v1.34.10',

  /** The staging modules (k8s.io/api, client-go...) are tagged v0.X.Y for Kubernetes v1.X.Y. */
  kubernetesStaging: 'v0.34.10',

  /**
   * crictl, which kind only uses for `kind export logs`. v1.34.0 (the Kubernetes minor) is on
   * the proxy but the checksum database cannot verify it here; crictl talks CRI v1 to any
   * containerd, so the newest verifiable release serves as well.
   */
  crictl: 'v1.36.0',

  /**
   * The default StorageClass's provisioner. kind v0.31.0 packages v0.0.32, which the module
   * proxy reachable here refuses (403), as it refuses the v0.0.35 archive; v0.0.33 is served
   * but unverifiable. v0.0.30 is the nearest release it serves and verifies, and speaks the
   * same flags and helper-pod contract as kind's manifest.
   */
  localPathProvisioner: 'v0.0.30',

  /** Debian release of the node root filesystem and of the tool images (iptables, busybox). */
  debianSuite: 'bookworm',
} as const;
