import { catalogEntry } from '../image-catalog.js';
import {
  asset,
  catalogLabels,
  debianPackageVersion,
  fileLayer,
  imageStillPresent,
  recipe,
  runIn,
  type ImageResult,
  type Step,
} from './layers.js';
import { mariadbPackages } from './packages.js';

const entry = catalogEntry('mysql');

export interface PackagedImageResult extends ImageResult {
  /** Debian versions of the packages that matter, as installed. */
  readonly versions: Record<string, string>;
}

export const mariadbImage: Step<PackagedImageResult> = {
  name: 'guide-mariadb',
  title: `${entry.local} standing in for mysql`,
  resource: 'io',
  needs: [mariadbPackages],
  recipeFiles: recipe(import.meta.url, asset('mariadb', 'Dockerfile'), asset('mariadb', 'docker-entrypoint.sh')),
  fingerprint: () => ({ image: entry.local, labels: catalogLabels(entry) }),
  stillPresent: imageStillPresent,
  async build(context, use) {
    await fileLayer(context, {
      dockerfile: asset('mariadb', 'Dockerfile'),
      tags: [entry.local],
      files: [[asset('mariadb', 'docker-entrypoint.sh'), 'docker-entrypoint.sh']],
      buildArgs: { PACKAGES: use(mariadbPackages).result.image },
      labels: catalogLabels(entry),
    });
    const reported = await runIn(entry.local, ['mariadbd', '--version']);
    if (!reported.includes(`Ver ${entry.version}-MariaDB`))
      throw new Error(`${entry.local} reports ${JSON.stringify(reported)}, not MariaDB ${entry.version}`);
    const versions: Record<string, string> = {};
    for (const pkg of ['mariadb-server', 'mariadb-backup', 'ncat', 'gosu'])
      versions[pkg] = await debianPackageVersion(entry.local, pkg);
    return { image: entry.local, versions };
  },
};
