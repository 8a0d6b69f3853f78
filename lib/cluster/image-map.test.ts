import { describe, expect, it } from 'vitest';
import { IMAGE_CATALOG } from '../toolchain/image-catalog.js';
import {
  ImageMixError,
  imageMapFromNodes,
  imageMapMarkdown,
  localImagesOf,
  notRunHere,
  officialMap,
  resolveImage,
  standInMap,
  withArchives,
} from './image-map.js';

const everyStandIn = IMAGE_CATALOG.map((entry) => entry.local);

describe('standInMap', () => {
  it('maps the loaded stand-ins, and says what each cannot show', () => {
    const map = standInMap(everyStandIn);
    expect(resolveImage(map, 'mysql:8.0')).toMatchObject({
      image: 'sts-conformance.local/mariadb:10.11.19',
      entry: { mode: 'stand-in', product: 'MariaDB', version: '10.11.19' },
    });
    expect(resolveImage(map, 'mongo:6.0')?.entry.cannotShow.join(' ')).toMatch(/replica sets/);
    expect(resolveImage(map, 'postgres:14.22')?.image).toBe('sts-conformance.local/postgres:14.22');
    expect(resolveImage(map, 'postgres:16')).toBeUndefined();
  });

  it('leaves out what was not loaded', () => {
    expect(standInMap(['sts-conformance.local/busybox:1.35.0']).map((entry) => entry.official)).toEqual([
      'docker.io/library/busybox',
    ]);
  });
});

describe('officialMap', () => {
  it('pulls official images as named and keeps the placeholders on their stand-ins when loaded', () => {
    const map = officialMap(['sts-conformance.local/myapp:2.0']);
    expect(resolveImage(map, 'mysql:8.0')).toMatchObject({ image: 'mysql:8.0', entry: { mode: 'official' } });
    expect(resolveImage(map, 'myapp:latest')).toMatchObject({ image: 'sts-conformance.local/myapp:2.0' });
    expect(resolveImage(map, 'backup-tool')).toBeUndefined();
    expect(localImagesOf(map)).toEqual(['sts-conformance.local/myapp:2.0']);
  });
});

describe('withArchives', () => {
  it('runs the archived product on its official images, everything else as before', () => {
    const map = withArchives(standInMap(everyStandIn), ['mysql:8.0', 'docker.io/library/mongo:6.0'], '/images');
    expect(resolveImage(map, 'mysql:8.0')).toMatchObject({
      image: 'docker.io/library/mysql:8.0',
      entry: { mode: 'archive' },
    });
    expect(resolveImage(map, 'mysql:5.7')?.image).toBe('docker.io/library/mysql:8.0');
    expect(resolveImage(map, 'mongo:6.0')?.entry.mode).toBe('archive');
    expect(resolveImage(map, 'postgres:14')?.entry.mode).toBe('stand-in');
    expect(map.filter((entry) => entry.image?.includes('mariadb'))).toEqual([]);
  });

  it('refuses a directory that covers one postgres pattern and would leave another to a stand-in', () => {
    const mixing = () => withArchives(standInMap(everyStandIn), ['postgres:15.6'], '/images');
    expect(mixing).toThrow(ImageMixError);
    expect(mixing).toThrow(/no image for postgres:14\.22\*.*does not mix official and stand-in images/);
  });

  it('accepts postgres when every catalog pattern has an archive', () => {
    const map = withArchives(standInMap(everyStandIn), ['postgres:14.22', 'postgres:14.11', 'postgres:15.6'], '/i');
    expect(resolveImage(map, 'postgres:14')?.image).toBe('docker.io/library/postgres:14.11');
    expect(resolveImage(map, 'postgres:14.22')?.image).toBe('docker.io/library/postgres:14.22');
    expect(resolveImage(map, 'postgres:15')?.image).toBe('docker.io/library/postgres:15.6');
  });
});

describe('imageMapFromNodes', () => {
  it('finds the stand-ins every node holds, by the catalog', () => {
    const map = imageMapFromNodes([
      ['registry.k8s.io/pause:3.10', 'sts-conformance.local/mariadb:10.11.19', 'sts-conformance.local/busybox:1.35.0'],
      ['sts-conformance.local/busybox:1.35.0'],
    ]);
    expect(resolveImage(map, 'busybox:1.35')?.entry.mode).toBe('stand-in');
    expect(resolveImage(map, 'mysql:8.0')?.entry.mode).toBe('official');
  });

  it('refuses nodes that hold a stand-in and an official image of one product', () => {
    expect(() =>
      imageMapFromNodes([['sts-conformance.local/mariadb:10.11.19', 'docker.io/library/mysql:8.0']]),
    ).toThrow(
      /both the stand-in sts-conformance.local\/mariadb:10.11.19 and the official docker.io\/library\/mysql:8.0/,
    );
  });

  it('is the official map for a cluster without nodes or stand-ins', () => {
    expect(imageMapFromNodes([])).toEqual(officialMap());
    expect(imageMapFromNodes([['registry.k8s.io/pause:3.10']])).toEqual(officialMap());
  });
});

describe('imageMapMarkdown', () => {
  it('has one row per entry, with "not run here" for what a stand-in cannot show', () => {
    const markdown = imageMapMarkdown(standInMap(everyStandIn));
    expect(markdown.split('\n').filter((line) => line.startsWith('| `'))).toHaveLength(IMAGE_CATALOG.length);
    expect(markdown).toContain('not run here: replica sets');
  });
});

describe('notRunHere', () => {
  it('says what a stand-in cannot show and which official image it needs; nothing for official images', () => {
    const lines = notRunHere(standInMap(everyStandIn), 'mongo:6.0');
    expect(lines[0]).toMatch(/^not run here: replica sets .*; needs mongo: \(online, or --images DIR\)$/);
    expect(notRunHere(officialMap(), 'mongo:6.0')).toEqual([]);
    expect(notRunHere(standInMap(everyStandIn), 'redis:7')).toEqual([]);
  });
});
