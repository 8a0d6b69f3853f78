import { fileURLToPath } from 'node:url';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import { readManifests, type KubeObject } from '../kube/manifests.js';
import { applyTransforms, storageClass, useLocalImages, type Transform } from './transforms.js';

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** A fixture as read from fixtures/, with the transforms applied to it, in order. */
export interface AdaptedFixture {
  readonly source: string;
  readonly objects: KubeObject[];
  readonly transforms: readonly string[];
}

/**
 * The adaptations every fixture gets on a given cluster: local images where the cluster cannot
 * pull (offline kind), and kind's `standard` StorageClass named explicitly where the suite made
 * the cluster. On an existing cluster the claims keep whatever class the fixture says, or the default.
 */
function clusterTransforms(cluster: ClusterHandle): Transform[] {
  const transforms: Transform[] = [];
  if (cluster.imageMap.some((entry) => entry.mode !== 'official')) transforms.push(useLocalImages(cluster.imageMap));
  if (cluster.provider === 'kind') transforms.push(storageClass('standard'));
  return transforms;
}

export async function loadFixture(
  relativePath: string,
  cluster: ClusterHandle,
  scenarioTransforms: readonly Transform[] = [],
): Promise<AdaptedFixture> {
  const source = `fixtures/${relativePath}`;
  const original = await readManifests(`${FIXTURES_DIR}${relativePath}`, source);
  const transforms = [...scenarioTransforms, ...clusterTransforms(cluster)];
  return {
    source,
    objects: applyTransforms(original, transforms),
    transforms: transforms.map((transform) => transform.name),
  };
}
