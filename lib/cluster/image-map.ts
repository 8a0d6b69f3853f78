import type { ImageMapEntry } from '../kube/cluster-handle.js';
import { UsageError } from '../support/errors.js';
import {
  matchesPattern,
  mostSpecificMatch,
  parseReference,
  patternParts,
  qualifiedReference,
  shortPattern,
} from '../support/image-reference.js';
import { IMAGE_CATALOG, type CatalogEntry } from '../toolchain/image-catalog.js';

/**
 * A run's image map, derived from the one image catalog (lib/toolchain/image-catalog.ts) in one
 * of three ways, never mixing two for one product:
 *
 * - stand-in: the offline toolchain built the catalog's local images and loaded them;
 * - official: the cluster pulls the images the fixtures name (online);
 * - archive: `--images DIR` loaded `docker save` archives of official images.
 *
 * The guides' placeholder names (myapp, backup-tool) have no official image: their stand-ins run
 * in every mode.
 */

export type { ImageMapEntry };

function standIn(entry: CatalogEntry): ImageMapEntry {
  return {
    official: entry.official,
    image: entry.local,
    mode: 'stand-in',
    product: entry.product,
    version: entry.version,
    source: entry.source,
    cannotShow: entry.cannotShow,
    ...(entry.asOfficial ? { asOfficial: entry.asOfficial } : {}),
  };
}

function pulled(entry: CatalogEntry): ImageMapEntry {
  return {
    official: entry.official,
    mode: 'official',
    product: 'the official image',
    version: 'as the fixture names it',
    source: 'pulled by the cluster',
    cannotShow: [],
  };
}

/** Offline: the catalog entries whose stand-in is among the loaded images. */
export function standInMap(loaded: readonly string[], catalog = IMAGE_CATALOG): ImageMapEntry[] {
  return catalog.filter((entry) => loaded.includes(entry.local)).map(standIn);
}

/** Online: official images for every product, the loaded stand-ins for the guides' placeholders. */
export function officialMap(loadedPlaceholders: readonly string[] = [], catalog = IMAGE_CATALOG): ImageMapEntry[] {
  return catalog.flatMap((entry) => {
    if (!entry.placeholder) return [pulled(entry)];
    return loadedPlaceholders.includes(entry.local) ? [standIn(entry)] : [];
  });
}

export class ImageMixError extends UsageError {
  constructor(cause: string, remedy: string) {
    super(cause, remedy);
    this.name = 'ImageMixError';
  }
}

/**
 * `--images DIR`: the archives' images replace every entry of their repositories. A repository
 * must be covered whole: an archive of postgres:15 without one for postgres:14 would leave 14 to
 * the stand-in, which is refused.
 */
export function withArchives(
  base: readonly ImageMapEntry[],
  archiveImages: readonly string[],
  dir: string,
  catalog = IMAGE_CATALOG,
): ImageMapEntry[] {
  const images = archiveImages.map(qualifiedReference);
  const repositories = new Set(images.map((image) => parseReference(image).repository));
  const kept = base.filter((entry) => !repositories.has(patternParts(entry.official).repository));
  const fromArchives: ImageMapEntry[] = [];
  for (const repository of [...repositories].sort()) {
    const ofRepository = images.filter((image) => parseReference(image).repository === repository).sort();
    for (const entry of catalog.filter((candidate) => patternParts(candidate.official).repository === repository)) {
      const image = ofRepository.find((candidate) => matchesPattern(entry.official, candidate));
      if (!image)
        throw new ImageMixError(
          `${dir} holds ${ofRepository.map(shortOf).join(', ')} but no image for ${shortPattern(entry.official)}, which would then run the stand-in ${entry.local}: the suite does not mix official and stand-in images of one product`,
          `add a \`docker save\` archive of ${shortPattern(entry.official).replace(/\*$/, '')} to ${dir}, or leave ${shortOf(repository)} out of it`,
        );
      fromArchives.push(archived(entry.official, image, dir));
    }
    for (const image of ofRepository) fromArchives.push(archived(image, image, dir));
  }
  return [...kept, ...fromArchives];
}

function archived(official: string, image: string, dir: string): ImageMapEntry {
  return {
    official,
    image,
    mode: 'archive',
    product: 'the official image',
    version: parseReference(image).tag,
    source: `docker save archive in ${dir}`,
    cannotShow: [],
  };
}

function shortOf(reference: string): string {
  return reference.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
}

/**
 * An existing cluster: stand-ins its nodes all hold (a cluster the offline toolchain made), or
 * else the official images, present or pulled. Nodes that hold both a stand-in and an official
 * image of one product are refused: which one a run means cannot be told.
 */
export function imageMapFromNodes(
  nodeImageNames: ReadonlyArray<readonly string[]>,
  catalog = IMAGE_CATALOG,
): ImageMapEntry[] {
  if (nodeImageNames.length === 0) return officialMap([], catalog);
  const [first = [], ...others] = nodeImageNames;
  const onEveryNode = first.filter((name) => others.every((names) => names.includes(name)));
  const standIns = catalog.filter((entry) => onEveryNode.includes(entry.local));
  const locals = new Set(catalog.map((entry) => entry.local));
  const official = onEveryNode.filter((name) => !locals.has(name) && !name.includes('@'));
  for (const entry of standIns) {
    if (entry.placeholder) continue;
    const clash = official.find((name) => parseReference(name).repository === patternParts(entry.official).repository);
    if (clash)
      throw new ImageMixError(
        `the cluster's nodes hold both the stand-in ${entry.local} and the official ${clash} for ${shortPattern(entry.official)}; the suite does not mix official and stand-in images of one product`,
        `remove one of them from the nodes (crictl rmi), or run on a cluster the suite creates`,
      );
  }
  return catalog.flatMap((entry) => {
    if (standIns.includes(entry)) return [standIn(entry)];
    return entry.placeholder ? [] : [pulled(entry)];
  });
}

/** What a fixture's image becomes under the map: the entry it falls under and the image that runs. */
export function resolveImage(
  map: readonly ImageMapEntry[],
  reference: string,
): { entry: ImageMapEntry; image: string } | undefined {
  const entry = mostSpecificMatch(map, reference);
  if (!entry) return undefined;
  return { entry, image: entry.image ?? reference };
}

/** The images of a map that have to be on the nodes (stand-ins and archives). */
export function localImagesOf(map: readonly ImageMapEntry[]): string[] {
  return [...new Set(map.flatMap((entry) => (entry.image && entry.mode !== 'official' ? [entry.image] : [])))].sort();
}

/** One line per entry, for the start of a run. */
export function imageMapLines(map: readonly ImageMapEntry[]): string[] {
  const width = Math.max(0, ...map.map((entry) => shortPattern(entry.official).length));
  return map.map((entry) => {
    const what =
      entry.mode === 'official'
        ? 'official image, pulled as named'
        : `${entry.image} (${entry.mode}: ${entry.product} ${entry.version}; ${entry.source})`;
    return `${shortPattern(entry.official).padEnd(width)}  -> ${what}`;
  });
}

/** The map as a Markdown table, with what each stand-in cannot show, for out/image-map.md. */
export function imageMapMarkdown(map: readonly ImageMapEntry[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = map.map((entry) =>
    [
      `\`${shortPattern(entry.official)}\``,
      entry.mode,
      entry.image ? `\`${entry.image}\`` : '(as named)',
      `${entry.product} ${entry.version}`,
      entry.source,
      entry.cannotShow.length > 0 ? entry.cannotShow.map((item) => `not run here: ${item}`).join('<br>') : '',
      (entry.asOfficial ?? []).join('<br>'),
    ]
      .map(cell)
      .join(' | '),
  );
  return [
    '# Image map',
    '',
    'What ran for each image the fixtures name. "not run here" statements need the official image (online mode, or `--images DIR`).',
    '',
    '| fixtures name | mode | image that ran | product and version | built from | what it cannot show | as on the official image |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
    '',
  ].join('\n');
}

/**
 * What a scenario must report beside its verdicts for an image it runs: for a stand-in, each
 * "not run here" statement with the official image it needs; nothing for official images.
 */
export function notRunHere(map: readonly ImageMapEntry[], reference: string): string[] {
  const resolved = resolveImage(map, reference);
  if (!resolved || resolved.entry.mode !== 'stand-in') return [];
  const needs = `needs ${shortPattern(resolved.entry.official).replace(/\*$/, '')} (online, or --images DIR)`;
  return resolved.entry.cannotShow.map((item) => `not run here: ${item}; ${needs}`);
}
