import { describe, expect, it } from 'vitest';
import { catalogEntry } from '../image-catalog.js';
import { catalogLabels, containerAptSources, upstreamVersion } from './layers.js';

describe('containerAptSources', () => {
  it("lists the release, its updates and its security archive from this machine's sources, naming none itself", () => {
    const files = [
      {
        name: '/etc/apt/sources.list.d/debian.sources',
        text: 'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main\n',
      },
    ];
    const { text, missing } = containerAptSources(files);
    expect(missing).toEqual([]);
    expect(text).toContain('URIs: http://mirror.example/debian\nSuites: bookworm\n');
    expect(text).toContain('URIs: http://mirror.example/debian\nSuites: bookworm-updates\n');
    expect(text).toContain('URIs: http://security.example/debian-security\nSuites: bookworm-security\n');
  });

  it('says which suites it found no mirror for', () => {
    const { missing } = containerAptSources([
      { name: '/etc/apt/sources.list', text: 'deb http://m.example/debian bookworm main\n' },
    ]);
    expect(missing).toEqual(['bookworm-updates', 'bookworm-security']);
  });
});

describe('upstreamVersion', () => {
  it('drops the epoch and the Debian revision', () => {
    expect(upstreamVersion('1:10.11.19-0+deb12u1')).toBe('10.11.19');
    expect(upstreamVersion('15.20-0+deb12u1')).toBe('15.20');
    expect(upstreamVersion('7.93+dfsg1-1')).toBe('7.93');
  });
});

describe('catalogLabels', () => {
  it('labels an image with what it is and what it stands in for', () => {
    expect(catalogLabels(catalogEntry('mysql'))).toMatchObject({
      'org.opencontainers.image.title': 'MariaDB',
      'org.opencontainers.image.version': '10.11.19',
      'org.opencontainers.image.description': expect.stringMatching(
        /^stands in for docker.io\/library\/mysql; built from Debian/,
      ),
    });
  });
});
