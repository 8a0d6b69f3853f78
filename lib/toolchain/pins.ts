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
   * The default Kubernetes version: the newest v1.34 patch whose go.mod the Go checksum database
   * verifies through the proxy (v1.34.11 and v1.34.12 are on the proxy, but the checksum database
   * answers 404 for them here). 1.34 is the newest minor that starts on cgroup v1 without
   * `failCgroupV1: false`. Other versions are asked for with `--kubernetes` (KNOWN_VERSIONS).
   */
  kubernetes: 'v1.34.10',

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

/**
 * Versions besides the default that are known to build offline here: the module proxy serves
 * them, the checksum database verifies them, and their whole module graph (staging modules, and
 * etcd and CoreDNS at the versions their kubeadm names) downloads. Any other version may be
 * asked for; these are the ones the nightly matrix uses.
 *
 * - v1.33.13: the newest v1.33 patch the proxy serves (v1.33.8, v1.33.10 and v1.33.14 answer
 *   403). Its kubeadm asks for etcd 3.5.24-0, CoreDNS v1.12.0 and pause 3.10.
 */
export const KNOWN_VERSIONS = ['v1.33.13', pins.kubernetes] as const;
