import { describe, expect, it } from 'vitest';
import {
  matchesPattern,
  mostSpecificMatch,
  parseReference,
  qualifiedReference,
  shortPattern,
} from './image-reference.js';

describe('parseReference', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox', 'latest'],
    ['busybox:1.36', 'docker.io/library/busybox', '1.36'],
    ['mysql/mysql-server:8.0', 'docker.io/mysql/mysql-server', '8.0'],
    ['localhost:5000/app', 'localhost:5000/app', 'latest'],
    ['sts-conformance.local/postgres:14.23', 'sts-conformance.local/postgres', '14.23'],
  ])('%s', (reference, repository, tag) => {
    expect(parseReference(reference)).toMatchObject({ repository, tag });
  });

  it('keeps a digest apart', () => {
    expect(parseReference('localhost:5000/app@sha256:abc')).toEqual({
      repository: 'localhost:5000/app',
      tag: 'latest',
      digest: 'sha256:abc',
    });
    expect(qualifiedReference('mysql:8.0')).toBe('docker.io/library/mysql:8.0');
  });
});

describe('matchesPattern', () => {
  it('matches a repository pattern for every tag', () => {
    expect(matchesPattern('docker.io/library/mysql', 'mysql')).toBe(true);
    expect(matchesPattern('docker.io/library/mysql', 'mysql:8.0.33')).toBe(true);
    expect(matchesPattern('docker.io/library/mysql', 'mysql/mysql-server:8.0')).toBe(false);
  });

  it('matches a tag and its refinements, not a longer number', () => {
    for (const tag of ['14', '14.23', '14-bookworm', '14.5-alpine'])
      expect(matchesPattern('docker.io/library/postgres:14', `postgres:${tag}`)).toBe(true);
    for (const tag of ['140', '1', 'latest', '15'])
      expect(matchesPattern('docker.io/library/postgres:14', `postgres:${tag}`)).toBe(false);
  });
});

describe('mostSpecificMatch', () => {
  const entries = [
    { official: 'docker.io/library/postgres:14' },
    { official: 'docker.io/library/postgres:14.22' },
    { official: 'docker.io/library/mysql' },
  ];
  it('prefers the longest matching tag', () => {
    expect(mostSpecificMatch(entries, 'postgres:14.22')?.official).toBe('docker.io/library/postgres:14.22');
    expect(mostSpecificMatch(entries, 'postgres:14.23')?.official).toBe('docker.io/library/postgres:14');
    expect(mostSpecificMatch(entries, 'mysql:8.0')?.official).toBe('docker.io/library/mysql');
    expect(mostSpecificMatch(entries, 'postgres:15')).toBeUndefined();
  });

  it('writes patterns the short way', () => {
    expect(shortPattern('docker.io/library/postgres:14')).toBe('postgres:14*');
    expect(shortPattern('docker.io/library/mysql')).toBe('mysql:*');
  });
});
