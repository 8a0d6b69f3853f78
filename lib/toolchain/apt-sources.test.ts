import { describe, expect, it } from 'vitest';
import { mirrorFromAptSources } from './apt-sources.js';

describe('mirrorFromAptSources', () => {
  it('reads deb822 stanzas, skipping other suites, comments and disabled stanzas', () => {
    const text = [
      'Types: deb',
      'URIs: http://mirror.example/debian-security',
      'Suites: bookworm-security',
      '',
      'Types: deb',
      '# a comment',
      'URIs: http://mirror.example/debian/',
      'Suites: bookworm bookworm-updates',
      'Components: main',
    ].join('\n');
    expect(mirrorFromAptSources([{ name: 'x.sources', text }], 'bookworm')).toBe('http://mirror.example/debian');
    const disabled = 'Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no';
    expect(mirrorFromAptSources([{ name: 'y.sources', text: disabled }], 'bookworm')).toBeUndefined();
  });

  it('reads one-line entries, with options', () => {
    const text =
      '# deb http://old.example/debian bookworm main\ndeb [arch=amd64] http://mirror.example/debian bookworm main';
    expect(mirrorFromAptSources([{ name: 'sources.list', text }], 'bookworm')).toBe('http://mirror.example/debian');
  });
});
