import { join } from 'node:path';
import { execa } from 'execa';
import { IMAGE_CATALOG } from '../image-catalog.js';
import { ferretdbImage } from './ferretdb.js';
import { mariadbImage } from './mariadb.js';
import { backupToolImage, myappImages } from './placeholders.js';
import { postgres1422Image, postgres1423Image, postgres15Image } from './postgres.js';
import { INTERMEDIATE, recipe, type Step } from './layers.js';

/**
 * The images the guides' workloads run (lib/toolchain/image-catalog.ts), built from Debian, npm
 * and the Go module proxy (see layers.ts), saved together into one archive: shared layers are
 * stored once, and `kind load image-archive` puts them on the nodes the way it does busybox.
 */
const imageSteps = [
  mariadbImage,
  postgres1423Image,
  postgres1422Image,
  postgres15Image,
  ferretdbImage,
  backupToolImage,
] as const;

export interface GuideImage {
  readonly image: string;
  /** Docker's image id when the archive was written: the engine's copy is reloaded if it differs. */
  readonly id: string;
  readonly bytes: number;
}

export interface GuideImagesResult {
  readonly tarball: 'guide-images.tar';
  readonly images: readonly GuideImage[];
  readonly archiveBytes: number;
}

export const guideImages: Step<GuideImagesResult> = {
  name: 'guide-images',
  title: 'guide workload images (databases, myapp, backup-tool) saved into one archive',
  resource: 'io',
  needs: [...imageSteps, myappImages],
  recipeFiles: recipe(import.meta.url),
  fingerprint: () => ({ catalog: IMAGE_CATALOG.map((entry) => entry.local) }),
  async build(context, use) {
    const names = [...imageSteps.map((step) => use(step).result.image), ...use(myappImages).result.images];
    const images: GuideImage[] = [];
    for (const image of names) {
      const [id = '', size = '0'] = (
        await context.capture('docker', ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', image])
      )
        .trim()
        .split(' ');
      images.push({ image, id, bytes: Number(size) });
    }
    const tarball = join(context.outDir, 'guide-images.tar');
    context.note(`saving ${names.length} images`);
    await context.run('docker', ['save', '-o', tarball, ...names]);
    const archiveBytes = Number((await execa('stat', ['-c', '%s', tarball])).stdout.trim());
    return { tarball: 'guide-images.tar', images, archiveBytes };
  },
};

/** Intermediate images of the guide steps (layers below the published ones), for pruning. */
export function isGuideIntermediate(reference: string): boolean {
  return reference.startsWith(`${INTERMEDIATE}/guide-`);
}
