import { join } from 'node:path';
import { catalogEntry } from '../image-catalog.js';
import { debianBase } from './debian.js';
import { asset, catalogLabels, fileLayer, imageStillPresent, recipe, runIn, type Step } from './layers.js';
import type { PackagedImageResult } from './mariadb.js';
import { ferretdbBuild, mongosh } from './sources.js';

/** FerretDB standing in for mongo, with mongosh; see sources.ts for why these and from where. */
const entry = catalogEntry('mongo');

export const ferretdbImage: Step<PackagedImageResult> = {
  name: 'guide-ferretdb',
  title: `${entry.local} standing in for mongo`,
  resource: 'io',
  needs: [debianBase, ferretdbBuild, mongosh],
  recipeFiles: recipe(
    import.meta.url,
    asset('ferretdb', 'Dockerfile'),
    asset('ferretdb', 'docker-entrypoint.sh'),
    asset('ferretdb', 'mongod'),
    asset('ferretdb', 'mongod.mjs'),
  ),
  fingerprint: () => ({ image: entry.local, labels: catalogLabels(entry) }),
  stillPresent: imageStillPresent,
  async build(context, use) {
    const shell = use(mongosh);
    const server = use(ferretdbBuild);
    await fileLayer(context, {
      dockerfile: asset('ferretdb', 'Dockerfile'),
      tags: [entry.local],
      files: [
        [join(shell.dir, shell.result.tarball), 'opt.tar'],
        [join(server.dir, server.result.binary), 'ferretdb'],
        [asset('ferretdb', 'mongod.mjs'), 'mongod.mjs'],
        [asset('ferretdb', 'mongod'), 'mongod'],
        [asset('ferretdb', 'docker-entrypoint.sh'), 'docker-entrypoint.sh'],
      ],
      buildArgs: { BASE: use(debianBase).result.image },
      labels: catalogLabels(entry),
    });
    const reported = await runIn(entry.local, ['ferretdb', '--version']);
    if (!reported.includes(`version: v${entry.version}`))
      throw new Error(`${entry.local} runs ${JSON.stringify(reported)}, not FerretDB ${entry.version}`);
    return {
      image: entry.local,
      versions: {
        ferretdb: /version: (\S+)/.exec(reported)?.[1] ?? reported,
        mongosh: shell.result.mongoshVersion,
        node: shell.result.nodeVersion,
      },
    };
  },
};
