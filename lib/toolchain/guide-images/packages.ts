import { debianBase } from './debian.js';
import {
  aptLayer,
  asset,
  imageStillPresent,
  INTERMEDIATE,
  recipe,
  upstreamVersion,
  type ImageResult,
  type Step,
} from './layers.js';

/**
 * The apt layers of the guide images, apart from the images' own modules: they take minutes
 * (and the shared package cache's lock), so editing how an image is finished (its entrypoint,
 * its Dockerfile, its module) must not reinstall its packages. Debian's exact versions are pinned
 * here; the image steps check that what runs is what the image catalog says.
 */

/** mariadb-server, mariadb-backup and mariadb-client (bookworm's security archive). */
export const MARIADB_DEBIAN_VERSION = '1:10.11.19-0+deb12u1';

/** postgresql-client-15 and postgresql-15 (bookworm's security archive): every image's client tools, 15's server. */
export const PG15_DEBIAN_VERSION = '15.20-0+deb12u1';

function packagesStep(options: {
  name: string;
  title: string;
  from: Step<ImageResult>;
  script: string;
  env: Record<string, string>;
}): Step<ImageResult> {
  return {
    name: options.name,
    title: options.title,
    resource: 'io',
    needs: [options.from],
    recipeFiles: recipe(import.meta.url, options.script),
    fingerprint: () => ({ env: options.env }),
    stillPresent: imageStillPresent,
    async build(context, use) {
      const image = `${INTERMEDIATE}/${options.name}:${context.key}`;
      await aptLayer(context, {
        from: use(options.from).result.image,
        image,
        script: options.script,
        env: options.env,
      });
      return { image };
    },
  };
}

export const mariadbPackages = packagesStep({
  name: 'guide-mariadb-packages',
  title: `MariaDB ${upstreamVersion(MARIADB_DEBIAN_VERSION)} packages from Debian (server, mariadb-backup, ncat)`,
  from: debianBase,
  script: asset('mariadb', 'layer.sh'),
  env: { MARIADB_DEBIAN_VERSION },
});

export const postgresClient = packagesStep({
  name: 'guide-postgres-client',
  title: `PostgreSQL ${upstreamVersion(PG15_DEBIAN_VERSION)} client tools, locale and postgres user from Debian`,
  from: debianBase,
  script: asset('postgres', 'client-layer.sh'),
  env: { PG_CLIENT_DEBIAN_VERSION: PG15_DEBIAN_VERSION },
});

export const postgres15Packages = packagesStep({
  name: 'guide-postgres-15-packages',
  title: `PostgreSQL ${upstreamVersion(PG15_DEBIAN_VERSION)} server from Debian`,
  from: postgresClient,
  script: asset('postgres', 'server-15-layer.sh'),
  env: { PG15_DEBIAN_VERSION },
});

export const backupToolPackages = packagesStep({
  name: 'guide-backup-tool-packages',
  title: 'MariaDB client beside the PostgreSQL client tools, from Debian',
  from: postgresClient,
  script: asset('backup-tool', 'layer.sh'),
  env: { MARIADB_DEBIAN_VERSION },
});
