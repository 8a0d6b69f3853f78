import { catalogEntry } from '../image-catalog.js';
import { debianBase } from './debian.js';
import {
  aptLayer,
  asset,
  catalogLabels,
  debianPackageVersion,
  fileLayer,
  imageStillPresent,
  INTERMEDIATE,
  recipe,
  runIn,
  upstreamVersion,
  type ImageResult,
  type Step,
} from './layers.js';

/** The Debian version of mariadb-server and mariadb-backup (bookworm's security archive). */
export const MARIADB_DEBIAN_VERSION = '1:10.11.19-0+deb12u1';

const entry = catalogEntry('mysql');

export const mariadbPackages: Step<ImageResult> = {
  name: 'guide-mariadb-packages',
  title: `MariaDB ${upstreamVersion(MARIADB_DEBIAN_VERSION)} packages from Debian (server, mariadb-backup, ncat)`,
  resource: 'io',
  needs: [debianBase],
  recipeFiles: recipe(import.meta.url, asset('mariadb', 'layer.sh')),
  fingerprint: () => ({ mariadb: MARIADB_DEBIAN_VERSION }),
  stillPresent: imageStillPresent,
  async build(context, use) {
    if (upstreamVersion(MARIADB_DEBIAN_VERSION) !== entry.version)
      throw new Error(`the image catalog says MariaDB ${entry.version}, the recipe installs ${MARIADB_DEBIAN_VERSION}`);
    const image = `${INTERMEDIATE}/guide-mariadb-packages:${context.key}`;
    await aptLayer(context, {
      from: use(debianBase).result.image,
      image,
      script: asset('mariadb', 'layer.sh'),
      env: { MARIADB_DEBIAN_VERSION },
    });
    return { image };
  },
};

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
  fingerprint: () => ({ image: entry.local }),
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
