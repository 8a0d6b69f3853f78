import { fileURLToPath } from 'node:url';
import type { ClusterHandle } from '../kube/cluster-handle.js';
import { InvalidFixtureError, readManifests, type KubeObject } from '../kube/manifests.js';
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
  let objects: KubeObject[];
  try {
    objects = applyTransforms(original, transforms);
  } catch (error) {
    // A scenario's transform that finds nothing to change: the fixture is not what the scenario expects.
    const holds = original.map((object) => `${object.apiVersion} ${object.kind} ${object.metadata.name}`).join(', ');
    throw new InvalidFixtureError(source, `${(error as Error).message} (it holds ${holds})`);
  }
  return { source, objects, transforms: transforms.map((transform) => transform.name) };
}
