import { WORKLOAD_REGISTRY } from '../toolchain/images.js';

/**
 * The offline toolchain names the workload images it builds <registry>/<name>:<tag> in a
 * registry that does not exist (sts-conformance.local), and each stands in for the Docker Hub
 * library image of the same name. This is how a cluster's image map is derived: from what the
 * suite loaded into a kind cluster it made, or from the images an existing cluster's nodes hold.
 */
export function standsInFor(localImage: string): string | undefined {
  const match = new RegExp(`^${WORKLOAD_REGISTRY.replace(/\./g, '\\.')}/([a-z0-9._-]+):[\\w.-]+$`).exec(localImage);
  return match ? `docker.io/library/${match[1]}` : undefined;
}

/**
 * Public image -> local image, for the local images present on every node (a pod may land on
 * any of them). Node image lists are `status.images[].names` of each node.
 */
export function imageMapFromNodes(nodeImageNames: ReadonlyArray<readonly string[]>): Record<string, string> {
  if (nodeImageNames.length === 0) return {};
  const onEveryNode = (nodeImageNames[0] ?? []).filter((name) => nodeImageNames.every((names) => names.includes(name)));
  const map: Record<string, string> = {};
  for (const name of onEveryNode.sort()) {
    const upstream = standsInFor(name);
    if (upstream) map[upstream] = name;
  }
  return map;
}
