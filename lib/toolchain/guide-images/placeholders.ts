import { join } from 'node:path';
import { catalogEntry } from '../image-catalog.js';
import { toolsRootfs } from '../rootfs.js';
import {
  aptLayer,
  asset,
  catalogLabels,
  fileLayer,
  imageStillPresent,
  INTERMEDIATE,
  recipe,
  runIn,
  type ImageResult,
  type Step,
} from './layers.js';
import { MARIADB_DEBIAN_VERSION, type PackagedImageResult } from './mariadb.js';
import { postgresClient } from './postgres.js';

/**
 * The guides' placeholder images, which no registry holds: `myapp` (two versions, for a rolling
 * update that visibly changes something) and `backup-tool`.
 */
const myapp1 = catalogEntry('myapp-1');
const myapp2 = catalogEntry('myapp');
const backup = catalogEntry('backup-tool');

export interface MyappResult {
  readonly images: readonly string[];
}

export const myappImages: Step<MyappResult> = {
  name: 'guide-myapp',
  title: `${myapp1.local} and ${myapp2.local}: BusyBox httpd and a CGI script`,
  resource: 'io',
  needs: [toolsRootfs],
  recipeFiles: recipe(
    import.meta.url,
    asset('myapp', 'Dockerfile'),
    asset('myapp', 'myapp.cgi'),
    asset('myapp', 'index.cgi'),
  ),
  fingerprint: () => ({ images: [myapp1.local, myapp2.local] }),
  stillPresent: async (output) => {
    for (const image of output.result.images)
      if (!(await imageStillPresent({ ...output, result: { image } }))) return false;
    return true;
  },
  async build(context, use) {
    const tools = use(toolsRootfs);
    for (const entry of [myapp1, myapp2]) {
      await fileLayer(context, {
        dockerfile: asset('myapp', 'Dockerfile'),
        tags: [entry.local],
        files: [
          [join(tools.dir, 'bin', 'busybox'), 'busybox'],
          [asset('myapp', 'myapp.cgi'), 'myapp.cgi'],
          [asset('myapp', 'index.cgi'), 'index.cgi'],
        ],
        buildArgs: { VERSION: entry.version },
        labels: catalogLabels(entry),
      });
      const version = await runIn(entry.local, ['cat', '/etc/myapp-version']);
      if (version !== entry.version) throw new Error(`${entry.local} says version ${version}`);
    }
    return { images: [myapp1.local, myapp2.local] };
  },
};

export const backupToolPackages: Step<ImageResult> = {
  name: 'guide-backup-tool-packages',
  title: 'MariaDB client beside the PostgreSQL client tools, from Debian',
  resource: 'io',
  needs: [postgresClient],
  recipeFiles: recipe(import.meta.url, asset('backup-tool', 'layer.sh')),
  fingerprint: () => ({ mariadb: MARIADB_DEBIAN_VERSION }),
  stillPresent: imageStillPresent,
  async build(context, use) {
    const image = `${INTERMEDIATE}/guide-backup-tool-packages:${context.key}`;
    await aptLayer(context, {
      from: use(postgresClient).result.image,
      image,
      script: asset('backup-tool', 'layer.sh'),
      env: { MARIADB_DEBIAN_VERSION },
    });
    return { image };
  },
};

export const backupToolImage: Step<PackagedImageResult> = {
  name: 'guide-backup-tool',
  title: `${backup.local}: mariadb-dump and pg_dump behind one script`,
  resource: 'io',
  needs: [backupToolPackages],
  recipeFiles: recipe(import.meta.url, asset('backup-tool', 'Dockerfile'), asset('backup-tool', 'backup-tool.sh')),
  fingerprint: () => ({ image: backup.local }),
  stillPresent: imageStillPresent,
  async build(context, use) {
    await fileLayer(context, {
      dockerfile: asset('backup-tool', 'Dockerfile'),
      tags: [backup.local],
      files: [[asset('backup-tool', 'backup-tool.sh'), 'backup-tool.sh']],
      buildArgs: { PACKAGES: use(backupToolPackages).result.image },
      labels: catalogLabels(backup),
    });
    return {
      image: backup.local,
      versions: {
        'mariadb-dump': await runIn(backup.local, ['mariadb-dump', '--version']),
        pg_dump: await runIn(backup.local, ['pg_dump', '--version']),
      },
    };
  },
};
