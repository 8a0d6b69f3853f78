import { join } from 'node:path';
import { debianMirror } from '../rootfs.js';
import { pins } from '../pins.js';
import {
  aptLayer,
  asset,
  debianPackageVersion,
  debootstrapTarball,
  imageStillPresent,
  importRootfs,
  INTERMEDIATE,
  recipe,
  type ImageResult,
  type Step,
} from './layers.js';

/** The Debian every Debian-based guide image starts from: minbase, imported as one layer. */
export const debianRootfs: Step<{ readonly tarball: 'rootfs.tar' }> = {
  name: 'guide-debian-rootfs',
  title: `Debian ${pins.debianSuite} minbase root filesystem for the guide images`,
  resource: 'io',
  needs: [],
  recipeFiles: recipe(import.meta.url),
  fingerprint: () => ({ suite: pins.debianSuite }),
  async build(context) {
    await debootstrapTarball(context, debianMirror());
    return { tarball: 'rootfs.tar' };
  },
};

export interface DebianBaseResult extends ImageResult {
  readonly versions: Record<string, string>;
}

/** Minbase plus the updates of the release, gosu and tzdata: the layers every Debian-based guide image shares. */
export const debianBase: Step<DebianBaseResult> = {
  name: 'guide-debian-base',
  title: 'Debian base layer of the guide images: updates, gosu, tzdata',
  resource: 'io',
  needs: [debianRootfs],
  recipeFiles: recipe(import.meta.url, asset('debian-base', 'layer.sh')),
  fingerprint: () => ({}),
  stillPresent: imageStillPresent,
  async build(context, use) {
    const rootfs = use(debianRootfs);
    const rootfsImage = `${INTERMEDIATE}/guide-debian-rootfs:${rootfs.key}`;
    await importRootfs(context, join(rootfs.dir, rootfs.result.tarball), rootfsImage);
    const image = `${INTERMEDIATE}/guide-debian-base:${context.key}`;
    await aptLayer(context, { from: rootfsImage, image, script: asset('debian-base', 'layer.sh') });
    return { image, versions: { gosu: await debianPackageVersion(image, 'gosu') } };
  },
};
